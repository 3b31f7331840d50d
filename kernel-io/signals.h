// kernel-io/signals.h — signal dispositions and masks.
//
// A signal interrupts a process asynchronously: the kernel runs a handler between any two
// instructions, so a handler may only do async-signal-safe things (write(2) a byte, set a
// flag). The signal *mask* says which signals a thread defers: blocked signals wait as
// "pending" until unblocked (`grep Sig /proc/PID/status` shows SigBlk, SigPnd, SigCgt).
// The loop turns signals into ordinary callbacks with the self-pipe trick (loop/signal.h).
#pragma once

#include <signal.h>

#include <initializer_list>

#include "kernel-io/result.h"

namespace osn::kio {

// "SIGTERM", "SIGKILL", ... ("SIG?" for numbers we do not name).
const char* signal_name(int signo);

using SignalHandler = void (*)(int);

// sigaction with SA_RESTART; `previous` receives the old action when not null.
Status install_handler(int signo, SignalHandler handler, struct sigaction* previous = nullptr);
Status restore_action(int signo, const struct sigaction& action);
Status set_default_action(int signo);

// SIGPIPE would kill the process when it writes to a socket or pipe whose reader is gone.
// Servers ignore it and handle EPIPE instead.
Status ignore_sigpipe();

// For a forked child about to exec: every signal back to SIG_DFL and an empty signal mask.
// exec resets *caught* signals by itself but keeps ignored ones and the mask, so without this a
// program we start would inherit our SIG_IGN for SIGPIPE or the mask the pool threads run with.
// On Linux this includes signals 32 and 33, which glibc keeps for itself and its sigaction
// refuses: an ignored one (inherited from whoever started us) is reset with the raw
// rt_sigaction system call. Async-signal-safe (sigaction, rt_sigaction, sigprocmask only).
void reset_signals_for_exec();

// Blocks `signals` in the calling thread for this object's lifetime, then restores the mask.
// Threads inherit their creator's mask: the pool blocks every signal while it starts threads
// so that signals are only ever delivered to the loop's thread.
class ScopedSignalBlock {
 public:
  explicit ScopedSignalBlock(std::initializer_list<int> signals);
  static ScopedSignalBlock all();  // every blockable signal
  ~ScopedSignalBlock();
  ScopedSignalBlock(const ScopedSignalBlock&) = delete;
  ScopedSignalBlock& operator=(const ScopedSignalBlock&) = delete;
  // Moving hands over the duty to restore: only the last owner restores the mask.
  ScopedSignalBlock(ScopedSignalBlock&& other) noexcept;
  ScopedSignalBlock& operator=(ScopedSignalBlock&&) = delete;

 private:
  ScopedSignalBlock() = default;
  sigset_t previous_{};
  bool restores_ = false;  // false after being moved from
};

}  // namespace osn::kio
