// cluster/channel.cc — frames in, frames out, and closing with a reason.
#include "cluster/channel.h"

namespace osn::cluster {

Channel::Channel(loop::Loop& loop, kio::Fd fd, size_t max_frame_bytes)
    : stream_(std::make_unique<loop::Stream>(loop, std::move(fd))), decoder_(max_frame_bytes) {}

Channel::~Channel() = default;

void Channel::start(MessageCallback on_message, CloseCallback on_close) {
  on_message_ = std::move(on_message);
  on_close_ = std::move(on_close);
  if (!stream_) return;
  stream_->on_end([this] { fail("peer closed the channel"); });
  stream_->on_error([this](const kio::SysError& e) { fail(e.message()); });
  stream_->read_start([this](std::string_view bytes) { on_data(bytes); });
  if (!refed_) stream_->unref();
}

bool Channel::send(const Message& message) {
  if (!stream_) return false;
  std::string payload = message.encode();
  if (payload.size() > decoder_.max_frame_bytes()) return false;  // the peer would refuse it
  return stream_->write(encode_frame(payload));
}

void Channel::send_raw_bytes(std::string bytes) {
  if (stream_) stream_->write(bytes);
}

void Channel::on_drain(std::function<void()> cb) {
  if (stream_) stream_->on_drain(std::move(cb));
}

void Channel::close() {
  if (!stream_) return;
  stream_->close();
  stream_.reset();
}

void Channel::ref() {
  refed_ = true;
  if (stream_) stream_->ref();
}

void Channel::unref() {
  refed_ = false;
  if (stream_) stream_->unref();
}

void Channel::on_data(std::string_view bytes) {
  decoder_.feed(bytes);
  loop::DestroyGuard guard(destroy_flag_);
  std::string_view payload;
  for (;;) {
    FrameDecoder::Status status = decoder_.next(&payload);
    if (status == FrameDecoder::Status::kNeedMore) break;
    if (status == FrameDecoder::Status::kOversized) {
      fail("frame of " + std::to_string(decoder_.refused_length()) + " bytes exceeds the limit of " +
           std::to_string(decoder_.max_frame_bytes()));
      break;
    }
    DecodedMessage decoded = decode_message(payload);
    if (!decoded.ok()) {
      fail("malformed message: " + decoded.error);
      break;
    }
    if (on_message_) on_message_(decoded.message);
    if (guard.destroyed() || !stream_) break;  // the callback destroyed or closed the channel
  }
}

void Channel::fail(const std::string& reason) {
  if (!stream_) return;
  close();
  if (CloseCallback cb = std::move(on_close_)) cb(reason);
}

}  // namespace osn::cluster
