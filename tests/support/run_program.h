// tests/support/run_program.h — run a program as a child process and capture what it prints.
//
// The one helper for black-box tests of a program: the tools in build/bin (httpdump, hello,
// ordering), node, the compiler. fork + exec through kio::spawn_process; stdin comes from a
// temporary file holding `input` (no pipe to fill and deadlock on; /dev/null when empty),
// stdout and stderr go to two pipes read to EOF with poll(2), and the child is always reaped
// — everything bounded by a deadline, after which the child is killed: no process is left
// behind. Any thread; blocks the caller until the child is gone.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kernel-io/process.h"

namespace osn::test {

struct RunOptions {
  std::string input;             // bytes on the child's stdin
  std::vector<std::string> env;  // "NAME=value" added to the current environment
  int timeout_ms = 10'000;       // then SIGKILL, and finished stays false

  // One field set, the others at their defaults (g++ -Wextra rejects {.input = ...}).
  static RunOptions with_input(std::string bytes) {
    RunOptions o;
    o.input = std::move(bytes);
    return o;
  }
  static RunOptions with_env(std::vector<std::string> vars) {
    RunOptions o;
    o.env = std::move(vars);
    return o;
  }
  static RunOptions with_timeout(int ms) {
    RunOptions o;
    o.timeout_ms = ms;
    return o;
  }
};

struct ProgramResult {
  bool started = false;   // false: could not be started (err says why)
  bool finished = false;  // false: killed at the deadline
  kio::ChildStatus status;
  int exit_code = -1;     // the exit status; 128 + signal if killed by one; -1 if not finished
  std::string out, err;   // everything written to stdout and to stderr
};

// Runs `program` (a path, or a name looked up in PATH) with `args` as argv[1..].
ProgramResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const RunOptions& options = {});

// The build/bin folder of this build: $OSN_BIN_DIR, else BUILD/bin next to the running test
// binary (BUILD/tests/NAME_test).
std::string bin_dir();

// bin_dir() + "/" + name: where the tool `name` of this build is.
std::string locate_tool(const std::string& name);

// Is `name` an executable somewhere on PATH?
bool on_path(const std::string& name);

}  // namespace osn::test
