// cluster/frame.cc — 4-byte big-endian length prefix; a buffer with a read offset.
//
// Consumed bytes are not erased one frame at a time (that would copy the rest on every
// frame); the offset moves forward and the buffer is compacted only when the consumed part
// is large, so back-to-back small frames cost O(bytes) in total.
#include "cluster/frame.h"

namespace osn::cluster {

std::string encode_frame(std::string_view payload) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  std::string out;
  out.reserve(kFrameHeaderBytes + payload.size());
  out += static_cast<char>((n >> 24) & 0xff);
  out += static_cast<char>((n >> 16) & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  out += static_cast<char>(n & 0xff);
  out.append(payload);
  return out;
}

void FrameDecoder::feed(std::string_view bytes) {
  if (offset_ > 0 && (offset_ == buffer_.size() || offset_ >= 64 * 1024)) {
    buffer_.erase(0, offset_);  // compact: drop what was already handed out
    offset_ = 0;
  }
  buffer_.append(bytes);
}

FrameDecoder::Status FrameDecoder::next(std::string_view* payload) {
  if (buffered() < kFrameHeaderBytes) return Status::kNeedMore;
  const auto* h = reinterpret_cast<const unsigned char*>(buffer_.data() + offset_);
  const uint64_t length = (uint64_t{h[0]} << 24) | (uint64_t{h[1]} << 16) | (uint64_t{h[2]} << 8) | h[3];
  if (length > max_) {
    refused_ = length;
    return Status::kOversized;
  }
  if (buffered() < kFrameHeaderBytes + length) return Status::kNeedMore;
  *payload = std::string_view(buffer_).substr(offset_ + kFrameHeaderBytes, length);
  offset_ += kFrameHeaderBytes + length;
  return Status::kFrame;
}

}  // namespace osn::cluster
