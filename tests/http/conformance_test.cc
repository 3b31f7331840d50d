// tests/http/conformance_test.cc — 408 request vectors from other HTTP implementations' test
// suites, judged against RFC 9112/9110, run black-box through `httpdump --json`.
//
// The corpus lives outside the repository (../shared/conformance/http_vectors.jsonl from the
// repo root, or $OSN_CONFORMANCE_DIR) and is never copied in; without it these tests are
// skipped with the reason. Each vector runs whole and with --split 1. Rules (the corpus README
// has the full contract): `ok` must give exactly its messages; `error` must be rejected (after
// messages_before_error); `either` may go both ways, but an accepted result must match, and
// we require the corpus's `preferred` choice where it names one (docs/http.md lists each).
// Host is not required here: that is the server's rule (RFC 9112 §3.2), not the parser's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/mini_json.h"
#include "tests/support/run_program.h"

namespace {

namespace fs = std::filesystem;
using osn::test::Json;

// ---- locating the corpus and the tool -------------------------------------------------------

std::optional<fs::path> find_corpus() {
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

fs::path httpdump_path() { return osn::test::locate_tool("httpdump"); }

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

// ---- running httpdump ---------------------------------------------------------------------

struct DumpResult {
  std::vector<Json> messages;  // objects with "method"
  Json terminal;               // error / incomplete / stop, or null
  int exit_code = -1;
};

// Runs `httpdump --json [--split 1]` on `input` and splits its output into messages and the end.
DumpResult run_httpdump(const fs::path& tool, const std::string& input, bool split) {
  std::vector<std::string> args = {"--json"};
  if (split) args.insert(args.end(), {"--split", "1"});
  const osn::test::ProgramResult run = osn::test::run_program(tool.string(), args, osn::test::RunOptions::with_input(input));
  DumpResult result;
  result.exit_code = run.exit_code;
  const std::string_view text = run.out;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t nl = text.find('\n', start);
    Json line;
    if (!osn::test::parse_json(text.substr(start, nl - start), line)) break;
    if (line.find("method") != nullptr) result.messages.push_back(std::move(line));
    else result.terminal = std::move(line);
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
  return result;
}

// ---- comparing messages -------------------------------------------------------------------

std::string collapse_whitespace(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const bool ws = c == ' ' || c == '\t';
    if (ws && !out.empty() && out.back() == ' ') continue;
    out += ws ? ' ' : c;
  }
  return out;
}

// One canonical line per message, from either side.
std::string canonical(const Json& m, bool body_is_base64, bool ws_fuzzy) {
  auto str = [&](const char* key) { const Json* v = m.find(key); return v ? v->string : std::string("?"); };
  std::string out = str("method") + " " + str("target") + " " + str("version");
  auto fields = [&](const char* key) {
    if (const Json* list = m.find(key)) {
      for (const Json& pair : list->array) {
        if (pair.array.size() != 2) continue;
        const std::string value = ws_fuzzy ? collapse_whitespace(pair.array[1].string) : pair.array[1].string;
        out += std::string(" ") + key + "[" + pair.array[0].string + "=" + value + "]";
      }
    }
  };
  fields("headers");
  fields("trailers");
  const std::string body = body_is_base64 ? base64_decode(str("body_b64")) : str("body");
  const Json* ka = m.find("keep_alive");
  return out + " body=" + body + " ka=" + (ka && ka->boolean ? "1" : "0");
}

std::vector<std::string> expected_messages(const Json& record, const char* key) {
  std::vector<std::string> out;
  if (const Json* list = record.find(key)) {
    for (const Json& m : list->array) {
      const Json* fuzzy = m.find("ws_fuzzy");
      out.push_back(canonical(m, true, fuzzy && fuzzy->boolean));
    }
  }
  return out;
}

std::vector<std::string> produced_messages(const DumpResult& r, const Json& record, const char* key) {
  std::vector<std::string> out;
  const Json* list = record.find(key);
  for (std::size_t i = 0; i < r.messages.size(); ++i) {
    const Json* fuzzy = list && i < list->array.size() ? list->array[i].find("ws_fuzzy") : nullptr;
    out.push_back(canonical(r.messages[i], false, fuzzy && fuzzy->boolean));
  }
  return out;
}

bool is_rejection(const DumpResult& r, bool incomplete_counts) {
  if (r.terminal.find("error") != nullptr) return r.exit_code == 1;
  return incomplete_counts && r.terminal.find("incomplete") != nullptr && r.exit_code == 2;
}

std::string flag(const Json& record, const char* key) {
  const Json* v = record.find(key);
  if (v == nullptr) return "";
  return v->type == Json::Type::kBool ? (v->boolean ? "true" : "") : v->string;
}

// Did httpdump accept the messages the vector lists? (With rest_b64, what follows is free.)
bool accepted(const DumpResult& r, const Json& record) {
  const std::size_t n = expected_messages(record, "messages").size();
  if (record.find("rest_b64") != nullptr) return r.messages.size() >= n;
  return !is_rejection(r, true) && r.exit_code == 0;
}

// Empty if the result is right for the vector; otherwise what is wrong.
std::string judge(const Json& record, const DumpResult& r) {
  const std::string expect = flag(record, "expect");
  if (r.exit_code < 0 || r.exit_code > 2) return "httpdump failed, exit " + std::to_string(r.exit_code);
  std::vector<std::string> got = produced_messages(r, record, "messages");
  if (expect == "error" || (expect == "either" && !accepted(r, record))) {
    if (expect == "either" && flag(record, "preferred") == "ok") return "rejected, but preferred is ok";
    if (!is_rejection(r, !flag(record, "needs_eof").empty())) return "not rejected";
    std::vector<std::string> before = expected_messages(record, expect == "error" ? "messages_before_error" : "messages");
    if (expect == "either") before.resize(std::min(before.size(), got.size()));
    return got == before ? "" : "messages before the error differ";
  }
  if (expect == "either" && flag(record, "preferred") == "error") return "accepted, but preferred is error";
  const std::vector<std::string> want = expected_messages(record, "messages");
  if (record.find("rest_b64") != nullptr && got.size() > want.size()) got.resize(want.size());
  if (!accepted(r, record)) return "rejected or incomplete";
  if (got != want && flag(record, "accept_outcomes_vary").empty()) {
    std::string why = "messages differ:";
    for (const auto& g : got) why += "\n  got  " + g;
    for (const auto& w : want) why += "\n  want " + w;
    return why;
  }
  const std::string reason = flag(record, "rest_reason");
  if (r.terminal.find("stop") != nullptr && (reason == "close" || reason == "upgrade" || reason == "connect")) {
    const std::size_t rest = base64_decode(flag(record, "rest_b64")).size();
    if (r.terminal.find("stop")->string != reason) return "stopped for another reason";
    if (static_cast<std::size_t>(r.terminal.find("rest")->number) != rest) return "wrong number of bytes left";
  }
  return "";
}

// ---- the tests ----------------------------------------------------------------------------

struct Corpus {
  std::optional<fs::path> path;
  std::vector<Json> records;
};

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus loaded;
    loaded.path = find_corpus();
    if (!loaded.path) return loaded;
    std::ifstream in(*loaded.path);
    for (std::string line; std::getline(in, line);) {
      Json record;
      if (osn::test::parse_json(line, record)) loaded.records.push_back(std::move(record));
    }
    return loaded;
  }();
  return c;
}

