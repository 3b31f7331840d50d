// loop/destroy_guard.h — noticing that a callback destroyed the object that called it.
//
// A handle calls user code from its own member functions: Stream::read_available() calls
// on_data, Listener::accept_pending() calls on_connection, Channel::on_data() calls
// on_message. That code may destroy the very object whose member function is still running
// (an on_data that erases its connection from a map; a test that resets its unique_ptr). When
// the callback returns, `this` dangles: reading one more member is a use-after-free, and the
// object cannot ask itself whether it still exists. So the question is asked on the stack:
//
//   DestroyGuard guard(destroy_flag_);   // a local in the calling frame
//   on_data_(bytes);                     // may run ~Stream, which sets guard.destroyed()
//   if (guard.destroyed()) return;       // touch nothing of `this` any more
//
// The object holds a DestroyFlag; its destructor marks every guard that is watching it. Guards
// nest (a callback may re-enter the object and call out again): each remembers the one it
// covers, so one destruction marks them all. Guards are locals, so they end in reverse order.
// Not thread-safe: loop thread only, like the handles that use it.
#pragma once

namespace osn::loop {

class DestroyGuard;

// A member of the object that may be destroyed by its own callbacks.
class DestroyFlag {
 public:
  DestroyFlag() = default;
  ~DestroyFlag();
  DestroyFlag(const DestroyFlag&) = delete;
  DestroyFlag& operator=(const DestroyFlag&) = delete;

 private:
  friend class DestroyGuard;
  DestroyGuard* innermost_ = nullptr;  // the newest guard watching this object, or none
};

// A local that answers "was the object destroyed since I was made?"
class DestroyGuard {
 public:
  // The object remembers this local's address until the guard ends, which hands it back (or
  // finds the object gone). GCC cannot see that hand-back across the callback, so it warns
  // about a dangling pointer that never dangles; the pragma silences exactly that line.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
  explicit DestroyGuard(DestroyFlag& flag) : flag_(&flag), outer_(flag.innermost_) {
    flag.innermost_ = this;
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  ~DestroyGuard() {
    if (flag_ != nullptr) flag_->innermost_ = outer_;  // null: the flag is gone, touch nothing
  }
  DestroyGuard(const DestroyGuard&) = delete;
  DestroyGuard& operator=(const DestroyGuard&) = delete;

  bool destroyed() const { return flag_ == nullptr; }

 private:
  friend class DestroyFlag;
  DestroyFlag* flag_;  // null once the object is destroyed
  DestroyGuard* outer_;
};

inline DestroyFlag::~DestroyFlag() {
  for (DestroyGuard* guard = innermost_; guard != nullptr; guard = guard->outer_)
    guard->flag_ = nullptr;
}

}  // namespace osn::loop
