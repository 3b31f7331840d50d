// tests/support/run_program.h — run a program with bytes on its stdin, collect its stdout.
//
// For black-box tests of the tools in build/bin (httpdump, ...). The input goes through a
// temporary file (no pipe to fill and deadlock on), stdout comes back through a pipe, and the
// child is always reaped with waitpid(2): no process is left behind. stderr goes to /dev/null.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace osn::test {

struct ProgramResult {
  std::string out;     // everything written to stdout
  int exit_code = -1;  // exit status; 128 + signal if killed; -1 if it could not be started
};

// Where the tool `name` of this build is: $OSN_BIN_DIR/name, else BUILD/bin/name next to this
// test binary (BUILD/tests/NAME_test).
std::string locate_tool(const std::string& name);

ProgramResult run_program(const std::string& path, const std::vector<std::string>& args, std::string_view input);

}  // namespace osn::test
