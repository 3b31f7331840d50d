// cluster/message.cc — encoding and decoding key=value&key=value with %XX escapes.
#include "cluster/message.h"

#include <charconv>

namespace osn::cluster {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool needs_escape(unsigned char c) { return c < 0x20 || c == 0x7f || c == '%' || c == '&' || c == '='; }

void append_escaped(std::string& out, std::string_view text) {
  for (unsigned char c : text) {
    if (needs_escape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Undoes append_escaped; false on a '%' not followed by two hex digits.
bool unescape(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;  // needs two more characters
    int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

}  // namespace

Message& Message::set(std::string_view key, std::string_view value) {
  for (auto& [k, v] : fields_) {
    if (k == key) {
      v.assign(value);
      return *this;
    }
  }
  fields_.emplace_back(std::string(key), std::string(value));
  return *this;
}

Message& Message::set_int(std::string_view key, int64_t value) { return set(key, std::to_string(value)); }

bool Message::has(std::string_view key) const {
  for (const auto& [k, v] : fields_)
    if (k == key) return true;
  return false;
}

std::string_view Message::get(std::string_view key) const {
  for (const auto& [k, v] : fields_)
    if (k == key) return v;
  return {};
}

std::optional<int64_t> Message::get_int(std::string_view key) const {
  std::string_view text = get(key);
  int64_t value = 0;
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || err != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string Message::encode() const {
  std::string out;
  for (const auto& [k, v] : fields_) {
    if (!out.empty()) out += '&';
    append_escaped(out, k);
    out += '=';
    append_escaped(out, v);
  }
  return out;
}

DecodedMessage decode_message(std::string_view payload) {
  DecodedMessage result;
  std::string key, value;
  size_t start = 0;
  while (start < payload.size()) {
    size_t end = payload.find('&', start);
    if (end == std::string_view::npos) end = payload.size();
    std::string_view field = payload.substr(start, end - start);
    size_t eq = field.find('=');
    if (eq == std::string_view::npos) {
      result.error = "field without '=' at byte " + std::to_string(start);
      return result;
    }
    if (!unescape(field.substr(0, eq), key) || !unescape(field.substr(eq + 1), value)) {
      result.error = "bad %XX escape in field at byte " + std::to_string(start);
      return result;
    }
    result.message.set(key, value);
    start = end + 1;
    if (end + 1 == payload.size()) {  // a trailing '&' would be an empty field
      result.error = "empty field at the end";
      return result;
    }
  }
  return result;
}

}  // namespace osn::cluster
