// http/char_class.h — the byte classes of RFC 9110/9112 as one 256-entry constexpr table.
//
// A parser asks the same question of every byte: "may this byte appear here?" Answering it
// with a table lookup (one load, one AND) instead of a chain of comparisons is what makes
// picohttpparser-style parsers fast. Each bit of an entry is one grammar class; the table is
// built at compile time from the RFC's own definitions, so the grammar is readable below.
// Invariant: the table is immutable (constexpr) and covers all 256 byte values.
// Also here, because names and tokens are compared this way everywhere in http/: the one
// ASCII case-insensitive comparison, equals_ignore_case().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace osn::http {

enum CharClass : std::uint8_t {
  kTchar = 1 << 0,       // token = 1*tchar (method, field names, coding names)
  kTargetChar = 1 << 1,  // bytes allowed in a request-target (RFC 3986 minus '#')
  kFieldVchar = 1 << 2,  // field-vchar = VCHAR / obs-text (a field value, OWS aside)
  kHexDigit = 1 << 3,    // HEXDIG, for chunk sizes
  kQdtext = 1 << 4,      // qdtext of a quoted-string (chunk extension values)
  kWhitespace = 1 << 5,  // SP / HTAB (OWS, BWS)
};

namespace detail {

constexpr bool in_string(unsigned char c, const char* set) {
  for (; *set != '\0'; ++set) {
    if (static_cast<unsigned char>(*set) == c) return true;
  }
  return false;
}

constexpr bool is_alpha_digit(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

constexpr std::uint8_t classify(unsigned char c) {
  std::uint8_t bits = 0;
  if (is_alpha_digit(c) || in_string(c, "!#$%&'*+-.^_`|~")) bits |= kTchar;
  // unreserved / sub-delims / ":" "@" "/" "?" "%" and "[" "]" for IPv6 literals. Not '#':
  // a fragment is never sent (RFC 9112 §3.2), and not '"' '<' '>' '\' '^' '`' '{' '|' '}'.
  if (is_alpha_digit(c) || in_string(c, "-._~!$&'()*+,;=:@/?%[]")) bits |= kTargetChar;
  if ((c >= 0x21 && c <= 0x7E) || c >= 0x80) bits |= kFieldVchar;
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= kHexDigit;
  if (c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E) ||
      c >= 0x80) {
    bits |= kQdtext;
  }
  if (c == ' ' || c == '\t') bits |= kWhitespace;
  return bits;
}

constexpr std::array<std::uint8_t, 256> make_table() {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = classify(static_cast<unsigned char>(c));
  return table;
}

inline constexpr std::array<std::uint8_t, 256> kCharTable = make_table();

}  // namespace detail

constexpr bool has_class(char c, CharClass cls) {
  return (detail::kCharTable[static_cast<unsigned char>(c)] & cls) != 0;
}
constexpr bool is_tchar(char c) { return has_class(c, kTchar); }
constexpr bool is_target_char(char c) { return has_class(c, kTargetChar); }
constexpr bool is_hex_digit(char c) { return has_class(c, kHexDigit); }
constexpr bool is_whitespace(char c) { return has_class(c, kWhitespace); }

// Value of one hex digit; only call when is_hex_digit(c).
constexpr unsigned hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  return static_cast<unsigned>(c - 'A' + 10);
}

// ASCII case folding, as field names and tokens compare (RFC 9110 §5.1: case-insensitive).
// Bytes outside A-Z are left alone: no locale, so "İ" is never "i".
constexpr char to_lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

constexpr bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) continue;
    // Differing bytes match only as the two cases of one letter: 0x20 apart, and a letter.
    if ((a[i] ^ b[i]) != 0x20 || to_lower_ascii(a[i]) < 'a' || to_lower_ascii(a[i]) > 'z') return false;
  }
  return true;
}

static_assert(equals_ignore_case("Content-Length", "content-length") && !equals_ignore_case("a", "ab") &&
              !equals_ignore_case("@[", "`{"));  // 0x20 apart, but not letters
static_assert(is_tchar('G') && !is_tchar(':') && !is_tchar(' '));
static_assert(is_target_char('/') && !is_target_char('#') && !is_target_char(' '));
static_assert(has_class('\xff', kFieldVchar) && !has_class('\x7f', kFieldVchar));

}  // namespace osn::http