// Runs every vector whose `expect` is `kind`; returns how many passed.
void run_kind(const std::string& kind) {
  const Corpus& c = corpus();
  if (!c.path) GTEST_SKIP() << "conformance corpus not found: set OSN_CONFORMANCE_DIR or place ../shared/conformance";
  const fs::path tool = httpdump_path();
  ASSERT_TRUE(fs::exists(tool)) << tool << " not built (set OSN_BIN_DIR)";
  int total = 0, passed = 0, smuggling_accepted = 0;
  for (const Json& record : c.records) {
    if (flag(record, "expect") != kind) continue;
    ++total;
    const std::string raw = base64_decode(flag(record, "raw_b64"));
    bool ok = true;
    for (const bool split : {false, true}) {
      const DumpResult r = run_httpdump(tool, raw, split);
      const std::string why = judge(record, r);
      if (!why.empty()) {
        ADD_FAILURE() << flag(record, "id") << (split ? " (--split 1): " : " (whole): ") << why;
        ok = false;
      }
      bool smuggling = false;
      if (const Json* tags = record.find("tags")) {
        for (const Json& t : tags->array) smuggling |= t.string == "smuggling";
      }
      const bool must_reject = kind == "error" || flag(record, "preferred") == "error";
      if (smuggling && must_reject && !is_rejection(r, true)) ++smuggling_accepted;
    }
    passed += ok ? 1 : 0;
  }
  std::cout << "conformance " << kind << ": " << passed << "/" << total
            << " vectors right (whole and --split 1); smuggling vectors accepted: " << smuggling_accepted << "\n";
  EXPECT_EQ(smuggling_accepted, 0);
  EXPECT_GT(total, 0);
}

TEST(HttpConformance, OkVectorsGiveExactlyTheirMessages) { run_kind("ok"); }
TEST(HttpConformance, ErrorVectorsAreRejected) { run_kind("error"); }
TEST(HttpConformance, EitherVectorsFollowThePreferredChoice) { run_kind("either"); }

}  // namespace
