// tools/bench-report/svg.h — bar and line charts written as SVG text, with no plotting library.
//
// An SVG file is XML: shapes (<rect>, <polyline>, <circle>) placed in a coordinate system of
// pixels whose y grows downwards, and <text>. A chart is then arithmetic: a Scale maps a value
// to a pixel, linearly or (for 10, 100, 1,000, 10,000 connections) on a log axis, and each bar
// or point is one element at its mapped place. Everything text-like goes through xml_escape,
// so a workload called "a<b & c" cannot break the document.
//
//   bar_chart_svg   one group's rows: per workload, osnode's bar beside the peer's, both drawn
//                   on that row's own scale (the longer bar is full width; units differ between
//                   rows), the median printed at each bar's end; a missing peer is a dashed
//                   empty bar saying which binary is not installed.
//   line_chart_svg  one chart's points: a line per series over x, with axes, ticks and legend.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/bench-report/rows.h"

namespace osn::report {

// Maps [lo, hi] onto [pixel_lo, pixel_hi]; on a log scale lo must be > 0.
struct Scale {
  double lo = 0, hi = 1;
  double pixel_lo = 0, pixel_hi = 1;
  bool log = false;
  double at(double value) const;
};

std::string xml_escape(std::string_view text);

// Geometry shared with the tests, which check where the bars end up.
inline constexpr double kBarAreaLeft = 300;   // x of every bar's left edge
inline constexpr double kBarAreaWidth = 340;  // width of the longer bar of a row

std::string bar_chart_svg(std::string_view title, const std::vector<const Row*>& rows);
std::string line_chart_svg(std::string_view title, const std::vector<Point>& points);

// A number for a label: 123456 -> "123456", 123.4 -> "123", 12.345 -> "12.3", 0.7345 -> "0.73", 0.0123 -> "0.0123".
std::string format_number(double value);

}  // namespace osn::report
