// tools/bench-report/main.cc — `bench-report --rows FILE --out DIR`: the end of `make bench-peers`.
//
// Reads the rows every peer group wrote (rows.h), prints the one table on stdout and writes
// DIR/report.md, DIR/report.json, one bar chart per group (DIR/report-GROUP.svg) and one line
// chart per chart name of the points (DIR/chart-NAME.svg). Exit status 1 when the rows file
// cannot be read or is malformed (the message names the line), 64 on bad usage.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tools/bench-report/report.h"
#include "tools/bench-report/rows.h"
#include "tools/bench-report/svg.h"

namespace {

// "hello -c50" -> "hello-c50": a group or chart name as a file name.
std::string file_part(std::string_view name) {
  std::string out;
  for (const char c : name)
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  return out.empty() ? "unnamed" : out;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) std::fprintf(stderr, "bench-report: cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  std::string rows_path, out_dir;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--rows" && i + 1 < argc) rows_path = argv[++i];
    else if (arg == "--out" && i + 1 < argc) out_dir = argv[++i];
    else rows_path.clear(), out_dir.clear(), i = argc;
  }
  if (rows_path.empty() || out_dir.empty()) {
    std::fprintf(stderr, "usage: %s --rows ROWS_FILE --out DIR\n", argv[0]);
    return 64;
  }
  std::ifstream in(rows_path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "bench-report: cannot read rows file %s\n", rows_path.c_str());
    return 1;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string error;
  const auto run = osn::report::parse_rows(text.str(), error);
  if (!run) {
    std::fprintf(stderr, "bench-report: %s: %s\n", rows_path.c_str(), error.c_str());
    return 1;
  }
  // One bar chart per group, in the order the groups ran; one line chart per chart name.
  std::vector<std::string> group_order, chart_order, files;
  std::map<std::string, std::vector<const osn::report::Row*>> groups;
  std::map<std::string, std::vector<osn::report::Point>> charts;
  for (const auto& row : run->rows) {
    if (!groups.count(row.group)) group_order.push_back(row.group);
    groups[row.group].push_back(&row);
  }
  for (const auto& point : run->points) {
    if (!charts.count(point.chart)) chart_order.push_back(point.chart);
    charts[point.chart].push_back(point);
  }
  bool ok = true;
  for (const std::string& g : group_order) {
    files.push_back("report-" + file_part(g) + ".svg");
    ok &= write_file(out_dir + "/" + files.back(), osn::report::bar_chart_svg(g + ": osnode beside its peer", groups[g]));
  }
  for (const std::string& c : chart_order) {
    files.push_back("chart-" + file_part(c) + ".svg");
    ok &= write_file(out_dir + "/" + files.back(), osn::report::line_chart_svg(c, charts[c]));
  }
  ok &= write_file(out_dir + "/report.md", osn::report::markdown_report(*run, files));
  ok &= write_file(out_dir + "/report.json", osn::report::json_report(*run));
  std::fputs(osn::report::text_table(*run).c_str(), stdout);
  std::printf("bench-report: %zu rows, %zu points -> %s/report.md, report.json, %zu charts\n", run->rows.size(),
              run->points.size(), out_dir.c_str(), files.size());
  return ok ? 0 : 1;
}
