// examples/trace-svg — draws an OSN_TRACE_FILE trace as an SVG picture, one row per thread.
//
//   build/bin/trace-svg trace-4242.json > trace.svg       (open trace.svg in any browser)
//
// Perfetto (ui.perfetto.dev) is the real viewer; this is for a page of docs and for machines
// with no network: each complete event becomes a rectangle on its thread's row (the loop's
// row first, then the pool threads), coloured by category, labelled when wide enough. It
// reads only what loop/trace_file.cc writes (one event per line), not JSON in general.
// docs/observability.md shows its picture of /block against /offload.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

struct Event {
  std::string name, category;
  double ts = 0, dur = 0;
  long tid = 0;
};

// The value after "key": — a string (without quotes) or a number, as text.
std::string field(const std::string& line, const std::string& key) {
  const std::string mark = "\"" + key + "\":";
  size_t at = line.find(mark);
  if (at == std::string::npos) return "";
  at += mark.size();
  if (line[at] == '"') {
    std::string out;
    for (size_t i = at + 1; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) ++i;
      out += line[i];
    }
    return out;
  }
  size_t end = line.find_first_of(",}", at);
  return line.substr(at, end - at);
}

const char* colour_of(const std::string& category) {
  if (category == "pool work") return "#4a90d9";
  if (category == "poll") return "#ffffff";  // waiting in the kernel: drawn over its poll phase
  if (category == "phase") return "#f2d27a";
  if (category == "after_work") return "#6cbf6c";
  if (category == "timer") return "#b58ad6";
  return "#e0665a";  // callbacks
}

std::string escaped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: trace-svg TRACE.json > trace.svg\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "trace-svg: cannot read %s\n", argv[1]);
    return 1;
  }
  std::vector<Event> events;
  std::map<long, std::string> names;  // tid -> thread name
  for (std::string line; std::getline(in, line);) {
    const std::string ph = field(line, "ph");
    const long tid = std::atol(field(line, "tid").c_str());
    if (ph == "M") names[tid] = field(line, "name") == "thread_name" ? line.substr(line.rfind(":\"") + 2, line.rfind("\"}}") - line.rfind(":\"") - 2) : "";
    if (ph != "X") continue;
    Event e{field(line, "name"), field(line, "cat"), std::atof(field(line, "ts").c_str()),
            std::atof(field(line, "dur").c_str()), tid};
    events.push_back(e);
  }
  if (events.empty()) {
    std::fprintf(stderr, "trace-svg: no events in %s\n", argv[1]);
    return 1;
  }
  // Rows: the loop ("event loop") first, then the other threads that did something.
  std::vector<long> rows;
  for (const auto& [tid, name] : names)
    if (name == "event loop") rows.push_back(tid);
  for (const Event& e : events)
    if (std::find(rows.begin(), rows.end(), e.tid) == rows.end()) rows.push_back(e.tid);
  // The picture spans the requests (events named "GET ..."), 20 ms either side; else everything.
  double start = 1e300, end = 0;
  for (const Event& e : events)
    if (e.name.starts_with("GET ")) {
      start = std::min(start, e.ts - 20'000);
      end = std::max(end, e.ts + e.dur + 20'000);
    }
  if (end == 0)
    for (const Event& e : events) {
      start = std::min(start, e.ts);
      end = std::max(end, e.ts + e.dur);
    }
  std::erase_if(events, [&](const Event& e) { return e.ts + e.dur < start || e.ts > end; });
  for (Event& e : events) {  // clip to the window
    const double stop = std::min(e.ts + e.dur, end);
    e.ts = std::max(e.ts, start);
    e.dur = stop - e.ts;
  }
  const double width = 1000, left = 110, row_h = 34, top = 30;
  const double scale = (width - left - 10) / std::max(1.0, end - start);
  const double height = top + row_h * static_cast<double>(rows.size()) + 30;
  std::printf("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"11\">\n",
              width, height);
  std::printf("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
  std::printf("<text x=\"10\" y=\"18\" font-size=\"13\">%s — %.0f ms, one row per thread</text>\n", escaped(std::string(argv[1]).substr(std::string(argv[1]).rfind('/') + 1)).c_str(),
              (end - start) / 1000);
  for (size_t r = 0; r < rows.size(); ++r) {
    const double y = top + row_h * static_cast<double>(r);
    std::string name = names.count(rows[r]) ? names[rows[r]] : "thread " + std::to_string(rows[r]);
    std::printf("<text x=\"10\" y=\"%.0f\">%s</text>\n", y + row_h / 2 + 4, escaped(name).c_str());
    std::printf("<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#ccc\"/>\n", left, y + row_h - 2, width - 10,
                y + row_h - 2);
  }
  // Phases under callbacks: draw longer events first so the short ones inside stay visible.
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.dur > b.dur; });
  for (const Event& e : events) {
    const size_t r = static_cast<size_t>(std::find(rows.begin(), rows.end(), e.tid) - rows.begin());
    const double x = left + (e.ts - start) * scale, w = std::max(0.5, e.dur * scale);
    const double inset = e.category == "phase" || e.category == "poll" ? 2 : 8;
    const double y = top + row_h * static_cast<double>(r) + inset;
    std::printf("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s (%s) %.3f ms</title></rect>\n", x,
                y, w, row_h - 2 * inset - 2, colour_of(e.category), escaped(e.name).c_str(), e.category.c_str(), e.dur / 1000);
    if (w > 70 && e.category != "phase" && e.category != "poll")
      std::printf("<text x=\"%.1f\" y=\"%.1f\" fill=\"white\">%s %.0f ms</text>\n", x + 3, y + 12, escaped(e.name).c_str(),
                  e.dur / 1000);
  }
  std::printf("<text x=\"%.0f\" y=\"%.0f\" fill=\"#555\">red: a callback on the loop · yellow: a phase running callbacks · blue: pool work · "
              "green: after_work back on the loop · blank: waiting in the kernel</text>\n",
              left, height - 10);
  std::printf("</svg>\n");
  return 0;
}
