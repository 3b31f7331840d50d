// kernel-io/fd.h — a file descriptor with exactly one owner.
//
// A descriptor is an index into the process's open-file table (see `ls -l /proc/self/fd`).
// Closing it twice is a bug that can close somebody else's file: after the first close(2) the
// number is free and the kernel hands it to the next open(). Fd makes "who closes this?" a
// question the type system answers: it is move-only, and its destructor closes exactly once.
// Code above kernel-io never calls close(2) on a raw int; an `int` fd is always borrowed.
#pragma once

#include "kernel-io/result.h"

namespace osn::kio {

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }

  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership without closing; the caller now owns the number.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

  // Closes the current descriptor (if any) and takes ownership of `fd`.
  void reset(int fd = -1);

  // Closes now and reports the result (close(2) can fail, e.g. EIO on NFS). Idempotent:
  // closing an Fd that is already closed does nothing and succeeds.
  Status close();

 private:
  int fd_ = -1;
};

// Duplicates a descriptor (F_DUPFD_CLOEXEC): two numbers, one open file description.
Result<Fd> duplicate(int fd);

// O_NONBLOCK and FD_CLOEXEC switches, for descriptors we did not create ourselves.
Status set_nonblocking(int fd, bool on = true);
Status set_cloexec(int fd, bool on = true);
bool is_nonblocking(int fd);
bool is_cloexec(int fd);

}  // namespace osn::kio
