// labs/05-http-parsing/grader/split_check.cc — see split_check.h.
#include "labs/05-http-parsing/grader/split_check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "labs/grading/graded_test.h"
#include "tests/support/guard_page.h"
#include "tests/support/http_outcome.h"

namespace osn::grading::lab05 {

std::vector<std::size_t> random_cuts(std::size_t size) {
  std::set<std::size_t> cuts;
  if (size < 2) return {};
  const auto count = random_between(1, std::min<std::int64_t>(static_cast<std::int64_t>(size) - 1, 12));
  for (std::int64_t i = 0; i < count; ++i) cuts.insert(static_cast<std::size_t>(random_between(1, static_cast<std::int64_t>(size) - 1)));
  return {cuts.begin(), cuts.end()};
}

std::string check_every_split(const Case& c, const http::ParserLimits& limits, int random_splits,
                              bool every_two_piece_cut) {
  test::GuardPage guard(c.input.size() + 1);
  auto run = [&](std::span<const std::size_t> cuts) { return test::run_request_parser(c.input, cuts, limits, &guard); };
  auto wrong = [&](const std::string& how, const std::string& got) {
    return "case '" + c.name + "' " + how + ": got\n" + got + "\nexpected\n" + c.expected;
  };
  if (std::string got = run({}); got != c.expected) return wrong("whole", got);
  std::vector<std::size_t> bytewise;
  for (std::size_t i = 1; i < c.input.size(); ++i) bytewise.push_back(i);
  if (std::string got = run(bytewise); got != c.expected) return wrong("byte by byte", got);
  for (std::size_t cut = 1; every_two_piece_cut && cut < c.input.size(); ++cut) {
    const std::size_t cuts[] = {cut};
    if (std::string got = run(cuts); got != c.expected) return wrong("cut at " + std::to_string(cut), got);
  }
  for (int i = 0; i < random_splits; ++i) {
    const std::vector<std::size_t> cuts = random_cuts(c.input.size());
    if (std::string got = run(cuts); got != c.expected) {
      std::string where;
      for (std::size_t k : cuts) where += " " + std::to_string(k);
      return wrong("cut at" + where, got);
    }
  }
  return "";
}

void expect_table(const std::vector<Case>& table, const http::ParserLimits& limits, int random_splits) {
  for (const Case& c : table) {
    const std::string why = check_every_split(c, limits, random_splits);
    if (!why.empty()) ADD_FAILURE() << why;
  }
}

void expect_well_formed_requests_accepted() {
  const std::string te = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::vector<Case> sane = {
      {"fields", "GET / HTTP/1.1\r\nHost: a\r\nX-Y: b c\r\n\r\n", "GET / 1.1 Host=a X-Y=b c ka\nend"},
      {"no fields", "GET / HTTP/1.1\r\n\r\n", "GET / 1.1 ka\nend"},
      {"chunked", te + "5\r\nhello\r\n0\r\n\r\n", "POST / 1.1 Transfer-Encoding=chunked ka body=hello\nend"},
      {"chunked with trailer", te + "1;e=v\r\nx\r\n0\r\nT: 1\r\n\r\n",
       "POST / 1.1 Transfer-Encoding=chunked ka body=x trailer T=1\nend"},
  };
  for (const Case& c : sane) {
    const std::string why = check_every_split(c, {}, 2);
    ASSERT_EQ(why, "") << "a well-formed request is refused, so rejections score nothing yet";
  }
}

std::string random_token(std::size_t min_len, std::size_t max_len) {
  static const std::string alphabet =
      "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  const auto n = random_between(static_cast<std::int64_t>(min_len), static_cast<std::int64_t>(max_len));
  for (std::int64_t i = 0; i < n; ++i) out += alphabet[static_cast<std::size_t>(random_between(0, static_cast<std::int64_t>(alphabet.size()) - 1))];
  return out;
}

std::string random_ows() {
  std::string out;
  const auto n = random_between(0, 3);
  for (std::int64_t i = 0; i < n; ++i) out += random_between(0, 1) ? ' ' : '\t';
  return out;
}

std::string random_field_value() {
  std::string out;
  const auto n = random_between(0, 24);
  for (std::int64_t i = 0; i < n; ++i) {
    const auto kind = random_between(0, 9);
    if (kind == 0 && !out.empty()) out += random_between(0, 1) ? ' ' : '\t';  // inner whitespace is kept
    else if (kind == 1) out += static_cast<char>(random_between(0x80, 0xFF));  // obs-text
    else out += static_cast<char>(random_between(0x21, 0x7E));                // VCHAR
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return out;
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(random_between(0, 255));
  return out;
}

std::string random_hex(std::uint64_t value) {
  static const char lower[] = "0123456789abcdef";
  static const char upper[] = "0123456789ABCDEF";
  std::string digits;  // least significant first, reversed below
  for (std::uint64_t rest = value;; rest /= 16) {
    const std::size_t digit = static_cast<std::size_t>(rest % 16);
    digits.push_back(random_between(0, 1) ? lower[digit] : upper[digit]);
    if (rest < 16) break;
  }
  return std::string(static_cast<std::size_t>(random_between(0, 3)), '0') + std::string(digits.rbegin(), digits.rend());
}

}  // namespace osn::grading::lab05
