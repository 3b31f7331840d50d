// tests/support/mini_json.cc — a recursive-descent JSON reader (RFC 8259), test-only.
//
// One function per grammar rule; the cursor is a string_view that shrinks as input is read.
#include "tests/support/mini_json.h"

#include <cstdlib>

namespace osn::test {
namespace {

void skip_space(std::string_view& in) {
  while (!in.empty() && (in[0] == ' ' || in[0] == '\t' || in[0] == '\n' || in[0] == '\r')) in.remove_prefix(1);
}

void append_code_point(std::string& out, unsigned cp) {
  if (cp <= 0xFF) {
    out += static_cast<char>(cp);
  } else if (cp <= 0x7FF) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp <= 0xFFFF) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool read_hex4(std::string_view& in, unsigned& out) {
  if (in.size() < 4) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = in[i];
    unsigned d = 0;
    if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') d = static_cast<unsigned>((c | 0x20) - 'a' + 10);
    else return false;
    out = out * 16 + d;
  }
  in.remove_prefix(4);
  return true;
}

// A raw UTF-8 sequence in the JSON text, decoded to one code point.
unsigned read_utf8(std::string_view& in) {
  const auto lead = static_cast<unsigned char>(in[0]);
  const int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  unsigned cp = extra == 0 ? lead : lead & (0x3F >> extra);
  in.remove_prefix(1);
  for (int i = 0; i < extra && !in.empty(); ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(in[0]) & 0x3F);
    in.remove_prefix(1);
  }
  return cp;
}

bool parse_escape(std::string_view& in, std::string& out) {
  if (in.empty()) return false;
  const char c = in[0];
  in.remove_prefix(1);
  switch (c) {
    case '"': case '\\': case '/': out += c; return true;
    case 'b': out += '\b'; return true;
    case 'f': out += '\f'; return true;
    case 'n': out += '\n'; return true;
    case 'r': out += '\r'; return true;
    case 't': out += '\t'; return true;
    case 'u': {
      unsigned cp = 0;
      if (!read_hex4(in, cp)) return false;
      if (cp >= 0xD800 && cp <= 0xDBFF && in.size() >= 6 && in[0] == '\\' && in[1] == 'u') {
        in.remove_prefix(2);
        unsigned low = 0;
        if (!read_hex4(in, low)) return false;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      }
      append_code_point(out, cp);
      return true;
    }
    default: return false;
  }
}

bool parse_string(std::string_view& in, std::string& out) {
  in.remove_prefix(1);  // the opening quote
  while (!in.empty()) {
    const char c = in[0];
    if (c == '"') {
      in.remove_prefix(1);
      return true;
    }
    if (c == '\\') {
      in.remove_prefix(1);
      if (!parse_escape(in, out)) return false;
    } else if (static_cast<unsigned char>(c) >= 0x80) {
      append_code_point(out, read_utf8(in));
    } else {
      out += c;
      in.remove_prefix(1);
    }
  }
  return false;
}

bool parse_value(std::string_view& in, Json& out, int depth);

bool parse_array(std::string_view& in, Json& out, int depth) {
  out.type = Json::Type::kArray;
  in.remove_prefix(1);
  skip_space(in);
  if (!in.empty() && in[0] == ']') { in.remove_prefix(1); return true; }
  for (;;) {
    out.array.emplace_back();
    if (!parse_value(in, out.array.back(), depth + 1)) return false;
    skip_space(in);
    if (in.empty()) return false;
    if (in[0] == ']') { in.remove_prefix(1); return true; }
    if (in[0] != ',') return false;
    in.remove_prefix(1);
  }
}

bool parse_object(std::string_view& in, Json& out, int depth) {
  out.type = Json::Type::kObject;
  in.remove_prefix(1);
  skip_space(in);
  if (!in.empty() && in[0] == '}') { in.remove_prefix(1); return true; }
  for (;;) {
    skip_space(in);
    if (in.empty() || in[0] != '"') return false;
    out.keys.emplace_back();
    out.values.emplace_back();
    if (!parse_string(in, out.keys.back())) return false;
    skip_space(in);
    if (in.empty() || in[0] != ':') return false;
    in.remove_prefix(1);
    if (!parse_value(in, out.values.back(), depth + 1)) return false;
    skip_space(in);
    if (in.empty()) return false;
    if (in[0] == '}') { in.remove_prefix(1); return true; }
    if (in[0] != ',') return false;
    in.remove_prefix(1);
  }
}

bool parse_literal(std::string_view& in, std::string_view word) {
  if (in.substr(0, word.size()) != word) return false;
  in.remove_prefix(word.size());
  return true;
}

bool parse_number(std::string_view& in, Json& out) {
  const std::string text(in.substr(0, in.find_first_not_of("+-0123456789.eE")));
  if (text.empty()) return false;
  char* end = nullptr;
  out.type = Json::Type::kNumber;
  out.number = std::strtod(text.c_str(), &end);
  in.remove_prefix(text.size());
  return end == text.c_str() + text.size();
}

bool parse_value(std::string_view& in, Json& out, int depth) {
  skip_space(in);
  if (in.empty() || depth > 64) return false;
  switch (in[0]) {
    case '{': return parse_object(in, out, depth);
    case '[': return parse_array(in, out, depth);
    case '"': out.type = Json::Type::kString; return parse_string(in, out.string);
    case 't': out.type = Json::Type::kBool; out.boolean = true; return parse_literal(in, "true");
    case 'f': out.type = Json::Type::kBool; return parse_literal(in, "false");
    case 'n': return parse_literal(in, "null");
    default: return parse_number(in, out);
  }
}

}  // namespace

const Json* Json::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &values[i];
  }
  return nullptr;
}

bool parse_json(std::string_view text, Json& out) {
  out = Json{};
  if (!parse_value(text, out, 0)) return false;
  skip_space(text);
  return text.empty();
}

}  // namespace osn::test
