// tools/bench-report/report.h — one run's rows as a table (terminal and Markdown) and as JSON.
//
// The table has one line per result: workload, metric, osnode's median, the peer and its median,
// the ratio osnode/peer (always ours over theirs: < 1 is good when lower is better, > 1 when
// higher is), each side's min–max and the number of rounds. A missing peer's line says which
// binary is not installed instead of numbers.
#pragma once

#include <string>
#include <vector>

#include "tools/bench-report/rows.h"

namespace osn::report {

std::string text_table(const Run& run);
// `charts`: the SVG file names written beside report.md, embedded at its end.
std::string markdown_report(const Run& run, const std::vector<std::string>& charts);
std::string json_report(const Run& run);
std::string json_string(std::string_view text);

}  // namespace osn::report
