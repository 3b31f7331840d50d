// tools/bench-report/rows.cc — reading the rows file, and the statistics of one side.
#include "tools/bench-report/rows.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace osn::report {

namespace {

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// A whole field as a finite number, or nothing.
std::optional<double> parse_number(std::string_view field) {
  if (field.empty() || field.size() > 64) return std::nullopt;
  const std::string copy(field);
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || errno == ERANGE || value != value) return std::nullopt;
  return value;
}

// "1.5,2,3" -> {1.5, 2, 3}; "-" -> {}; false on anything else.
bool parse_values(std::string_view field, std::vector<double>& values) {
  values.clear();
  if (field == "-" || field.empty()) return true;
  for (std::string_view part : split(field, ',')) {
    const auto value = parse_number(part);
    if (!value) return false;
    values.push_back(*value);
  }
  return true;
}

}  // namespace

std::optional<double> Sample::median() const {
  if (values.empty()) return std::nullopt;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

std::optional<double> Sample::min() const {
  if (values.empty()) return std::nullopt;
  return *std::min_element(values.begin(), values.end());
}

std::optional<double> Sample::max() const {
  if (values.empty()) return std::nullopt;
  return *std::max_element(values.begin(), values.end());
}

std::optional<double> Row::ratio() const {
  const auto a = ours.median();
  const auto b = peer.median();
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

std::string Run::meta_value(std::string_view key) const {
  for (const auto& [k, v] : meta)
    if (k == key) return v;
  return {};
}

std::optional<Run> parse_rows(std::string_view text, std::string& error) {
  Run run;
  size_t line_number = 0;
  for (std::string_view line : split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const auto fields = split(line, '\t');
    const std::string where = "line " + std::to_string(line_number) + ": ";
    const std::string_view kind = fields[0];
    if (kind == "row") {
      if (fields.size() != 10) { error = where + "a row has 10 fields, this one " + std::to_string(fields.size()); return std::nullopt; }
      if (fields[5] != "lower" && fields[5] != "higher") { error = where + "field 6 must be lower or higher"; return std::nullopt; }
      Row row;
      row.group = fields[1];
      row.workload = fields[2];
      row.metric = fields[3];
      row.unit = fields[4];
      row.lower_is_better = fields[5] == "lower";
      row.ours.name = fields[6];
      row.peer.name = fields[8];
      if (!parse_values(fields[7], row.ours.values) || !parse_values(fields[9], row.peer.values)) {
        error = where + "values must be numbers separated by commas, or -";
        return std::nullopt;
      }
      run.rows.push_back(std::move(row));
    } else if (kind == "missing") {
      if (fields.size() != 5) { error = where + "a missing record has 5 fields"; return std::nullopt; }
      Row row;
      row.group = fields[1];
      row.workload = fields[2];
      row.ours.name = "osnode";
      row.peer.name = fields[3];
      row.missing_binary = fields[4].empty() ? std::string(fields[3]) : std::string(fields[4]);
      run.rows.push_back(std::move(row));
    } else if (kind == "point") {
      if (fields.size() != 6) { error = where + "a point has 6 fields"; return std::nullopt; }
      const auto x = parse_number(fields[3]);
      const auto y = parse_number(fields[4]);
      if (!x || !y) { error = where + "a point's x and y must be numbers"; return std::nullopt; }
      run.points.push_back({std::string(fields[1]), std::string(fields[2]), *x, *y, std::string(fields[5])});
    } else if (kind == "meta") {
      if (fields.size() != 3) { error = where + "a meta record has 3 fields"; return std::nullopt; }
      run.meta.emplace_back(fields[1], fields[2]);
    } else {
      error = where + "unknown record '" + std::string(kind) + "' (row, missing, point, meta)";
      return std::nullopt;
    }
  }
  return run;
}

}  // namespace osn::report
