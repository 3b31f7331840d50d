// labs/grading/markers.h — the lab regions of a file: `// [lab NN] begin: ...` to `// [lab NN] end`.
//
// A lab's starter is its reference file with the lines *inside* each of the lab's regions
// replaced by a stub; every other line (the marker lines included) must stay byte-identical to
// the reference. These functions split a file into the parts outside and inside one lab's
// regions, check the markers are balanced, compare a starter with its reference (the drift
// check tests/labs/ runs for every lab) and rebuild a starter's outside parts from the
// reference (`make lab-sync`). Pure functions on strings: no I/O. See docs/labs.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osn::grading {

// A file cut at one lab's marker lines. outside.size() == inside.size() + 1: the text runs
// outside[0], inside[0], outside[1], inside[1], ... . Each outside part ends with its begin
// marker line (except the last one) and each outside part after the first starts with an
// end marker line. Regions of other labs are plain text here.
struct LabRegions {
  std::vector<std::string> outside;
  std::vector<std::string> inside;
};

// "" when every marker of every lab in `text` is well formed and balanced (a begin, then the
// same lab's end, no nesting); else a message naming the line ("line 12: ...").
std::string check_markers(std::string_view text);

// Cuts `text` at lab `lab`'s markers (lab: "01"). Call check_markers first.
LabRegions split_regions(std::string_view text, std::string_view lab);

// "" when `starter` differs from `reference` only inside lab `lab`'s regions; else the first
// difference, with line numbers, for a person to read.
std::string compare_outside(std::string_view reference, std::string_view starter, std::string_view lab);

// The reference's outside parts around the starter's inside parts: what `make lab-sync`
// writes. `error` is set (and "" returned) when the two have different region counts or bad
// markers.
std::string sync_starter(std::string_view reference, std::string_view starter, std::string_view lab,
                         std::string* error);

}  // namespace osn::grading
