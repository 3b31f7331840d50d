// cluster/frame.h — cutting a byte stream into messages: length-prefixed frames.
//
// A stream socket delivers bytes, not messages: one read may return half a message or three
// and a half. So each message travels as a frame — a 4-byte big-endian length, then that many
// payload bytes — and the receiver collects bytes until a whole frame is there (a partial
// read is normal). A length above the receiver's limit is refused before any payload is
// buffered: a peer cannot make us allocate 4 GiB by sending four bytes.
// FrameDecoder is pure (no I/O), so it is tested by feeding it bytes in every possible split.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace osn::cluster {

inline constexpr size_t kFrameHeaderBytes = 4;
inline constexpr size_t kDefaultMaxFrameBytes = 16 * 1024 * 1024;

// Header + payload, ready to write.
std::string encode_frame(std::string_view payload);

class FrameDecoder {
 public:
  enum class Status { kFrame, kNeedMore, kOversized };

  explicit FrameDecoder(size_t max_frame_bytes = kDefaultMaxFrameBytes) : max_(max_frame_bytes) {}

  // Appends bytes read from the stream.
  void feed(std::string_view bytes);
  // kFrame: *payload views the next whole frame (valid until the next feed() or next()).
  // kOversized: the announced length exceeds the limit; the stream cannot be trusted further.
  Status next(std::string_view* payload);

  size_t buffered() const { return buffer_.size() - offset_; }
  // The length announced by the header that was refused (for the error message).
  uint64_t refused_length() const { return refused_; }
  size_t max_frame_bytes() const { return max_; }

 private:
  std::string buffer_;
  size_t offset_ = 0;  // bytes before this were already handed out
  size_t max_;
  uint64_t refused_ = 0;
};

}  // namespace osn::cluster
