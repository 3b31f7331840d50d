// labs/grading/markers.cc — the lab marker rules of markers.h, one line at a time.
//
// A marker is a line whose text, after leading blanks, starts with `// [lab NN] begin:` or is
// exactly `// [lab NN] end` (trailing blanks allowed), NN two digits.
#include "labs/grading/markers.h"

#include <cctype>

namespace osn::grading {
namespace {

enum class MarkerKind { none, begin, end };

struct Marker {
  MarkerKind kind = MarkerKind::none;
  std::string lab;
};

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Reads one line (without its newline) as a marker, or none.
Marker read_marker(std::string_view line) {
  std::string_view s = trim_right(trim_left(line));
  constexpr std::string_view kOpen = "// [lab ";
  if (s.substr(0, kOpen.size()) != kOpen) return {};
  s.remove_prefix(kOpen.size());
  if (s.size() < 3 || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])) || s[2] != ']')
    return {};
  std::string lab(s.substr(0, 2));
  s.remove_prefix(3);
  if (s == " end") return {MarkerKind::end, lab};
  if (s.substr(0, 8) == " begin: " && s.size() > 8) return {MarkerKind::begin, lab};
  return {};
}

// The lines of `text`, each with its newline (the last one may have none).
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(0, len));
    text.remove_prefix(len);
  }
  return lines;
}

// A marker-looking line that read_marker refuses: a typo that would silently drop a region.
bool looks_like_marker(std::string_view line) {
  return trim_left(line).substr(0, 8) == "// [lab ";
}

}  // namespace

std::string check_markers(std::string_view text) {
  auto lines = lines_of(text);
  std::string open_lab;
  size_t open_line = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string where = "line " + std::to_string(i + 1) + ": ";
    Marker m = read_marker(lines[i]);
    if (m.kind == MarkerKind::none) {
      if (looks_like_marker(lines[i]))
        return where + "malformed lab marker (want `// [lab NN] begin: what` or `// [lab NN] end`)";
      continue;
    }
    if (m.kind == MarkerKind::begin) {
      if (!open_lab.empty())
        return where + "[lab " + m.lab + "] begin inside the region of lab " + open_lab + " opened on line " +
               std::to_string(open_line);
      open_lab = m.lab;
      open_line = i + 1;
    } else {
      if (open_lab.empty()) return where + "[lab " + m.lab + "] end without a begin";
      if (m.lab != open_lab)
        return where + "[lab " + m.lab + "] end closes the region of lab " + open_lab + " opened on line " +
               std::to_string(open_line);
      open_lab.clear();
    }
  }
  if (!open_lab.empty())
    return "line " + std::to_string(open_line) + ": [lab " + open_lab + "] begin is never closed";
  return "";
}

LabRegions split_regions(std::string_view text, std::string_view lab) {
  LabRegions r;
  r.outside.emplace_back();
  bool inside = false;
  for (std::string_view line : lines_of(text)) {
    Marker m = read_marker(line);
    bool ours = m.kind != MarkerKind::none && m.lab == lab;
    if (ours && m.kind == MarkerKind::begin && !inside) {
      r.outside.back() += line;
      r.inside.emplace_back();
      inside = true;
    } else if (ours && m.kind == MarkerKind::end && inside) {
      r.outside.emplace_back(line);
      inside = false;
    } else {
      (inside ? r.inside.back() : r.outside.back()) += line;
    }
  }
  return r;
}

namespace {

// The 1-based line of `text` at byte `offset`.
size_t line_at(std::string_view text, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

std::string first_line_at(std::string_view text, size_t offset) {
  size_t start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  start = (start == std::string_view::npos || offset == 0) ? 0 : start + 1;
  size_t end = text.find('\n', offset);
  return std::string(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
}

}  // namespace

std::string compare_outside(std::string_view reference, std::string_view starter, std::string_view lab) {
  if (auto e = check_markers(reference); !e.empty()) return "reference: " + e;
  if (auto e = check_markers(starter); !e.empty()) return "starter: " + e;
  LabRegions ref = split_regions(reference, lab), st = split_regions(starter, lab);
  if (ref.inside.empty()) return "the reference has no [lab " + std::string(lab) + "] region";
  if (ref.inside.size() != st.inside.size())
    return "the reference has " + std::to_string(ref.inside.size()) + " [lab " + std::string(lab) +
           "] regions, the starter " + std::to_string(st.inside.size());
  // Walk both files part by part, keeping each part's offset in its whole file for messages.
  size_t ref_offset = 0, st_offset = 0;
  for (size_t i = 0; i < ref.outside.size(); ++i) {
    const std::string &a = ref.outside[i], &b = st.outside[i];
    if (a != b) {
      size_t k = 0;
      while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
      return "outside the regions, reference line " + std::to_string(line_at(reference, ref_offset + k)) +
             " / starter line " + std::to_string(line_at(starter, st_offset + k)) + " differ:\n  reference: " +
             first_line_at(reference, ref_offset + k) + "\n  starter:   " + first_line_at(starter, st_offset + k);
    }
    ref_offset += a.size() + (i < ref.inside.size() ? ref.inside[i].size() : 0);
    st_offset += b.size() + (i < st.inside.size() ? st.inside[i].size() : 0);
  }
  return "";
}

std::string sync_starter(std::string_view reference, std::string_view starter, std::string_view lab,
                         std::string* error) {
  error->clear();
  if (auto e = check_markers(reference); !e.empty()) return *error = "reference: " + e, "";
  if (auto e = check_markers(starter); !e.empty()) return *error = "starter: " + e, "";
  LabRegions ref = split_regions(reference, lab), st = split_regions(starter, lab);
  if (ref.inside.size() != st.inside.size()) {
    *error = "the reference has " + std::to_string(ref.inside.size()) + " [lab " + std::string(lab) +
             "] regions, the starter " + std::to_string(st.inside.size()) + ": sync it by hand";
    return "";
  }
  std::string out;
  for (size_t i = 0; i < ref.outside.size(); ++i) {
    out += ref.outside[i];
    if (i < st.inside.size()) out += st.inside[i];
  }
  return out;
}

}  // namespace osn::grading
