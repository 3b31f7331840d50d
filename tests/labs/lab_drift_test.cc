// tests/labs/lab_drift_test.cc — every lab present keeps the one form docs/labs.md fixes.
//
// For each labs/NN-topic/lab.mk: the three variables are there and name this folder; every
// file in LAB_NN_FILES exists, has balanced markers and at least one [lab NN] region; its
// starter exists, has the same regions, a TODO(lab NN) and no drift from the reference outside
// the regions (the fix: `make lab-sync`); the lab has a README.md and a grader. Run from the
// repository root (make test does).
#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "labs/grading/markers.h"

namespace osn::grading {
namespace {

bool read_text(const std::string& path, std::string* text) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *text = s.str();
  return true;
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') names.emplace_back(e->d_name);
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// `NAME := value` (continued over lines ending in a backslash, `#` comments dropped) in a lab.mk.
std::string make_variable(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string value;
  bool found = false, continued = false;
  for (std::string line; std::getline(in, line);) {
    if (!continued) {
      std::string head = line.substr(0, line.find(":="));
      head.erase(head.find_last_not_of(" \t") + 1);
      if (head != name || line.find(":=") == std::string::npos) continue;
      found = true;
      line = line.substr(line.find(":=") + 2);
    }
    if (auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    continued = !line.empty() && line.back() == '\\';
    if (continued) line.pop_back();
    value += " " + line;
    if (!continued) break;
  }
  if (!found) return "<missing>";
  std::istringstream words(value);
  std::string word, joined;
  while (words >> word) joined += (joined.empty() ? "" : " ") + word;
  return joined;
}

struct Lab {
  std::string number, dir;
  std::vector<std::string> files;
  std::string tsan;
};

std::vector<Lab> labs_present() {
  std::vector<Lab> labs;
  for (const std::string& name : entries("labs")) {
    std::string mk;
    if (name.size() < 4 || name[2] != '-' || !read_text("labs/" + name + "/lab.mk", &mk)) continue;
    Lab lab;
    lab.number = name.substr(0, 2);
    lab.dir = make_variable(mk, "LAB_" + lab.number + "_DIR");
    lab.tsan = make_variable(mk, "LAB_" + lab.number + "_TSAN");
    std::istringstream files(make_variable(mk, "LAB_" + lab.number + "_FILES"));
    for (std::string f; files >> f;) lab.files.push_back(f);
    if (lab.dir == "<missing>") lab.dir = "<LAB_" + lab.number + "_DIR missing in labs/" + name + "/lab.mk>";
    labs.push_back(lab);
  }
  return labs;
}

TEST(LabForm, RunFromTheRepositoryRoot) {
  std::string text;
  ASSERT_TRUE(read_text("labs/grading/graded_test.h", &text)) << "run this test from the repository root";
}

TEST(LabForm, EveryLabMkNamesItsFolderFilesAndTsan) {
  for (const Lab& lab : labs_present()) {
    SCOPED_TRACE("lab " + lab.number);
    EXPECT_EQ(entries(lab.dir).empty(), false) << "LAB_" << lab.number << "_DIR is " << lab.dir;
    EXPECT_EQ(lab.dir.substr(0, 8), "labs/" + lab.number + "-");
    EXPECT_FALSE(lab.files.empty() || lab.files[0] == "<missing>") << "LAB_" << lab.number << "_FILES is empty";
    EXPECT_TRUE(lab.tsan == "yes" || lab.tsan == "no") << "LAB_" << lab.number << "_TSAN is " << lab.tsan;
    std::string readme;
    EXPECT_TRUE(read_text(lab.dir + "/README.md", &readme)) << lab.dir << "/README.md is missing";
    auto graders = entries(lab.dir + "/grader");
    EXPECT_TRUE(std::any_of(graders.begin(), graders.end(),
                            [](const std::string& f) { return f.size() > 3 && f.substr(f.size() - 3) == ".cc"; }))
        << lab.dir << "/grader/ has no .cc file";
  }
}

TEST(LabForm, EveryStarterDiffersFromItsReferenceOnlyInsideTheLabsRegions) {
  size_t files = 0;
  for (const Lab& lab : labs_present()) {
    for (const std::string& file : lab.files) {
      SCOPED_TRACE("lab " + lab.number + ": " + file);
      ++files;
      std::string reference, starter;
      ASSERT_TRUE(read_text(file, &reference)) << file << " (in LAB_" << lab.number << "_FILES) does not exist";
      ASSERT_TRUE(read_text(lab.dir + "/starter/" + file, &starter)) << lab.dir << "/starter/" << file << " is missing";
      EXPECT_EQ(check_markers(reference), "") << file;
      EXPECT_EQ(check_markers(starter), "") << lab.dir << "/starter/" << file;
      EXPECT_EQ(compare_outside(reference, starter, lab.number), "")
          << "fix: make lab-sync (rewrites the starter's outside parts from " << file << ")";
      EXPECT_NE(starter.find("TODO(lab " + lab.number + ")"), std::string::npos)
          << "the starter says nowhere what to write: no TODO(lab " << lab.number << ")";
      EXPECT_NE(reference, starter) << "the starter is the reference: nothing to write";
    }
  }
  std::cout << "lab drift check: " << labs_present().size() << " labs, " << files << " files\n";
}

TEST(LabForm, MarkersInTheTreeAreBalancedEverywhere) {
  // A reference file not (yet) listed in a lab.mk must not carry broken markers either.
  for (const char* layer : {"kernel-io", "loop", "pool", "http", "cluster"}) {
    for (const std::string& name : entries(layer)) {
      std::string path = std::string(layer) + "/" + name, text;
      if (!read_text(path, &text) || text.find("// [lab ") == std::string::npos) continue;
      EXPECT_EQ(check_markers(text), "") << path;
    }
  }
}

}  // namespace
}  // namespace osn::grading
