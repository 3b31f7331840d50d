// pool/loop_work.cc — the loop's side: request slots, draining the done list, staging.
//
// Three ways this file avoids work per request, each measured (docs/pool.md):
//  * a loop is woken only when its done list goes from empty to non-empty while it is not
//    already draining it (or spinning for it), so completions are handled in batches;
//  * requests submitted from finish() callbacks are staged and enter the FIFO together;
//  * a loop whose requests come back quickly polls briefly before its poll phase blocks.
#include "pool/loop_work.h"

#include <cassert>

#include "kernel-io/clock.h"
#include "pool/thread_pool.h"

namespace osn::pool {
namespace {

// A loop drains its done list at most this many times per wake-up, so a stream of
// completions cannot starve timers and I/O.
constexpr int kMaxDrainRounds = 4;
// A loop whose completions recently came back within kQuickNs polls its done list up to
// kLoopSpinNs before letting its poll phase block. kQuickNs is generous on purpose: ages
// measured through the sleep-and-wake path (30-40 us on an idle VM) must not stop the loop
// from trying to spin, or it would never leave that path; slow work (a 100 ms PBKDF2) is
// still never spun for. A long spin rarely runs to its end: SpinBackoff stops missed ones.
constexpr uint64_t kLoopSpinNs = 100'000;
constexpr uint64_t kQuickNs = 1'000'000;

}  // namespace

LoopWork::LoopWork(loop::Loop& loop)
    : loop_(loop), async_(loop, [this] { drain(); }), prepare_(loop), skip_poll_sleep_(loop) {
  async_.unref();  // requests keep the loop alive (ref_request), not this handle
  prepare_.start([this] { spin_before_poll(); });
  prepare_.unref();
  skip_poll_sleep_.unref();
  MutexLock lock(ThreadPool::process().mutex_);
  epoch_ = ThreadPool::process().epoch_;
}

LoopWork::~LoopWork() { ThreadPool::process().forget(this); }

LoopWork& LoopWork::of(loop::Loop& loop) {
  static const char kKey = 0;  // its address names our attachment
  if (auto* found = loop.find_attachment(&kKey)) return static_cast<LoopWork&>(*found);
  return static_cast<LoopWork&>(loop.attach(&kKey, std::make_unique<LoopWork>(loop)));
}

WorkRequest& LoopWork::allocate(std::unique_ptr<Task> task) {
  if (free_slots_.empty()) {
    free_slots_.push_back(static_cast<uint32_t>(slots_.size()));
    slots_.push_back(std::make_unique<WorkRequest>());
    slots_.back()->slot = free_slots_.back();
  }
  WorkRequest& r = *slots_[free_slots_.back()];
  free_slots_.pop_back();
  r.task = std::move(task);
  r.owner = this;
  r.status = {};
  return r;
}

WorkRequest* LoopWork::find(WorkHandle handle) {
  if (!handle.valid() || handle.slot >= slots_.size()) return nullptr;
  WorkRequest* r = slots_[handle.slot].get();
  return r->generation == handle.generation && r->task ? r : nullptr;
}

void LoopWork::submit(WorkRequest& r) {
  ++in_flight_;
  if (in_drain_) {
    r.state = RequestState::kStaged;
    staged_.push_back(&r);
    return;
  }
  RequestList one;
  one.push_back(&r);
  ThreadPool::process().enqueue(one);
}

void LoopWork::drain() {
  pthread_mutex_t& mutex = ThreadPool::process().mutex_;
  for (int round = 0; round < kMaxDrainRounds; ++round) {
    pthread_mutex_lock(&mutex);
    RequestList batch = done_.take_all();
    has_done_.store(false, std::memory_order_relaxed);
    draining_ = !batch.empty();  // while true, workers need not wake us
    pthread_mutex_unlock(&mutex);
    if (batch.empty()) return;
    if (batch.front()->status.ok()) {
      uint64_t age = kio::monotonic_ns() - batch.front()->queued_ns;
      recent_age_ns_ = (recent_age_ns_ * 3 + age) / 4;
    }
    in_drain_ = true;
    while (WorkRequest* r = batch.pop_front()) finish(r);
    in_drain_ = false;
    if (!staged_.empty()) ThreadPool::process().enqueue(staged_);
  }
  MutexLock lock(mutex);
  draining_ = false;
  if (!done_.empty()) async_.send();  // more than kMaxDrainRounds batches: next iteration
}

void LoopWork::finish(WorkRequest* r) {
  std::unique_ptr<Task> task = std::move(r->task);
  kio::Status status = r->status;
  r->state = RequestState::kFree;  // the slot is ours again: no thread holds it
  if (++r->generation == 0) r->generation = 1;
  free_slots_.push_back(r->slot);
  --in_flight_;
  loop_.unref_request();
  auto call = [&] { task->finish(status); };
  loop_.invoke(call);  // and drain next_tick callbacks, as after every callback
}

// Prepare phase, just before the loop may block in epoll_wait. If requests are in flight and
// recent ones came back within kLoopSpinNs, wait for them by polling instead of sleeping:
// the worker then need not write the eventfd, nor the kernel wake this thread. Their finish()
// callbacks run here, at the end of the prepare phase, instead of in the poll phase.
void LoopWork::spin_before_poll() {
  if (in_flight_ == 0 || recent_age_ns_ > kQuickNs || !spin_.should_spin()) return;
  uint64_t deadline = kio::monotonic_ns() + kLoopSpinNs;
  // At most kMaxDrainRounds catches per iteration: timers, I/O and stop() get their turn.
  for (int round = 0; round < kMaxDrainRounds; ++round) {
    if (!wait_for_done_until(deadline)) {  // nothing came back in time: let poll block
      spin_.missed();
      return;
    }
    spin_.caught();
    drain();  // run the callbacks (which may submit more), then wait again
    if (in_flight_ == 0 || recent_age_ns_ > kQuickNs) return;
    deadline = kio::monotonic_ns() + kLoopSpinNs;
  }
  // Still catching: let this iteration's poll phase look at I/O without blocking (an active
  // idle handle does that), so that the next answer finds us spinning again, not asleep.
  skip_poll_sleep_.start([this] { skip_poll_sleep_.stop(); });
}

// Polls has_done_ until `deadline`; true if the done list is non-empty. Yields now and then
// (spin_pause), in case the worker shares our CPU. If no worker has even started one of our
// requests within kStartNs, none was spinning for work and the wake-up is slow: stop, and let
// the poll phase sleep.
bool LoopWork::wait_for_done_until(uint64_t deadline) {
  constexpr uint64_t kStartNs = 20'000;
  pthread_mutex_t& mutex = ThreadPool::process().mutex_;
  pthread_mutex_lock(&mutex);
  loop_spinning_ = true;  // workers: no need to write the eventfd, we are looking
  pthread_mutex_unlock(&mutex);
  const uint64_t start = kio::monotonic_ns();
  uint64_t next_yield = start;
  for (uint64_t now = start; !has_done_.load(std::memory_order_acquire) && now < deadline;
       now = kio::monotonic_ns()) {
    if (now - start > kStartNs && running_here_.load(std::memory_order_relaxed) == 0) break;
    spin_pause(now, next_yield);
  }
  pthread_mutex_lock(&mutex);
  loop_spinning_ = false;
  bool caught = !done_.empty();
  pthread_mutex_unlock(&mutex);
  return caught;
}

// ---- the public functions -----------------------------------------------------------------

WorkHandle submit(loop::Loop& loop, std::unique_ptr<Task> task) {
  assert(loop.in_loop_thread());
  LoopWork& lw = LoopWork::of(loop);
  WorkRequest& r = lw.allocate(std::move(task));
  loop.ref_request();
  lw.submit(r);
  return WorkHandle{r.slot, r.generation};
}

bool cancel(loop::Loop& loop, WorkHandle handle) {
  assert(loop.in_loop_thread());
  if (!handle.valid()) return false;
  WorkRequest* r = LoopWork::of(loop).find(handle);
  return r != nullptr && ThreadPool::process().cancel(r);
}

PoolStats pool_stats() { return ThreadPool::process().stats(); }
void reset_pool_stats() { ThreadPool::process().reset_stats(); }
kio::Result<size_t> pool_size() { return ThreadPool::process().size(); }
std::string pool_size_problem() { return ThreadPool::process().size_problem(); }
kio::Status shutdown_pool() { return ThreadPool::process().shutdown(); }

}  // namespace osn::pool
