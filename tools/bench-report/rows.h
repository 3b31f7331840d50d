// tools/bench-report/rows.h — the results of one `make bench-peers` run, as the report sees them.
//
// Benchmarks are noisy, more so on a shared machine; one figure means little. So every group of
// tests/bench/peers/ hands over every round of both sides (osnode and the peer, run
// alternately so that a slow moment hurts both alike) and the report summarises them itself:
// the median of each side, their ratio, the spread (min–max) and the number of rounds.
// A peer that is not installed is a row too: it is shown as missing, never invented.
//
// The rows file (written by tests/bench/peers/lib.sh) has one tab-separated record per line:
//   row      GROUP WORKLOAD METRIC UNIT lower|higher OURS v1,v2,.. PEER v1,v2,..
//   missing  GROUP WORKLOAD PEER BINARY
//   point    CHART SERIES X Y UNIT
//   meta     KEY VALUE
// Values are plain numbers; "-" stands for "no value". Unknown record kinds are errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace osn::report {

// The rounds of one side of a comparison, and what the report prints of them.
struct Sample {
  std::string name;             // "osnode", "nginx", "rr", ...
  std::vector<double> values;   // one per round, in the order they ran
  std::optional<double> median() const;  // mean of the middle two for an even count
  std::optional<double> min() const;
  std::optional<double> max() const;
};

// One workload measured on both sides; or, when `missing_binary` is set, a peer that could not run.
struct Row {
  std::string group;       // the peer group: loop, pool, http, ...
  std::string workload;    // "hello -c50", "loop/timers", ...
  std::string metric;      // "http_rps", ... (empty for a missing peer)
  std::string unit;        // "req/s", "ns", ...
  bool lower_is_better = false;
  Sample ours;
  Sample peer;
  std::string missing_binary;  // non-empty: peer.name could not run, this binary is not installed
  // ours / peer of the medians; empty when either side has no value or the peer's is 0.
  std::optional<double> ratio() const;
};

// One point of a line chart: CHART names the chart, SERIES the line in it.
struct Point {
  std::string chart;
  std::string series;
  double x = 0;
  double y = 0;
  std::string unit;
};

struct Run {
  std::vector<std::pair<std::string, std::string>> meta;  // date, machine, load, command
  std::vector<Row> rows;
  std::vector<Point> points;
  std::string meta_value(std::string_view key) const;     // "" when absent
};

// Parses a rows file's text. On a malformed line returns nothing and sets `error` to a message
// naming the line number and what is wrong with it.
std::optional<Run> parse_rows(std::string_view text, std::string& error);

}  // namespace osn::report
