// tests/support/guard_page.cc — mmap(2) + mprotect(2): a readable region, then PROT_NONE.
//
// Test-only code, so failures to map are fatal (there is nothing sensible to test without).
#include "tests/support/guard_page.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace osn::test {

GuardPage::GuardPage(std::size_t capacity) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  usable_ = (capacity + page - 1) / page * page;
  if (usable_ == 0) usable_ = page;
  mapped_ = usable_ + page;
  void* p = mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    std::perror("GuardPage: mmap");
    std::abort();
  }
  base_ = static_cast<char*>(p);
  if (mprotect(base_ + usable_, page, PROT_NONE) != 0) {
    std::perror("GuardPage: mprotect");
    std::abort();
  }
}

GuardPage::~GuardPage() { munmap(base_, mapped_); }

std::string_view GuardPage::place(std::string_view bytes) {
  if (bytes.size() > usable_) {
    std::fprintf(stderr, "GuardPage: %zu bytes do not fit in %zu\n", bytes.size(), usable_);
    std::abort();
  }
  char* start = base_ + usable_ - bytes.size();
  if (!bytes.empty()) std::memcpy(start, bytes.data(), bytes.size());
  return std::string_view(start, bytes.size());
}

}  // namespace osn::test
