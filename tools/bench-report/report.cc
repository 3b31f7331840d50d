// tools/bench-report/report.cc — the table and the JSON of report.h.
#include "tools/bench-report/report.h"

#include <algorithm>
#include <cstdio>

#include "tools/bench-report/svg.h"

namespace osn::report {

namespace {

constexpr int kColumns = 8;
using Line = std::vector<std::string>;

std::string or_dash(const std::optional<double>& value) { return value ? format_number(*value) : "-"; }

std::string spread(const Sample& s) {
  if (s.values.empty()) return "-";
  return format_number(*s.min()) + "–" + format_number(*s.max());
}

Line header() {
  return {"workload", "metric", "osnode", "peer", "peer median", "ratio", "min–max (osnode | peer)", "rounds"};
}

Line cells(const Row& row) {
  if (!row.missing_binary.empty())
    return {row.workload, "-", "-", row.peer.name, "MISSING", "-", row.missing_binary + " not installed", "-"};
  const std::string unit = row.unit == "-" ? "" : " " + row.unit;
  std::string ratio = or_dash(row.ratio());
  if (row.ratio()) ratio += row.lower_is_better ? " (lower better)" : " (higher better)";
  std::string rounds = std::to_string(row.ours.values.size());
  if (row.peer.values.size() != row.ours.values.size()) rounds += "/" + std::to_string(row.peer.values.size());
  // The osnode column holds one of ours; when it is not plain "osnode" (epoll, poll, rr, ...),
  // the workload says which.
  const std::string workload = row.ours.name == "osnode" ? row.workload : row.workload + " [" + row.ours.name + "]";
  return {workload, row.metric, or_dash(row.ours.median()) + unit, row.peer.name,
          or_dash(row.peer.median()) + unit, ratio, spread(row.ours) + " | " + spread(row.peer), rounds};
}

// Display width: the en dash "–" is 3 bytes but one column.
size_t width(const std::string& s) {
  size_t w = 0;
  for (const char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

std::string json_number(const std::optional<double>& value) {
  if (!value) return "null";
  char text[40];
  std::snprintf(text, sizeof text, "%.6g", *value);
  return text;
}

std::string json_sample(const Sample& s) {
  std::string values;
  for (const double v : s.values) values += (values.empty() ? "" : ", ") + json_number(v);
  return "{\"name\": " + json_string(s.name) + ", \"values\": [" + values + "], \"median\": " + json_number(s.median()) +
         ", \"min\": " + json_number(s.min()) + ", \"max\": " + json_number(s.max()) + "}";
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string text_table(const Run& run) {
  std::vector<Line> lines{header()};
  for (const Row& row : run.rows) lines.push_back(cells(row));
  size_t widths[kColumns] = {};
  for (const Line& l : lines)
    for (int i = 0; i < kColumns; ++i) widths[i] = std::max(widths[i], width(l[i]));
  std::string out;
  for (size_t n = 0; n < lines.size(); ++n) {
    for (int i = 0; i < kColumns; ++i) {
      out += lines[n][i];
      if (i + 1 < kColumns) out += std::string(widths[i] - width(lines[n][i]) + 2, ' ');
    }
    out += '\n';
    if (n == 0) {
      for (int i = 0; i < kColumns; ++i) out += std::string(widths[i], '-') + (i + 1 < kColumns ? "  " : "");
      out += '\n';
    }
  }
  return out;
}

std::string markdown_report(const Run& run, const std::vector<std::string>& charts) {
  std::string out = "# bench-peers report\n\n";
  for (const auto& [key, value] : run.meta) out += "- " + key + ": `" + value + "`\n";
  out += "\nRatio is osnode / peer of the medians. Rows marked MISSING name the binary that is not installed.\n\n";
  auto md_line = [](const Line& l) {
    std::string s = "|";
    for (const std::string& c : l) {
      std::string cell;
      for (const char ch : c) cell += ch == '|' ? std::string("\\|") : std::string(1, ch);
      s += " " + cell + " |";
    }
    return s + "\n";
  };
  out += md_line(header());
  out += "|" + std::string() + " --- | --- | ---: | --- | ---: | ---: | --- | ---: |\n";
  for (const Row& row : run.rows) out += md_line(cells(row));
  if (!charts.empty()) out += "\n";
  for (const std::string& chart : charts) out += "![" + chart + "](" + chart + ")\n\n";
  return out;
}

std::string json_report(const Run& run) {
  std::string out = "{\n  \"meta\": {";
  for (size_t i = 0; i < run.meta.size(); ++i)
    out += (i ? ", " : "") + json_string(run.meta[i].first) + ": " + json_string(run.meta[i].second);
  out += "},\n  \"rows\": [";
  for (size_t i = 0; i < run.rows.size(); ++i) {
    const Row& r = run.rows[i];
    out += std::string(i ? "," : "") + "\n    {\"group\": " + json_string(r.group) + ", \"workload\": " +
           json_string(r.workload) + ", \"metric\": " + json_string(r.metric) + ", \"unit\": " + json_string(r.unit) +
           ", \"better\": " + json_string(r.lower_is_better ? "lower" : "higher") + ",\n     \"osnode\": " +
           json_sample(r.ours) + ",\n     \"peer\": " + json_sample(r.peer) + ",\n     \"ratio\": " +
           json_number(r.ratio()) + ", \"missing\": " +
           (r.missing_binary.empty() ? std::string("null") : json_string(r.missing_binary)) + "}";
  }
  out += "\n  ],\n  \"points\": [";
  for (size_t i = 0; i < run.points.size(); ++i) {
    const Point& p = run.points[i];
    out += std::string(i ? "," : "") + "\n    {\"chart\": " + json_string(p.chart) + ", \"series\": " +
           json_string(p.series) + ", \"x\": " + json_number(p.x) + ", \"y\": " + json_number(p.y) +
           ", \"unit\": " + json_string(p.unit) + "}";
  }
  return out + "\n  ]\n}\n";
}

}  // namespace osn::report
