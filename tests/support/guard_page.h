// tests/support/guard_page.h — put test input right before a page the process may not touch.
//
// A parser that reads one byte past its input usually gets away with it: the byte is there,
// just not its to read. To make such an over-read crash at once, GuardPage maps memory with
// mmap(2), makes its last page PROT_NONE with mprotect(2), and place() copies the input so
// that it ends exactly where the inaccessible page begins. Reusable by any test (and the fuzz
// target); owns its mapping (munmap in the destructor); one thread at a time.
#pragma once

#include <cstddef>
#include <string_view>

namespace osn::test {

class GuardPage {
 public:
  // Room for inputs of up to `capacity` bytes.
  explicit GuardPage(std::size_t capacity = 64 * 1024);
  ~GuardPage();
  GuardPage(const GuardPage&) = delete;
  GuardPage& operator=(const GuardPage&) = delete;

  // Copies `bytes` to end at the guard page and returns a view of the copy. The view is
  // valid until the next place() call. Aborts if bytes.size() > capacity().
  std::string_view place(std::string_view bytes);
  std::size_t capacity() const { return usable_; }

 private:
  char* base_ = nullptr;      // the whole mapping
  std::size_t mapped_ = 0;    // bytes mapped, including the guard page
  std::size_t usable_ = 0;    // bytes before the guard page
};

}  // namespace osn::test
