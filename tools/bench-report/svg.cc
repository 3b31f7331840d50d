// tools/bench-report/svg.cc — the two chart kinds; see svg.h.
#include "tools/bench-report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace osn::report {

namespace {

constexpr const char* kOursColour = "#2b6cb0";
constexpr const char* kPeerColours[] = {"#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030"};

std::string num(double value) {  // a coordinate: two decimals are plenty
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

std::string text_element(double x, double y, std::string_view content, std::string_view extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"" + (extra.empty() ? "" : " ") + std::string(extra) +
         ">" + xml_escape(content) + "</text>\n";
}

std::string svg_open(double width, double height, std::string_view title) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n<title>" + xml_escape(title) + "</title>\n" +
         "<rect x=\"0\" y=\"0\" width=\"" + num(width) + "\" height=\"" + num(height) + "\" fill=\"white\"/>\n" +
         text_element(10, 20, title, "font-size=\"15\" font-weight=\"bold\"");
}

}  // namespace

double Scale::at(double value) const {
  double t;
  if (log) {
    t = (std::log10(value) - std::log10(lo)) / (std::log10(hi) - std::log10(lo));
  } else {
    t = hi == lo ? 0 : (value - lo) / (hi - lo);
  }
  return pixel_lo + t * (pixel_hi - pixel_lo);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters other than tab are not allowed in XML 1.0 at all.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') out += ' '; else out += c;
    }
  }
  return out;
}

