// kernel-io/result.h — errors as values at the system-call boundary.
//
// A system call reports failure by returning -1 and leaving a number in errno. That number is
// easy to lose (the next call overwrites it) and easy to ignore. Every wrapper in kernel-io
// instead returns a Result<T>: either the value or a SysError that remembers *which* call
// failed and *why* ("accept4: EMFILE (Too many open files)"). Nothing here throws or aborts.
// See docs/kernel-io.md.
#pragma once

#include <cerrno>
#include <string>
#include <utility>
#include <variant>

namespace osn::kio {

// Names an errno value the way the manual pages do: "EAGAIN", "EMFILE", ...
const char* errno_name(int err);

// One failed system call: the call's name (a string literal) and the errno it left.
struct SysError {
  const char* call = "";
  int code = 0;

  // "accept4: EMFILE (Too many open files)"
  std::string message() const;
  bool is(int err) const { return code == err; }
  bool would_block() const { return code == EAGAIN || code == EWOULDBLOCK; }
};

// Captures errno right after a failed call.
inline SysError last_error(const char* call) { return SysError{call, errno}; }

// Value-or-error. Check ok() (or use it as a bool) before value(); error() is valid otherwise.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit on purpose
  Result(SysError error) : v_(error) {}              // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  const SysError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, SysError> v_;
};

// Result of a call that returns nothing on success.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(SysError error) : failed_(true), error_(error) {}  // NOLINT
  bool ok() const { return !failed_; }
  explicit operator bool() const { return ok(); }
  const SysError& error() const { return error_; }

 private:
  bool failed_ = false;
  SysError error_{};
};

using Status = Result<void>;

}  // namespace osn::kio
