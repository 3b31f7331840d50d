// tests/bench_report/bench_report_test.cc — the report writer of `make bench-peers`
// (tools/bench-report): rows parsed and summarised right, the SVG it writes is well-formed XML
// with every bar and point where its scale puts it, and a missing peer shown as missing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "tools/bench-report/report.h"
#include "tools/bench-report/rows.h"
#include "tools/bench-report/svg.h"

namespace {

using osn::report::Point;
using osn::report::Row;
using BenchRun = osn::report::Run;

BenchRun parse(const std::string& text) {
  std::string error;
  auto run = osn::report::parse_rows(text, error);
  EXPECT_TRUE(run.has_value()) << error;
  return run.value_or(BenchRun{});
}

// A small XML well-formedness check: every tag closed in order, attributes quoted, no bare '&'
// or '<' in text, exactly one root element. Returns "" when well-formed, else what is wrong.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  size_t i = 0, roots = 0;
  if (xml.rfind("<?xml", 0) == 0) i = xml.find("?>") + 2;
  while (i < xml.size()) {
    if (xml[i] == '&') {
      const size_t semi = xml.find(';', i);
      const std::string entity = xml.substr(i, semi == std::string::npos ? 8 : semi - i + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&apos;")
        return "bad entity " + entity;
      i = semi + 1;
      continue;
    }
    if (xml[i] == '>') return "bare '>' in text at " + std::to_string(i);
    if (xml[i] != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(xml[i]))) return "text outside the root";
      ++i;
      continue;
    }
    const size_t end = xml.find('>', i);
    if (end == std::string::npos) return "unterminated tag";
    std::string tag = xml.substr(i + 1, end - i - 1);
    i = end + 1;
    if (tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes nothing open";
      open.pop_back();
      continue;
    }
    const bool self_closing = tag.back() == '/';
    if (self_closing) tag.pop_back();
    const std::string name = tag.substr(0, tag.find_first_of(" \n\t"));
    // Attributes: name="value" pairs, values without '<' (the escaper turns it into &lt;).
    size_t quotes = 0;
    for (const char c : tag) quotes += c == '"';
    if (quotes % 2) return "unbalanced quotes in <" + name + ">";
    if (tag.find('<') != std::string::npos) return "'<' inside <" + name + ">";
    if (open.empty()) ++roots;
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return roots == 1 ? "" : "expected one root element, found " + std::to_string(roots);
}

// The value of attribute `name` of the n-th element whose text starts with `start` ("<rect class=\"bar\"").
double attribute(const std::string& svg, const std::string& start, int n, const std::string& name) {
  size_t at = 0;
  for (int k = 0; k <= n; ++k) {
    at = svg.find(start, k == 0 ? 0 : at + 1);
    if (at == std::string::npos) return NAN;
  }
  const size_t end = svg.find('>', at);
  const size_t attr = svg.find(" " + name + "=\"", at);
  if (attr == std::string::npos || attr > end) return NAN;
  return std::strtod(svg.c_str() + attr + name.size() + 3, nullptr);
}

const char kRows[] =
    "meta\tdate\t2026-12-01T16:00:00Z\n"
    "row\thttp\thello -c50\thttp_rps\treq/s\thigher\tosnode\t100,300,200\tnginx\t50,100,150,400\n"
    "row\tloop\tloop/timers\ttimers_insert_ns\tns\tlower\tosnode\t10\tlibuv\t-\n"
    "missing\thttp\thello -c50\tnode\tnode\n"
    "point\tc10k rps\tepoll\t10\t1000\treq/s\n"
    "point\tc10k rps\tepoll\t10000\t500\treq/s\n";

