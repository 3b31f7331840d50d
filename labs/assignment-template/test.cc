// test.cc — the template's test: plain C++, no test library; exit status 0 when every check
// holds. Add your own checks beside this one.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "order.h"

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  std::printf("%s  %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

size_t position(const std::vector<std::string>& names, const std::string& name) {
  return static_cast<size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

int main() {
  std::vector<std::string> ran = record_order();
  check(ran.size() == 4, "every callback ran once");
  check(!ran.empty() && ran.front() == "next_tick", "next_tick runs before anything the loop schedules");
  check(position(ran, "after_work") < ran.size(), "the pool's work came back to the loop thread");
  check(position(ran, "immediate") < ran.size() && position(ran, "timeout") < ran.size(),
        "the timer and the immediate both ran");
  std::printf("%s\n", failures == 0 ? "test: all checks passed" : "test: some checks FAILED");
  return failures == 0 ? 0 : 1;
}
