// loop/unhandled_rejection.cc — one line on stderr, one count on the loop (see the header).
#include "loop/unhandled_rejection.h"

#include <cstdio>

namespace osn::loop {

void report_unhandled_rejection(Loop& loop, const kio::SysError& error, const char* what) {
  loop.count_unhandled_rejection();
  std::fprintf(stderr, "osnode: unhandled rejection (%s): %s\n", what, error.message().c_str());
}

}  // namespace osn::loop
