// http/response.cc — serialising a response into the connection's output.
//
// Everything is appended to one std::string that the connection reuses, so a small response
// costs a few memcpy calls and no allocation once the buffers have grown.
#include "http/response.h"

#include <charconv>

#include "http/connection.h"
#include "http/request.h"
#include "http/server.h"
#include "http/status.h"

namespace osn::http {

namespace {
void append_number(std::string& out, uint64_t n, int base = 10) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n, base);
  (void)ec;
  out.append(digits, static_cast<size_t>(end - digits));
}

// 1xx, 204 and 304 responses never carry a body (RFC 9110 §6.4.1).
bool status_forbids_body(int status) { return status < 200 || status == 204 || status == 304; }
}  // namespace

Response* ResponseHandle::get() const {
  return server_ ? server_->find_response(id_) : nullptr;
}

Response::Response(Connection& connection) : connection_(&connection) {}

Response::~Response() { forget_handle(); }

void Response::reset(bool head_request, int version_minor, bool keep_alive) {
  forget_handle();
  own_output_.clear();
  fields_.clear();
  sink_ = &own_output_;
  on_drain_ = nullptr;
  status_ = 200;
  version_minor_ = version_minor;
  state_ = State::kNew;
  head_request_ = head_request;
  keep_alive_ = keep_alive;
  chunked_ = false;
}

void Response::become_first(std::string& connection_output) {
  connection_output.append(own_output_);
  own_output_.clear();
  sink_ = &connection_output;
}

BodyStream* Response::body() { return connection_->body_of(*this); }

ResponseHandle Response::handle() {
  Server& server = connection_->server();
  if (handle_id_ == 0 && !finished()) handle_id_ = server.remember_response(this);
  return ResponseHandle(&server, handle_id_);
}

loop::Loop& Response::loop() const { return connection_->server().loop(); }

void Response::forget_handle() {
  if (handle_id_ != 0) connection_->server().forget_response(handle_id_);
  handle_id_ = 0;
}

void Response::run_drain_callback() {
  if (on_drain_ && state_ == State::kStreaming) {
    std::function<void()> cb = on_drain_;  // a copy: the callback may replace it
    cb();
  }
}

void Response::add_header(std::string_view name, std::string_view value) {
  if (head_sent()) return;
  if (equals_ignore_case(name, "connection") && equals_ignore_case(value, "close")) {
    keep_alive_ = false;  // write_head() says so
    return;
  }
  fields_.append(name).append(": ").append(value).append("\r\n");
}

void Response::append_status_line() {
  std::string& out = *sink_;
  if (status_ == 200) {
    out.append("HTTP/1.1 200 OK\r\n");
    return;
  }
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<uint64_t>(status_));
  out.push_back(' ');
  out.append(reason_phrase(status_)).append("\r\n");
}

void Response::write_head(std::string_view framing_fields) {
  append_status_line();
  std::string& out = *sink_;
  out.append(connection_->date_line());
  out.append(fields_);
  out.append(framing_fields);
  if (!keep_alive_) {
    out.append("Connection: close\r\n");
  } else if (version_minor_ == 0) {
    out.append("Connection: keep-alive\r\n");  // HTTP/1.0 closes unless told otherwise
  }
  out.append("\r\n");
}

void Response::end(std::string_view body) {
  if (state_ == State::kFinished) return;
  if (state_ == State::kNew) {
    if (status_forbids_body(status_)) {
      write_head({});
    } else {
      char line[48] = "Content-Length: ";
      auto [p, ec] = std::to_chars(line + 16, line + sizeof line - 2, body.size());
      (void)ec;
      p[0] = '\r';
      p[1] = '\n';
      write_head(std::string_view(line, static_cast<size_t>(p + 2 - line)));
      if (!head_request_) sink_->append(body);
    }
  } else {
    if (!body.empty()) write(body);
    if (chunked_ && !head_request_) sink_->append("0\r\n\r\n");
  }
  state_ = State::kFinished;
  forget_handle();
  connection_->response_finished(*this);
}

bool Response::write(std::string_view piece) {
  if (state_ == State::kFinished) return false;
  if (state_ == State::kNew) {
    state_ = State::kStreaming;
    if (version_minor_ >= 1) {
      chunked_ = true;
      write_head("Transfer-Encoding: chunked\r\n");
    } else {
      keep_alive_ = false;  // HTTP/1.0: the end of the body is the end of the connection
      write_head({});
    }
  }
  if (!piece.empty() && !head_request_ && !status_forbids_body(status_)) {
    if (chunked_) {
      append_number(*sink_, piece.size(), 16);
      sink_->append("\r\n").append(piece).append("\r\n");
    } else {
      sink_->append(piece);
    }
  }
  return connection_->response_output(*this);
}

}  // namespace osn::http
