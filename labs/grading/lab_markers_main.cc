// labs/grading/lab_markers_main.cc — the command behind `make lab-sync` and lab-start's checks.
//
//   lab-markers check NN REFERENCE STARTER   exit 1 (and say where) if STARTER drifted from
//                                            REFERENCE outside lab NN's regions
//   lab-markers sync  NN REFERENCE STARTER   rewrite STARTER: REFERENCE's outside parts around
//                                            STARTER's inside parts (prints what changed)
// The rules live in markers.cc; this file only reads and writes the files.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "labs/grading/markers.h"

namespace {

bool read_file(const char* path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *text = s.str();
  return true;
}

int usage() {
  std::fprintf(stderr, "usage: lab-markers check|sync NN REFERENCE STARTER\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) return usage();
  std::string_view command = argv[1], lab = argv[2];
  const char *ref_path = argv[3], *starter_path = argv[4];
  std::string reference, starter;
  if (!read_file(ref_path, &reference)) return std::fprintf(stderr, "lab-markers: cannot read %s\n", ref_path), 2;
  if (!read_file(starter_path, &starter))
    return std::fprintf(stderr, "lab-markers: cannot read %s\n", starter_path), 2;
  if (command == "check") {
    std::string problem = osn::grading::compare_outside(reference, starter, lab);
    if (problem.empty()) return 0;
    std::fprintf(stderr, "lab %.*s: %s drifted from %s: %s\n", static_cast<int>(lab.size()), lab.data(),
                 starter_path, ref_path, problem.c_str());
    return 1;
  }
  if (command != "sync") return usage();
  std::string error;
  std::string synced = osn::grading::sync_starter(reference, starter, lab, &error);
  if (!error.empty()) {
    std::fprintf(stderr, "lab-markers: %s: %s\n", starter_path, error.c_str());
    return 1;
  }
  if (synced == starter) {
    std::printf("lab-sync: %s is in step with %s\n", starter_path, ref_path);
    return 0;
  }
  std::ofstream out(starter_path, std::ios::binary | std::ios::trunc);
  out << synced;
  if (!out.flush()) return std::fprintf(stderr, "lab-markers: cannot write %s\n", starter_path), 2;
  std::printf("lab-sync: rewrote %s outside its [lab %.*s] regions from %s\n", starter_path,
              static_cast<int>(lab.size()), lab.data(), ref_path);
  return 0;
}
