// pool/spin_wait.cc — the two brief polls of the fast path, and OSN_POOL_SPIN.
//
// Each spin watches one atomic counter, so it needs no lock while it waits: a worker watches
// submits_ (bumped under the mutex by every enqueue), a loop watches wakes_ (bumped by a
// worker right after it sent the loop's Async). On a change, or when its time is up, the
// spinner returns to the ordinary path: the worker to its condvar loop, the loop to its
// poll phase's kernel wait (which then returns at once, the wake-up descriptor readable).
#include "pool/spin_wait.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>

#include "kernel-io/clock.h"

namespace osn::pool {
namespace {

// An idle worker polls at most this long before it sleeps, a loop before its poll phase
// blocks (measured: docs/pool.md). A loop spins only while its recent waits for the pool —
// from its poll phase beginning to wait to the next hand-back's wake-up — were under
// kQuickNs: generous, so that gaps measured through the sleeping path (30-40 µs on an idle
// VM) still let it try, but never for slow work (a 100 ms PBKDF2). Not the requests' age
// (submit to callback): with thousands in flight each is old while the next is due at once,
// and gating on age switched the spin off exactly when the loop and the workers shared a
// CPU and needed it most (docs/pool.md, "one CPU").
constexpr uint64_t kWorkerSpinNs = 100'000;
constexpr uint64_t kLoopSpinNs = 100'000;
constexpr uint64_t kQuickNs = 1'000'000;
// ... calling sched_yield() at the start and every kSpinYieldNs: the thread we wait for (the
// loop) may have been put on *our* CPU — the scheduler likes to wake a thread next to its
// waker, and with 5 threads on 2 cores they often share one — and then it runs only when we
// stop. With nobody else to run, a yield is one cheap system call that returns at once.
constexpr uint64_t kSpinYieldNs = 2'000;
// Between two looks at the counter, a burst of PAUSEs: fewer cache-line reads while the other
// side writes it (2 and 16 measured the same round trip here).
constexpr int kRelaxesPerCheck = 16;

// A hint to the CPU that this thread is spinning (x86 PAUSE, ARM YIELD).
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

// Polls `changed` until it returns true or `budget_ns` pass. true: it changed.
template <class Changed>
bool spin_until(Changed changed, uint64_t budget_ns) {
  const uint64_t start = kio::monotonic_ns();
  uint64_t next_yield = start;
  for (uint64_t now = start; now < start + budget_ns; now = kio::monotonic_ns()) {
    if (changed()) return true;
    if (now >= next_yield) {
      sched_yield();
      next_yield = now + kSpinYieldNs;
    } else {
      for (int i = 0; i < kRelaxesPerCheck; ++i) cpu_relax();
    }
  }
  return changed();
}

}  // namespace

PoolSpinChoice parse_pool_spin(const char* text) {
  return parse_pool_switch(kPoolSpinVariable, text, kPoolSpinDefault,
                           "pool threads and loops sleep at once", "they spin briefly first");
}

PoolSpinChoice pool_spin_from_environment() {
  return parse_pool_spin(std::getenv(kPoolSpinVariable));
}


void WorkSpinner::spin_before_sleep(pthread_mutex_t& mutex) {
  if (!on_ || spinning_ || !backoff_.should_spin()) return;
  spinning_ = true;
  const uint64_t seen = submits_.load(std::memory_order_acquire);
  pthread_mutex_unlock(&mutex);
  // A submit seen, take the mutex with trylock, still spinning: the loop that bumped the count
  // may still hold it (another loop, or its next submit), and a plain lock would then sleep in
  // the kernel and make its holder pay a futex wake-up to release it.
  bool caught = spin_until(
      [&] {
        return submits_.load(std::memory_order_acquire) != seen &&
               pthread_mutex_trylock(&mutex) == 0;
      },
      kWorkerSpinNs);
  if (!caught) pthread_mutex_lock(&mutex);  // time is up (or the submit's holder is slow)
  spinning_ = false;  // the caller looks at the FIFO before it sleeps
  if (caught) {
    backoff_.caught();
  } else {
    backoff_.missed();
  }
}

void LoopSpinner::taking_done_list() {
  wakes_seen_ = wakes_.load(std::memory_order_acquire);
  if (waiting_since_ns_ == 0) return;
  recent_gap_ns_ = (recent_gap_ns_ * 3 + (kio::monotonic_ns() - waiting_since_ns_)) / 4;
  waiting_since_ns_ = 0;
}

void LoopSpinner::before_blocking_poll(int timeout_ms, size_t in_flight) {
  if (!on_ || in_flight == 0) return;
  waiting_since_ns_ = kio::monotonic_ns();
  if (recent_gap_ns_ > kQuickNs) return;
  const uint64_t seen = wakes_seen_;
  if (wakes_.load(std::memory_order_acquire) != seen) return;  // a wake-up is already there
  if (!backoff_.should_spin()) return;
  uint64_t budget = kLoopSpinNs;
  if (timeout_ms > 0) budget = std::min<uint64_t>(budget, uint64_t(timeout_ms) * 1'000'000u);
  if (spin_until([&] { return wakes_.load(std::memory_order_acquire) != seen; }, budget)) {
    backoff_.caught();
  } else {
    backoff_.missed();
  }
}

}  // namespace osn::pool
