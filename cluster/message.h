// cluster/message.h — the payload of one IPC message: ordered key=value pairs as text.
//
// Primary and workers share no memory; everything they tell each other is copied through the
// channel as bytes. A Message is a small self-describing record, written like an HTML form:
//   type=ack&conn=17&accepted=1
// Keys and values may hold any byte: '%', '&', '=' and bytes below 0x20 or 0x7f are written
// as %XX (two hex digits). decode() refuses anything else that is not of this shape (a field
// without '=', a bad escape), and the channel closes on such a frame. No JSON library needed;
// and the text reads well in `strace -f -e sendmsg,recvmsg` output. See docs/cluster.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace osn::cluster {

class Message {
 public:
  Message() = default;
  explicit Message(std::string_view type) { set("type", type); }

  // Sets `key` (replacing an earlier value of the same key); returns *this for chaining.
  Message& set(std::string_view key, std::string_view value);
  Message& set_int(std::string_view key, int64_t value);

  bool has(std::string_view key) const;
  // The value of `key`, or "" when absent.
  std::string_view get(std::string_view key) const;
  // The value parsed as a decimal integer; nullopt when absent or not a number.
  std::optional<int64_t> get_int(std::string_view key) const;
  std::string_view type() const { return get("type"); }

  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }
  bool operator==(const Message&) const = default;

  // "k=v&k2=v2" with the escaping described above.
  std::string encode() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// What decode_message found: a message, or (error not empty) why the bytes are not one.
struct DecodedMessage {
  Message message;
  std::string error;
  bool ok() const { return error.empty(); }
};

DecodedMessage decode_message(std::string_view payload);

}  // namespace osn::cluster
