// kernel-io/signals.cc — sigaction(2), pthread_sigmask(3).
#include "kernel-io/signals.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

namespace osn::kio {

const char* signal_name(int signo) {
  switch (signo) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGCHLD: return "SIGCHLD";
    case SIGCONT: return "SIGCONT";
    case SIGSTOP: return "SIGSTOP";
    case SIGTSTP: return "SIGTSTP";
    case SIGWINCH: return "SIGWINCH";
    default: return "SIG?";
  }
}

Status install_handler(int signo, SignalHandler handler, struct sigaction* previous) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sa.sa_flags = SA_RESTART;
  sigfillset(&sa.sa_mask);  // no other handler interrupts ours
  if (::sigaction(signo, &sa, previous) < 0) return last_error("sigaction");
  return {};
}

Status restore_action(int signo, const struct sigaction& action) {
  if (::sigaction(signo, &action, nullptr) < 0) return last_error("sigaction");
  return {};
}

Status set_default_action(int signo) {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  if (::sigaction(signo, &sa, nullptr) < 0) return last_error("sigaction");
  return {};
}

Status ignore_sigpipe() {
  struct sigaction sa {};
  sa.sa_handler = SIG_IGN;
  if (::sigaction(SIGPIPE, &sa, nullptr) < 0) return last_error("sigaction(SIGPIPE)");
  return {};
}

ScopedSignalBlock::ScopedSignalBlock(std::initializer_list<int> signals) {
  sigset_t set;
  sigemptyset(&set);
  for (int s : signals) sigaddset(&set, s);
  pthread_sigmask(SIG_BLOCK, &set, &previous_);
  restores_ = true;
}

ScopedSignalBlock ScopedSignalBlock::all() {
  ScopedSignalBlock b;
  sigset_t set;
  sigfillset(&set);
  pthread_sigmask(SIG_BLOCK, &set, &b.previous_);
  b.restores_ = true;
  return b;
}

ScopedSignalBlock::ScopedSignalBlock(ScopedSignalBlock&& other) noexcept
    : previous_(other.previous_), restores_(other.restores_) {
  other.restores_ = false;
}

ScopedSignalBlock::~ScopedSignalBlock() {
  if (restores_) pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void reset_signals_for_exec() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int signo = 1; signo < NSIG; ++signo) {
    if (signo == SIGKILL || signo == SIGSTOP) continue;
    if (::sigaction(signo, &dfl, nullptr) == 0 || errno != EINVAL) continue;
#ifdef __linux__
    // glibc keeps signals 32 and 33 (SIGCANCEL, SIGSETXID: between SIGSYS and SIGRTMIN) for
    // itself and refuses them with EINVAL, yet an ignored one is inherited like any other. The
    // kernel call takes them: an all-zero kernel sigaction is SIG_DFL, no flags, an empty mask
    // whatever the architecture's field order, and 8 bytes is the kernel's sigset for 64 signals.
    const unsigned long all_zero[4] = {};
    ::syscall(SYS_rt_sigaction, signo, all_zero, nullptr, 8);
#endif
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

}  // namespace osn::kio
