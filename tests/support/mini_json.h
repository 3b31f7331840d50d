// tests/support/mini_json.h — just enough JSON to read test vectors and httpdump --json.
//
// Test-only (the runtime has no JSON at all). Strings are decoded to code points; a code point
// up to U+00FF becomes that one byte (so "\u00ff" is the byte 0xFF, as the conformance corpus
// and httpdump map bytes), anything above becomes UTF-8. Numbers are doubles. Objects keep
// their keys in order. A parse error returns false with no partial value promised.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osn::test {

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::string> keys;  // an object: keys[i] names values[i], in input order
  std::vector<Json> values;

  // The member `key` of an object, or nullptr.
  const Json* find(std::string_view key) const;
};

// Parses one JSON value that makes up all of `text` (surrounding whitespace allowed).
bool parse_json(std::string_view text, Json& out);

}  // namespace osn::test
