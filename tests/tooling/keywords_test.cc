// tests/tooling/keywords_test.cc — every piece of code docs/keywords.md names exists.
//
// docs/keywords.md maps each keyword of the seed note to code a student can open. A rename
// that the table misses sends the student to nothing, so this test reads the table's "code"
// column and checks each `backticked` name in it against the tree: a path (`loop/timers.cc`,
// `pool/crypto/`, `loop/task_queues.h/.cc`) must exist; a bare file name (`backend_poll.cc`)
// must exist somewhere in a layer or examples folder; a qualified name (`Primary::fork_worker`)
// must be written so in a source, or its member be in the file that declares its class; every
// other identifier must appear as a whole word in some source. It also checks that every lab
// the table links exists, and that every row names a lab or says "—".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace osn::test {
namespace {

namespace fs = std::filesystem;

// The repository root: the first folder up from this binary (or the working folder) that
// holds docs/keywords.md.
fs::path repo_root() {
  std::error_code ec;
  for (fs::path start : {fs::current_path(ec), fs::read_symlink("/proc/self/exe", ec).parent_path()}) {
    for (fs::path d = start; !d.empty(); d = d.parent_path()) {
      if (fs::exists(d / "docs" / "keywords.md", ec)) return d;
      if (d == d.parent_path()) break;
    }
  }
  return {};
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Row {
  int line;
  std::vector<std::string> cells;
};

// The body rows of every table: cells split at unescaped '|', header and rule rows skipped.
std::vector<Row> table_rows(const std::string& text) {
  std::vector<Row> rows;
  std::istringstream in(text);
  bool in_table = false;
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.rfind("|", 0) != 0) {
      in_table = false;
      continue;
    }
    if (!in_table) {  // the header row; the rule row follows
      in_table = true;
      std::getline(in, line);
      ++n;
      continue;
    }
    Row row{n, {}};
    std::string cell;
    for (size_t i = 1; i < line.size(); ++i) {
      if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
        cell += '|';
        ++i;
      } else if (line[i] == '|') {
        row.cells.push_back(cell);
        cell.clear();
      } else {
        cell += line[i];
      }
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::string> backticked(const std::string& cell) {
  std::vector<std::string> spans;
  for (size_t at = cell.find('`'); at != std::string::npos;) {
    const size_t end = cell.find('`', at + 1);
    if (end == std::string::npos) break;
    spans.push_back(cell.substr(at + 1, end - at - 1));
    at = cell.find('`', end + 1);
  }
  return spans;
}

bool all_of_chars(const std::string& s, const char* allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string::npos;
}

// `loop/timers.cc`, `pool/crypto/`, `examples/hello`: a folder, a slash, more.
bool path_like(const std::string& s) {
  const size_t slash = s.find('/');
  return slash != std::string::npos && slash > 0 &&
         all_of_chars(s.substr(0, slash), "abcdefghijklmnopqrstuvwxyz0123456789_-") &&
         all_of_chars(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/");
}

// `backend_poll.cc`, `watchdog.h`: a file name alone.
bool file_like(const std::string& s) {
  for (const char* ext : {".h", ".cc"}) {
    const std::string e = ext;
    if (s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0 &&
        all_of_chars(s.substr(0, s.size() - e.size()), "abcdefghijklmnopqrstuvwxyz0123456789_"))
      return true;
  }
  return false;
}

struct Token {
  std::string name;  // `Primary::fork_worker`, `run_cluster`
  size_t end;        // where it ends in the span
};

// The identifiers of a span, with `::` kept inside qualified names.
std::vector<Token> identifiers(const std::string& span) {
  const auto head = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; };
  const auto tail = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::vector<Token> tokens;
  for (size_t i = 0; i < span.size();) {
    if (!head(span[i]) || (i > 0 && tail(span[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    for (;;) {
      while (j < span.size() && tail(span[j])) ++j;
      if (j + 2 < span.size() && span[j] == ':' && span[j + 1] == ':' && head(span[j + 2])) j += 2;
      else break;
    }
    tokens.push_back({span.substr(i, j - i), j});
    i = j;
  }
  return tokens;
}

// Every source file of the layers and the examples, with its text: the code a row names.
class KeywordsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = repo_root();
    ASSERT_FALSE(root_.empty()) << "docs/keywords.md not found above " << fs::current_path();
    for (const char* folder : {"kernel-io", "loop", "pool", "http", "redis", "cluster", "examples"}) {
      for (const auto& e : fs::recursive_directory_iterator(root_ / folder)) {
        const std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".h" || ext == ".cc"))
          sources_[fs::relative(e.path(), root_).string()] = read_text(e.path());
      }
    }
    ASSERT_FALSE(sources_.empty());
  }

  bool word_in(const std::string& text, const std::string& word) const {
    for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
      const auto is_ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
      const bool left = at == 0 || !is_ident(text[at - 1]);
      const bool right = at + word.size() >= text.size() || !is_ident(text[at + word.size()]);
      if (left && right) return true;
    }
    return false;
  }
  bool word_anywhere(const std::string& word) const {
    for (const auto& [path, text] : sources_)
      if (word_in(text, word)) return true;
    return false;
  }
  bool literal_anywhere(const std::string& s) const {
    for (const auto& [path, text] : sources_)
      if (text.find(s) != std::string::npos) return true;
    return false;
  }
  // `Outer::member`: written so somewhere, or `member` in a file that declares Outer.
  bool qualified_exists(const std::string& outer, const std::string& member) const {
    if (literal_anywhere(outer + "::" + member)) return true;
    for (const auto& [path, text] : sources_) {
      const bool declares = text.find("class " + outer) != std::string::npos ||
                            text.find("struct " + outer) != std::string::npos;
      if (declares && word_in(text, member)) return true;
    }
    return false;
  }
  bool file_named_anywhere(const std::string& name) const {
    for (const auto& [path, text] : sources_)
      if (fs::path(path).filename() == name) return true;
    return false;
  }

  // What is wrong with one backticked span of the code column ("" if it names real code).
  std::string check_span(const std::string& span) const {
    if (path_like(span)) {
      // `loop/task_queues.h/.cc`: both the header and the source.
      const size_t both = span.find(".h/.cc");
      if (both != std::string::npos) {
        const std::string stem = span.substr(0, both);
        for (const char* ext : {".h", ".cc"})
          if (!fs::exists(root_ / (stem + ext))) return stem + ext + " does not exist";
        return "";
      }
      return fs::exists(root_ / span) ? "" : span + " does not exist";
    }
    if (file_like(span)) return file_named_anywhere(span) ? "" : "no file " + span + " in the tree";
    // A thread name or message prefix such as `osn-pool-N`, `osn.*`: the literal part.
    if (span.find('-') != std::string::npos || span.find(".*") != std::string::npos) {
      std::string literal = span;
      while (!literal.empty() && (literal.back() == 'N' || literal.back() == '*')) literal.pop_back();
      return literal_anywhere(literal) ? "" : "\"" + literal + "\" appears in no source";
    }
    std::string problems;
    const std::vector<Token> tokens = identifiers(span);
    for (size_t t = 0; t < tokens.size(); ++t) {
      const std::string& name = tokens[t].name;
      const size_t sep = name.rfind("::");
      if (sep == std::string::npos) {
        if (!word_anywhere(name)) problems += " " + name;
        continue;
      }
      std::string outer = name.substr(0, sep);
      if (const size_t up = outer.rfind("::"); up != std::string::npos) outer = outer.substr(up + 2);
      if (!qualified_exists(outer, name.substr(sep + 2))) problems += " " + name;
      // `RedisSessionStore::load/save`: the member after the slash belongs to the same class.
      const size_t after = tokens[t].end;
      if (after < span.size() && span[after] == '/' && t + 1 < tokens.size() && tokens[t + 1].end > after + 1 &&
          tokens[t + 1].end - tokens[t + 1].name.size() == after + 1) {
        ++t;
        if (!qualified_exists(outer, tokens[t].name)) problems += " " + outer + "::" + tokens[t].name;
      }
    }
    return problems.empty() ? "" : "not in any source:" + problems;
  }

  fs::path root_;
  std::map<std::string, std::string> sources_;
};

TEST_F(KeywordsTest, EveryNameInTheCodeColumnExists) {
  const std::vector<Row> rows = table_rows(read_text(root_ / "docs" / "keywords.md"));
  ASSERT_GT(rows.size(), 40u) << "docs/keywords.md has fewer rows than the seed note has keywords";
  int spans = 0;
  for (const Row& row : rows) {
    ASSERT_GE(row.cells.size(), 5u) << "docs/keywords.md:" << row.line << ": a row needs keyword, English, code, command, lab";
    const std::vector<std::string> names = backticked(row.cells[2]);
    const bool says_none = row.cells[2].find("none in osnode") != std::string::npos ||
                           row.cells[2].find("no modules") != std::string::npos ||
                           row.cells[2].find("each process") != std::string::npos ||
                           row.cells[2].find("each worker") != std::string::npos ||
                           row.cells[2].find("primary, workers") != std::string::npos;
    if (names.empty() && !says_none) ADD_FAILURE() << "docs/keywords.md:" << row.line << ": the code column names no code";
    for (const std::string& span : names) {
      ++spans;
      const std::string why = check_span(span);
      EXPECT_EQ(why, "") << "docs/keywords.md:" << row.line << ": `" << span << "`";
    }
  }
  std::cout << "keywords: " << rows.size() << " rows, " << spans << " code names checked\n";
}

TEST_F(KeywordsTest, EveryRowNamesARealLabOrNone) {
  const std::vector<Row> rows = table_rows(read_text(root_ / "docs" / "keywords.md"));
  for (const Row& row : rows) {
    ASSERT_GE(row.cells.size(), 5u);
    const std::string& lab = row.cells[4];
    const size_t at = lab.find("(../labs/");
    const size_t end = at == std::string::npos ? at : lab.find("/README.md)", at);
    if (end != std::string::npos) {
      const std::string folder = lab.substr(at + 4, end - at - 4);  // labs/NN-topic
      EXPECT_TRUE(fs::exists(root_ / folder / "README.md")) << "docs/keywords.md:" << row.line << ": " << folder;
    } else {
      EXPECT_NE(lab.find("—"), std::string::npos) << "docs/keywords.md:" << row.line << ": the lab column is neither a lab link nor —";
    }
  }
}

// The commands run build/bin/NAME programs: each must be one of our examples or tools.
TEST_F(KeywordsTest, EveryProgramTheCommandsRunIsOurs) {
  const std::vector<Row> rows = table_rows(read_text(root_ / "docs" / "keywords.md"));
  int programs = 0;
  for (const Row& row : rows) {
    ASSERT_GE(row.cells.size(), 5u);
    const std::string& command = row.cells[3];
    for (const std::string kind : {"bin", "tests"}) {
      const std::string prefix = "build/" + kind + "/";
      for (size_t at = command.find(prefix); at != std::string::npos; at = command.find(prefix, at + 1)) {
        const size_t from = at + prefix.size();
        const size_t to = command.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-", from);
        const std::string name = command.substr(from, to == std::string::npos ? std::string::npos : to - from);
        ++programs;
        const bool ours = kind == "bin" ? !name.empty() && fs::is_directory(root_ / "examples" / name)
                                        : name.size() > 5 && fs::is_directory(root_ / "tests" / name.substr(0, name.size() - 5));
        EXPECT_TRUE(ours) << "docs/keywords.md:" << row.line << ": " << prefix << name << " is built from nothing here";
      }
    }
  }
  EXPECT_GT(programs, 0);
}

}  // namespace
}  // namespace osn::test
