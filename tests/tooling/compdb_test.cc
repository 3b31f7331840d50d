// tests/tooling/compdb_test.cc — the compile_commands.json that `make compdb` writes is right.
//
// clangd finds our headers only through this file, and it is generated from the Makefile's
// source lists, so a source the lists miss (a new subfolder, a new layer) silently loses its
// editor support. `make tests` writes this build's copy to BUILD/compile_commands.json; this
// test reads it and requires: every entry runs in the repository root, every library source
// under the layer folders (at any depth) and every example, test and benchmark source has an
// entry, every entry names a file that exists, the library's entries name the objects this
// very build made, and the commands compile (-fsyntax-only on one source of each kind).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/mini_json.h"
#include "tests/support/run_program.h"

namespace osn::test {
namespace {

namespace fs = std::filesystem;

struct Entry {
  std::string directory, file, output, command;
};

// The entries of BUILD/compile_commands.json, by file path relative to the repository root.
class CompdbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path path = fs::path(bin_dir()) / ".." / "compile_commands.json";
    std::ifstream in(path);
    ASSERT_TRUE(in) << path << " is missing: `make tests` writes it";
    std::stringstream text;
    text << in.rdbuf();
    Json json;
    ASSERT_TRUE(parse_json(text.str(), json)) << path << " is not valid JSON";
    ASSERT_EQ(json.type, Json::Type::kArray) << path << " is not a JSON array";
    ASSERT_FALSE(json.array.empty());
    for (const Json& item : json.array) {
      Entry e;
      for (auto [key, field] : {std::pair{"directory", &e.directory}, {"file", &e.file},
                                {"output", &e.output}, {"command", &e.command}}) {
        const Json* v = item.find(key);
        ASSERT_TRUE(v && v->type == Json::Type::kString) << "an entry without \"" << key << "\"";
        *field = v->string;
      }
      if (root_.empty()) root_ = e.directory;
      ASSERT_EQ(e.directory, root_) << "every entry runs in the repository root";
      ASSERT_TRUE(e.file.starts_with(root_ + "/")) << e.file << " is not under " << root_;
      const std::string relative = e.file.substr(root_.size() + 1);
      ASSERT_TRUE(entries_.emplace(relative, e).second) << relative << " is listed twice";
    }
    ASSERT_TRUE(fs::path(root_).is_absolute()) << "\"directory\" must be absolute: " << root_;
    ASSERT_TRUE(fs::exists(fs::path(root_) / "Makefile")) << root_ << " is not the repository root";
  }

  // Every .cc below root_/folder, at any depth, relative to root_.
  std::set<std::string> sources_under(const std::string& folder) const {
    std::set<std::string> found;
    for (const auto& f : fs::recursive_directory_iterator(fs::path(root_) / folder))
      if (f.is_regular_file() && f.path().extension() == ".cc")
        found.insert(fs::relative(f.path(), root_).string());
    return found;
  }

  // Runs an entry's command with -fsyntax-only (and the dependency file sent to /dev/null).
  void expect_compiles(const std::string& relative) const {
    const auto it = entries_.find(relative);
    ASSERT_NE(it, entries_.end()) << relative << " has no entry";
    const std::string& command = it->second.command;
    const bool writes_deps = command.find(" -MMD") != std::string::npos;
    const std::string line = "cd '" + root_ + "' && " + command + " -fsyntax-only" + (writes_deps ? " -MF /dev/null" : "");
    const ProgramResult r = run_program("/bin/sh", {"-c", line}, RunOptions::with_timeout(180'000));
    ASSERT_TRUE(r.finished) << line << "\n" << r.err;
    EXPECT_EQ(r.exit_code, 0) << line << "\n" << r.err;
  }

  std::string root_;
  std::map<std::string, Entry> entries_;
};

TEST_F(CompdbTest, ListsEveryLibrarySourceWithThisBuildsObject) {
  for (const char* layer : {"kernel-io", "loop", "pool", "http", "cluster"}) {
    for (const std::string& source : sources_under(layer)) {
#ifndef OSN_HAVE_KQUEUE
      if (source == "loop/backend_kqueue.cc") continue;  // not built on this machine
#endif
#ifndef OSN_HAVE_EPOLL
      if (source == "loop/backend_epoll.cc") continue;
#endif
      const auto it = entries_.find(source);
      ASSERT_NE(it, entries_.end()) << source << " has no entry in compile_commands.json";
      EXPECT_NE(it->second.command.find(" -c " + source + " "), std::string::npos) << it->second.command;
      EXPECT_TRUE(fs::exists(fs::path(root_) / it->second.output))
          << source << ": " << it->second.output << " is not an object this build made";
    }
  }
}

TEST_F(CompdbTest, ListsEveryExampleTestAndBenchmarkSource) {
  std::set<std::string> wanted = sources_under("examples");
  for (const std::string& source : sources_under("tests"))
    if (!source.starts_with("tests/fuzz/")) wanted.insert(source);  // libFuzzer: its own flags
  for (const std::string& source : wanted) EXPECT_TRUE(entries_.contains(source)) << source << " has no entry";
  EXPECT_TRUE(entries_.contains("tests/tooling/compdb_test.cc"));
}

TEST_F(CompdbTest, ListsOnlyFilesThatExist) {
  for (const auto& [relative, entry] : entries_) EXPECT_TRUE(fs::exists(entry.file)) << entry.file;
}

TEST_F(CompdbTest, CommandsCompileOneSourceOfEachKind) {
  expect_compiles("kernel-io/fd.cc");
  expect_compiles("examples/ordering/main.cc");
  expect_compiles("tests/tooling/compdb_test.cc");
  expect_compiles("tests/bench/loop_timers_bench.cc");
}

}  // namespace
}  // namespace osn::test
