// examples/cluster-demo/json.h — JSON written by hand, one object at a time.
//
// The demo answers small JSON objects ({"worker":1,"pid":4242}); a library would hide how
// little there is to it. JsonObject appends `"key":value` pairs into one string; strings are
// escaped (quote, backslash, control bytes as \u00XX) so any byte sequence stays valid JSON.
// Values that are already JSON (a nested object or an array) go in with add_raw.
// Ownership: a value type. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osn::demo {

// Appends `text` as a JSON string literal, quotes included.
void append_json_string(std::string& out, std::string_view text);

class JsonObject {
 public:
  JsonObject& add(std::string_view key, uint64_t value);
  JsonObject& add(std::string_view key, int64_t value);
  JsonObject& add(std::string_view key, int value) { return add(key, static_cast<int64_t>(value)); }
  JsonObject& add(std::string_view key, std::string_view value);
  JsonObject& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  JsonObject& add_raw(std::string_view key, std::string_view json);

  // The finished object: "{...}".
  std::string str() const { return text_ + "}"; }

 private:
  void begin_pair(std::string_view key);
  std::string text_ = "{";
};

}  // namespace osn::demo
