// pool/spin_wait.cc — an idle worker's brief poll for new work, and OSN_POOL_SPIN.
//
// The spin watches one atomic counter (submits_, bumped under the mutex by every enqueue) so
// it needs no lock while it waits; when it sees a change, or its time is up, it takes the
// mutex again and the worker's ordinary loop (pool/work_queue.cc) carries on.
#include "pool/spin_wait.h"

#include <sched.h>

#include <cstdlib>

#include "kernel-io/clock.h"

namespace osn::pool {
namespace {

// An idle worker polls at most this long before it sleeps (measured: docs/pool.md).
constexpr uint64_t kWorkerSpinNs = 100'000;
// ... calling sched_yield() at the start and every kSpinYieldNs: the thread we wait for (the
// loop) may have been put on *our* CPU — the scheduler likes to wake a thread next to its
// waker, and with 5 threads on 2 cores they often share one — and then it runs only when we
// stop. With nobody else to run, a yield is one cheap system call that returns at once.
constexpr uint64_t kSpinYieldNs = 2'000;

// A hint to the CPU that this thread is spinning (x86 PAUSE, ARM YIELD).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

}  // namespace

PoolSpinChoice parse_pool_spin(const char* text) {
  if (text == nullptr) return {};
  std::string value = text;
  if (value == "0") return {false, {}};
  if (value == "1") return {true, {}};
  return {kPoolSpinDefault, std::string(kPoolSpinVariable) + "=\"" + value +
                                "\" is refused: it must be 0 (idle workers sleep at once) or 1 "
                                "(they poll briefly for new work first; the default)"};
}

PoolSpinChoice pool_spin_from_environment() {
  return parse_pool_spin(std::getenv(kPoolSpinVariable));
}

void WorkSpinner::spin_before_sleep(pthread_mutex_t& mutex) {
  if (!on_ || spinning_ || !backoff_.should_spin()) return;
  spinning_ = true;
  const uint64_t seen = submits_.load(std::memory_order_acquire);
  pthread_mutex_unlock(&mutex);
  const uint64_t start = kio::monotonic_ns();
  uint64_t next_yield = start;
  bool caught = false;
  for (uint64_t now = start; now < start + kWorkerSpinNs; now = kio::monotonic_ns()) {
    if (submits_.load(std::memory_order_acquire) != seen) {
      caught = true;
      break;
    }
    if (now >= next_yield) {
      sched_yield();
      next_yield = now + kSpinYieldNs;
    } else {
      for (int i = 0; i < 16; ++i) cpu_relax();
    }
  }
  pthread_mutex_lock(&mutex);
  spinning_ = false;
  if (caught) {
    backoff_.caught();
  } else {
    backoff_.missed();
  }
}

}  // namespace osn::pool
