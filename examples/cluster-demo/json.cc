// examples/cluster-demo/json.cc — see json.h.
#include "examples/cluster-demo/json.h"

namespace osn::demo {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
}

void JsonObject::begin_pair(std::string_view key) {
  if (text_.size() > 1) text_ += ',';
  append_json_string(text_, key);
  text_ += ':';
}

JsonObject& JsonObject::add(std::string_view key, uint64_t value) {
  begin_pair(key);
  text_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, int64_t value) {
  begin_pair(key);
  text_ += std::to_string(value);
  return *this;
}

JsonObject& JsonObject::add(std::string_view key, std::string_view value) {
  begin_pair(key);
  append_json_string(text_, value);
  return *this;
}

JsonObject& JsonObject::add_raw(std::string_view key, std::string_view json) {
  begin_pair(key);
  text_ += json;
  return *this;
}

}  // namespace osn::demo
