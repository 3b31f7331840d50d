// tests/support/http_vectors.cc — finding, loading and judging the HTTP request corpus.
#include "tests/support/http_vectors.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>

namespace osn::test {

namespace fs = std::filesystem;

std::optional<fs::path> find_http_vectors() {
  if (const char* dir = std::getenv("OSN_CONFORMANCE_DIR")) {
    const fs::path p = fs::path(dir) / "http_vectors.jsonl";
    if (fs::exists(p)) return p;
  }
  std::error_code ec;
  for (fs::path start : {fs::current_path(ec), fs::read_symlink("/proc/self/exe", ec).parent_path()}) {
    for (fs::path d = start; !d.empty(); d = d.parent_path()) {
      const fs::path p = d / ".." / "shared" / "conformance" / "http_vectors.jsonl";
      if (fs::exists(p, ec)) return fs::weakly_canonical(p, ec);
      if (d == d.parent_path()) break;
    }
  }
  return std::nullopt;
}

const HttpVectors& http_vectors() {
  static const HttpVectors loaded = [] {
    HttpVectors v;
    v.path = find_http_vectors();
    if (!v.path) return v;
    std::ifstream in(*v.path);
    for (std::string line; std::getline(in, line);) {
      Json record;
      if (parse_json(line, record)) v.records.push_back(std::move(record));
    }
    return v;
  }();
  return loaded;
}

std::string base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
  };
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (const char c : in) {
    const int v = value(c);
    if (v < 0) continue;  // '=' padding
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

std::string vector_flag(const Json& record, const char* key) {
  const Json* v = record.find(key);
  if (v == nullptr) return "";
  return v->type == Json::Type::kBool ? (v->boolean ? "true" : "") : v->string;
}

bool vector_tagged(const Json& record, std::string_view tag) {
  if (const Json* tags = record.find("tags"))
    for (const Json& t : tags->array)
      if (t.string == tag) return true;
  return false;
}

VectorMessage vector_message_from_json(const Json& j, bool body_is_base64) {
  VectorMessage m;
  auto str = [&](const char* key) { const Json* v = j.find(key); return v ? v->string : std::string("?"); };
  m.method = str("method");
  m.target = str("target");
  m.version = str("version");
  m.body = body_is_base64 ? base64_decode(str("body_b64")) : str("body");
  const Json* ka = j.find("keep_alive");
  m.keep_alive = ka && ka->boolean;
  for (const char* key : {"headers", "trailers"}) {
    if (const Json* list = j.find(key))
      for (const Json& pair : list->array)
        if (pair.array.size() == 2) (key[0] == 'h' ? m.headers : m.trailers).emplace_back(pair.array[0].string, pair.array[1].string);
  }
  return m;
}

namespace {

std::string collapse_whitespace(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const bool ws = c == ' ' || c == '\t';
    if (ws && !out.empty() && out.back() == ' ') continue;
    out += ws ? ' ' : c;
  }
  return out;
}

std::string canonical_fields(const char* key, const std::vector<std::pair<std::string, std::string>>& fields, bool fuzzy) {
  std::string out;
  for (const auto& [name, value] : fields) out += std::string(" ") + key + "[" + name + "=" + (fuzzy ? collapse_whitespace(value) : value) + "]";
  return out;
}

// One canonical line per message, from either side.
std::string canonical(const VectorMessage& m, bool fuzzy) {
  return m.method + " " + m.target + " " + m.version + canonical_fields("headers", m.headers, fuzzy) +
         canonical_fields("trailers", m.trailers, fuzzy) + " body=" + m.body + " ka=" + (m.keep_alive ? "1" : "0");
}

// Does the record allow whitespace differences in its i-th message (`ws_fuzzy`)?
bool fuzzy_at(const Json& record, const char* key, std::size_t i) {
  const Json* list = record.find(key);
  if (!list || i >= list->array.size()) return false;
  const Json* f = list->array[i].find("ws_fuzzy");
  return f && f->boolean;
}

std::vector<std::string> expected(const Json& record, const char* key) {
  std::vector<std::string> out;
  if (const Json* list = record.find(key))
    for (std::size_t i = 0; i < list->array.size(); ++i)
      out.push_back(canonical(vector_message_from_json(list->array[i], true), fuzzy_at(record, key, i)));
  return out;
}

std::vector<std::string> produced(const VectorOutcome& o, const Json& record, const char* key) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < o.messages.size(); ++i) out.push_back(canonical(o.messages[i], fuzzy_at(record, key, i)));
  return out;
}

// Did the parser accept the messages the record lists? (With rest_b64, what follows is free.)
bool accepted(const VectorOutcome& o, const Json& record) {
  if (record.find("rest_b64") != nullptr) return o.messages.size() >= expected(record, "messages").size();
  return o.end == VectorOutcome::End::kClean || o.end == VectorOutcome::End::kStop;
}

}  // namespace

bool is_rejection(const VectorOutcome& o, bool incomplete_counts) {
  return o.end == VectorOutcome::End::kError || (incomplete_counts && o.end == VectorOutcome::End::kIncomplete);
}

std::string judge_vector(const Json& record, const VectorOutcome& o) {
  const std::string expect = vector_flag(record, "expect");
  std::vector<std::string> got = produced(o, record, "messages");
  if (expect == "error" || (expect == "either" && !accepted(o, record))) {
    if (expect == "either" && vector_flag(record, "preferred") == "ok") return "rejected, but preferred is ok";
    if (!is_rejection(o, !vector_flag(record, "needs_eof").empty())) return "not rejected";
    std::vector<std::string> before = expected(record, expect == "error" ? "messages_before_error" : "messages");
    if (expect == "either") before.resize(std::min(before.size(), got.size()));
    return got == before ? "" : "messages before the error differ";
  }
  if (expect == "either" && vector_flag(record, "preferred") == "error") return "accepted, but preferred is error";
  const std::vector<std::string> want = expected(record, "messages");
  if (record.find("rest_b64") != nullptr && got.size() > want.size()) got.resize(want.size());
  if (!accepted(o, record)) return "rejected or incomplete";
  if (got != want && vector_flag(record, "accept_outcomes_vary").empty()) {
    std::string why = "messages differ:";
    for (const auto& g : got) why += "\n  got  " + g;
    for (const auto& w : want) why += "\n  want " + w;
    return why;
  }
  const std::string reason = vector_flag(record, "rest_reason");
  if (o.end == VectorOutcome::End::kStop && (reason == "close" || reason == "upgrade" || reason == "connect")) {
    if (o.stop_reason != reason) return "stopped for another reason";
    if (o.rest != base64_decode(vector_flag(record, "rest_b64")).size()) return "wrong number of bytes left";
  }
  return "";
}

}  // namespace osn::test
