// app.cc — the template's program: prints the order in which the loop ran each callback.
//
//   ./app        timeout, immediate, next_tick, after_work in the order they ran
#include <cstdio>

#include "order.h"

int main() {
  for (const std::string& name : record_order()) std::printf("%s\n", name.c_str());
  return 0;
}
