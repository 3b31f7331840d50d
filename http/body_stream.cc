// http/body_stream.cc — delivering a body piece by piece; pause/resume reach the connection.
#include "http/body_stream.h"

#include "http/connection.h"

namespace osn::http {

void BodyStream::start(Connection* connection) {
  clear();
  connection_ = connection;
  bytes_ = 0;
  active_ = true;
}

void BodyStream::pause() {
  if (!active_ || paused_ || connection_ == nullptr || !on_data_) return;
  paused_ = true;
  connection_->body_paused_changed();
}

void BodyStream::resume() {
  if (!active_ || !paused_) return;
  paused_ = false;
  if (connection_) connection_->body_paused_changed();
}

void BodyStream::deliver(std::string_view piece) {
  bytes_ += piece.size();
  if (on_data_) on_data_(piece);
}

// The callbacks are moved out before they run: one may start another body on this stream
// (a pipelined request), and what they captured is released when they return.
void BodyStream::finish(std::span<const Header> trailers) {
  if (!active_) return;
  EndCallback cb = std::move(on_end_);
  clear();
  trailers_ = trailers;
  if (cb) cb();
  trailers_ = {};
}

void BodyStream::fail(int status, std::string_view reason) {
  if (!active_) return;
  ErrorCallback cb = std::move(on_error_);
  clear();
  if (cb) cb(status, reason);
}

void BodyStream::clear() {
  on_data_ = nullptr;
  on_end_ = nullptr;
  on_error_ = nullptr;
  trailers_ = {};
  active_ = false;
  paused_ = false;
  connection_ = nullptr;
}

}  // namespace osn::http