std::string format_number(double value) {
  char text[32];
  const double magnitude = std::fabs(value);
  if (magnitude >= 100 || (magnitude >= 10 && value == std::floor(value))) std::snprintf(text, sizeof text, "%.0f", value);
  else if (magnitude >= 10) std::snprintf(text, sizeof text, "%.1f", value);
  else if (magnitude >= 0.1 || value == 0) std::snprintf(text, sizeof text, "%.2f", value);
  else std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

std::string bar_chart_svg(std::string_view title, const std::vector<const Row*>& rows) {
  constexpr double kRowHeight = 64, kTop = 48, kBar = 15, kWidth = 760;
  const double height = kTop + kRowHeight * static_cast<double>(rows.size()) + 16;
  std::string svg = svg_open(kWidth, height, title);
  svg += "<rect x=\"" + num(kBarAreaLeft) + "\" y=\"28\" width=\"10\" height=\"10\" fill=\"" + kOursColour + "\"/>\n";
  svg += text_element(kBarAreaLeft + 14, 37, "osnode (median)");
  svg += "<rect x=\"" + num(kBarAreaLeft + 130) + "\" y=\"28\" width=\"10\" height=\"10\" fill=\"" + kPeerColours[0] + "\"/>\n";
  svg += text_element(kBarAreaLeft + 144, 37, "peer (median)");
  double y = kTop;
  for (const Row* row : rows) {
    // The heading takes the whole width (workload names are long); the two bars sit below it.
    const std::string heading = row->workload + (row->metric.empty() ? "" : "  " + row->metric);
    std::string note;
    if (!row->metric.empty()) {
      note = " — " + row->unit + ", " + (row->lower_is_better ? "lower" : "higher") + " is better";
      if (const auto r = row->ratio()) note += "; " + row->ours.name + "/" + row->peer.name + " = " + format_number(*r);
    }
    svg += "<text x=\"10\" y=\"" + num(y + 14) + "\" font-weight=\"bold\">" + xml_escape(heading) +
           "<tspan font-weight=\"normal\" fill=\"#555\">" + xml_escape(note) + "</tspan></text>\n";
    const auto a = row->ours.median();
    const auto b = row->peer.median();
    const double longest = std::max(a.value_or(0), b.value_or(0));
    const Scale scale{0, longest > 0 ? longest : 1, kBarAreaLeft, kBarAreaLeft + kBarAreaWidth, false};
    struct Side { const Sample* sample; std::optional<double> median; const char* colour; double y; };
    const Side sides[] = {{&row->ours, a, kOursColour, y + 22}, {&row->peer, b, kPeerColours[0], y + 22 + kBar + 4}};
    for (const Side& side : sides) {
      svg += text_element(kBarAreaLeft - 6, side.y + 12, side.sample->name, "text-anchor=\"end\"");
      if (!row->missing_binary.empty() && side.sample == &row->peer) {
        svg += "<rect class=\"missing\" x=\"" + num(kBarAreaLeft) + "\" y=\"" + num(side.y) + "\" width=\"" +
               num(kBarAreaWidth) + "\" height=\"" + num(kBar) +
               "\" fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n";
        svg += text_element(kBarAreaLeft + 8, side.y + 12, "missing: " + row->missing_binary + " not installed", "fill=\"#777\"");
        continue;
      }
      if (!side.median) {
        svg += text_element(kBarAreaLeft + 8, side.y + 12, "no value", "fill=\"#777\"");
        continue;
      }
      const double width = scale.at(*side.median) - kBarAreaLeft;
      svg += "<rect class=\"bar\" x=\"" + num(kBarAreaLeft) + "\" y=\"" + num(side.y) + "\" width=\"" + num(width) +
             "\" height=\"" + num(kBar) + "\" fill=\"" + side.colour + "\"/>\n";
      svg += text_element(kBarAreaLeft + width + 4, side.y + 12, format_number(*side.median) + " " + row->unit);
    }
    y += kRowHeight;
  }
  return svg + "</svg>\n";
}

std::string line_chart_svg(std::string_view title, const std::vector<Point>& points) {
  constexpr double kWidth = 760, kHeight = 420, kLeft = 80, kRight = 600, kTop = 50, kBottom = 370;
  std::string svg = svg_open(kWidth, kHeight, title);
  if (points.empty()) return svg + text_element(kLeft, kTop + 20, "no points") + "</svg>\n";
  double x_lo = points[0].x, x_hi = points[0].x, y_hi = 0;
  for (const Point& p : points) {
    x_lo = std::min(x_lo, p.x);
    x_hi = std::max(x_hi, p.x);
    y_hi = std::max(y_hi, p.y);
  }
  const bool log_x = x_lo > 0 && x_hi / x_lo >= 100;
  if (x_hi == x_lo) x_hi = x_lo + 1;
  const Scale xs{x_lo, x_hi, kLeft, kRight, log_x};
  const Scale ys{0, y_hi > 0 ? y_hi * 1.1 : 1, kBottom, kTop, false};
  // Axes and ticks: on a log axis the powers of ten, else five even steps; y in five steps.
  svg += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(kBottom) + "\" x2=\"" + num(kRight) + "\" y2=\"" + num(kBottom) +
         "\" stroke=\"black\"/>\n<line x1=\"" + num(kLeft) + "\" y1=\"" + num(kTop) + "\" x2=\"" + num(kLeft) +
         "\" y2=\"" + num(kBottom) + "\" stroke=\"black\"/>\n";
  std::vector<double> x_ticks;
  if (log_x) {
    for (double t = std::pow(10, std::ceil(std::log10(x_lo))); t <= x_hi * 1.0001; t *= 10) x_ticks.push_back(t);
  } else {
    for (int i = 0; i <= 5; ++i) x_ticks.push_back(x_lo + (x_hi - x_lo) * i / 5);
  }
  for (const double t : x_ticks) {
    svg += "<line x1=\"" + num(xs.at(t)) + "\" y1=\"" + num(kBottom) + "\" x2=\"" + num(xs.at(t)) + "\" y2=\"" +
           num(kBottom + 5) + "\" stroke=\"black\"/>\n";
    svg += text_element(xs.at(t), kBottom + 18, format_number(t), "text-anchor=\"middle\"");
  }
  for (int i = 0; i <= 5; ++i) {
    const double v = ys.hi * i / 5;
    svg += "<line x1=\"" + num(kLeft) + "\" y1=\"" + num(ys.at(v)) + "\" x2=\"" + num(kRight) + "\" y2=\"" +
           num(ys.at(v)) + "\" stroke=\"#ddd\"/>\n";
    svg += text_element(kLeft - 6, ys.at(v) + 4, format_number(v), "text-anchor=\"end\"");
  }
  svg += text_element((kLeft + kRight) / 2, kHeight - 12, log_x ? "x (log scale)" : "x", "text-anchor=\"middle\"");
  svg += text_element(10, kTop - 12, points[0].unit, "fill=\"#555\"");
  // One polyline per series, in the order the series first appear; a dot on every point.
  std::vector<std::string> order;
  std::map<std::string, std::vector<Point>> series;
  for (const Point& p : points) {
    if (!series.count(p.series)) order.push_back(p.series);
    series[p.series].push_back(p);
  }
  for (size_t i = 0; i < order.size(); ++i) {
    std::vector<Point>& line = series[order[i]];
    std::sort(line.begin(), line.end(), [](const Point& l, const Point& r) { return l.x < r.x; });
    const char* colour = i == 0 ? kOursColour : kPeerColours[(i - 1) % std::size(kPeerColours)];
    std::string coords;
    for (const Point& p : line) coords += (coords.empty() ? "" : " ") + num(xs.at(p.x)) + "," + num(ys.at(p.y));
    svg += "<polyline class=\"series\" points=\"" + coords + "\" fill=\"none\" stroke=\"" + colour + "\" stroke-width=\"2\"/>\n";
    for (const Point& p : line)
      svg += "<circle cx=\"" + num(xs.at(p.x)) + "\" cy=\"" + num(ys.at(p.y)) + "\" r=\"3\" fill=\"" + colour + "\"/>\n";
    const double legend_y = kTop + 10 + 20 * static_cast<double>(i);
    svg += "<rect x=\"" + num(kRight + 20) + "\" y=\"" + num(legend_y - 9) + "\" width=\"10\" height=\"10\" fill=\"" + colour + "\"/>\n";
    svg += text_element(kRight + 34, legend_y, order[i]);
  }
  return svg + "</svg>\n";
}

}  // namespace osn::report