TEST(BenchReportRows, MediansSpreadRatioAndRounds) {
  const BenchRun run = parse(kRows);
  ASSERT_EQ(run.rows.size(), 3u);
  const Row& hello = run.rows[0];
  EXPECT_EQ(hello.workload, "hello -c50");
  EXPECT_FALSE(hello.lower_is_better);
  EXPECT_DOUBLE_EQ(*hello.ours.median(), 200);
  EXPECT_DOUBLE_EQ(*hello.peer.median(), 125);  // even count: the mean of the middle two
  EXPECT_DOUBLE_EQ(*hello.peer.min(), 50);
  EXPECT_DOUBLE_EQ(*hello.peer.max(), 400);
  EXPECT_DOUBLE_EQ(*hello.ratio(), 1.6);
  EXPECT_FALSE(run.rows[1].ratio().has_value()) << "a side with no value has no ratio";
  EXPECT_EQ(run.rows[2].missing_binary, "node");
  EXPECT_EQ(run.points.size(), 2u);
  EXPECT_EQ(run.meta_value("date"), "2026-12-01T16:00:00Z");
}

TEST(BenchReportRows, MalformedLinesAreNamed) {
  std::string error;
  EXPECT_FALSE(osn::report::parse_rows("meta\ta\tb\nrow\tx\ty\n", error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_FALSE(osn::report::parse_rows("row\tg\tw\tm\tu\tsideways\to\t1\tp\t2\n", error));
  EXPECT_NE(error.find("lower or higher"), std::string::npos) << error;
  EXPECT_FALSE(osn::report::parse_rows("row\tg\tw\tm\tu\tlower\to\t1,zz\tp\t2\n", error));
  EXPECT_FALSE(osn::report::parse_rows("point\tc\ts\tten\t1\tu\n", error));
  EXPECT_FALSE(osn::report::parse_rows("bogus\t1\n", error));
  EXPECT_NE(error.find("unknown record 'bogus'"), std::string::npos) << error;
}

TEST(BenchReportTable, EveryRowWithItsFiguresAndTheMissingPeerNamed) {
  const BenchRun run = parse(kRows);
  const std::string table = osn::report::text_table(run);
  EXPECT_NE(table.find("200 req/s"), std::string::npos) << table;
  EXPECT_NE(table.find("125 req/s"), std::string::npos) << table;
  EXPECT_NE(table.find("1.60 (higher better)"), std::string::npos) << table;
  EXPECT_NE(table.find("100–300 | 50–400"), std::string::npos) << table;
  EXPECT_NE(table.find("3/4"), std::string::npos) << "rounds of each side when they differ\n" << table;
  EXPECT_NE(table.find("node not installed"), std::string::npos) << table;
  const std::string md = osn::report::markdown_report(run, {"report-http.svg"});
  EXPECT_NE(md.find("| hello -c50 | http_rps | 200 req/s | nginx |"), std::string::npos) << md;
  EXPECT_NE(md.find("![report-http.svg](report-http.svg)"), std::string::npos) << md;
}

TEST(BenchReportJson, NumbersNullsAndEscapes) {
  BenchRun run = parse(kRows);
  run.rows[0].workload = "a \"quoted\"\\ name\n";
  const std::string json = osn::report::json_report(run);
  EXPECT_NE(json.find("\"workload\": \"a \\\"quoted\\\"\\\\ name\\u000a\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"values\": [100, 300, 200], \"median\": 200"), std::string::npos) << json;
  EXPECT_NE(json.find("\"ratio\": null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"missing\": \"node\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"x\": 10000, \"y\": 500"), std::string::npos) << json;
}

TEST(BenchReportSvg, BarChartIsWellFormedWithBarsToScale) {
  BenchRun run = parse(kRows);
  run.rows[0].workload = "a<b & \"c\"";  // must be escaped, not break the document
  std::vector<const Row*> rows;
  for (const Row& r : run.rows) rows.push_back(&r);
  const std::string svg = osn::report::bar_chart_svg("http & friends", rows);
  EXPECT_EQ(xml_problem(svg), "") << svg;
  EXPECT_NE(svg.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  // Row 1: osnode 200, nginx 125: the longer bar is the full width, the other 125/200 of it.
  const double ours = attribute(svg, "<rect class=\"bar\"", 0, "width");
  const double peer = attribute(svg, "<rect class=\"bar\"", 1, "width");
  EXPECT_NEAR(ours, osn::report::kBarAreaWidth, 0.01);
  EXPECT_NEAR(peer, osn::report::kBarAreaWidth * 125 / 200, 0.01);
  EXPECT_NEAR(attribute(svg, "<rect class=\"bar\"", 0, "x"), osn::report::kBarAreaLeft, 0.01);
  // Row 2: libuv has no value (no bar, said so); row 3: node missing, a dashed empty bar.
  EXPECT_NE(svg.find("no value"), std::string::npos);
  EXPECT_NE(svg.find("<rect class=\"missing\""), std::string::npos);
  EXPECT_NE(svg.find("missing: node not installed"), std::string::npos);
  EXPECT_EQ(svg.find("<rect class=\"bar\"", svg.find("<rect class=\"missing\"")), std::string::npos)
      << "no bar is drawn for the missing peer";
}

TEST(BenchReportSvg, LineChartPlacesPointsOnALogAxis) {
  const std::vector<Point> points = {{"c", "epoll", 10, 100, "req/s"},    {"c", "epoll", 10000, 50, "req/s"},
                                     {"c", "poll", 10, 100, "req/s"},     {"c", "poll", 1000, 25, "req/s"},
                                     {"c", "epoll", 100, 90, "req/s"}};
  const std::string svg = osn::report::line_chart_svg("C10K <busy client>", points);
  EXPECT_EQ(xml_problem(svg), "") << svg;
  EXPECT_NE(svg.find("C10K &lt;busy client&gt;"), std::string::npos);
  EXPECT_NE(svg.find("x (log scale)"), std::string::npos);
  // 10, 100, 10000 on a log axis from 10 to 10000: the first two are a third of the width apart.
  const double x10 = attribute(svg, "<circle", 0, "cx");
  const double x100 = attribute(svg, "<circle", 1, "cx");
  const double x10000 = attribute(svg, "<circle", 2, "cx");
  EXPECT_NEAR((x100 - x10) * 3, x10000 - x10, 0.05) << "points sorted by x, log spaced";
  // y: 0 at the bottom, linear: 100 is twice as high above the axis as 50.
  const double bottom = osn::report::Scale{0, 110, 370, 50, false}.at(0);
  const double y100 = attribute(svg, "<circle", 0, "cy");
  const double y50 = attribute(svg, "<circle", 2, "cy");
  EXPECT_NEAR(bottom - y100, 2 * (bottom - y50), 0.05);
  // Two series, two polylines, two legend entries.
  EXPECT_NE(svg.find("<polyline class=\"series\""), std::string::npos);
  EXPECT_NE(svg.find("<polyline class=\"series\"", svg.find("<polyline class=\"series\"") + 1), std::string::npos);
  EXPECT_NE(svg.find(">poll</text>"), std::string::npos);
}

TEST(BenchReportSvg, ScaleAndNumberFormatting) {
  const osn::report::Scale log{10, 10000, 0, 300, true};
  EXPECT_NEAR(log.at(100), 100, 1e-9);
  EXPECT_NEAR(log.at(1000), 200, 1e-9);
  const osn::report::Scale lin{0, 50, 400, 0, false};
  EXPECT_NEAR(lin.at(25), 200, 1e-9);
  EXPECT_EQ(osn::report::format_number(123456.4), "123456");
  EXPECT_EQ(osn::report::format_number(12.345), "12.3");
  EXPECT_EQ(osn::report::format_number(50), "50") << "whole numbers need no decimals (axis ticks)";
  EXPECT_EQ(osn::report::format_number(0.7345), "0.73");
  EXPECT_EQ(osn::report::format_number(0.01234), "0.0123");
  EXPECT_EQ(osn::report::xml_escape("a\x01<"), "a &lt;");
}

}  // namespace
