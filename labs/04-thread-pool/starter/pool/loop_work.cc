// pool/loop_work.cc — the loop's side of the hand-back: request slots, and the done list
// taken once per wake-up, in the poll phase.
//
// A pool thread that finishes a request pushes it onto the done list and, if the list was
// empty, sends the loop's Async. The loop notices in its poll phase (the wake-up descriptor is
// readable) and calls run_done_callbacks(), which takes the whole list under the mutex, once,
// and runs the callbacks without it. A request that finishes while those callbacks run — one
// submitted by them, say — goes onto the now empty list and sends the Async again: its
// callback runs in a later iteration's poll phase, after this iteration's check phase
// (setImmediate), exactly as libuv's uv__work_done and Node's fs callbacks.
#include "pool/loop_work.h"

#include "kernel-io/clock.h"
#include "loop/trace_file.h"
#include "pool/thread_pool.h"

namespace osn::pool {

LoopWork::LoopWork(loop::Loop& loop)
    : loop_(loop), pool_(ThreadPool::process()), async_(loop, [this] { run_done_callbacks(); }) {
  async_.unref();  // requests keep the loop alive (ref_request), not this handle
  // Optional fast path: spin for a wake-up instead of sleeping, while requests come back quickly.
  loop.set_before_blocking_poll(
      [this](int timeout_ms) { spinner_.before_blocking_poll(timeout_ms, in_flight_); });
  MutexLock lock(pool_.mutex_);
  epoch_ = pool_.epoch_;
}

LoopWork::~LoopWork() {
  loop_.set_before_blocking_poll({});
  hand_over_kept_submits();  // none are kept outside a done list's callbacks; forget() drops any
  pool_.forget(this);
}

LoopWork& LoopWork::of(loop::Loop& loop) {
  static const char kKey = 0;  // its address names our attachment
  if (auto* found = loop.find_attachment(&kKey)) return static_cast<LoopWork&>(*found);
  return static_cast<LoopWork&>(loop.attach(&kKey, std::make_unique<LoopWork>(loop)));
}

// A free slot, growing the table when none is left (rarely: a loop with N requests in flight
// settles at N + 1 slots). A slot belongs to this loop for good, so its owner is set once.
inline WorkRequest& LoopWork::allocate() {
  if (free_slots_.empty()) add_slot();
  WorkRequest& r = *slots_[free_slots_.back()];
  free_slots_.pop_back();
  r.in_use = true;
  return r;
}

void LoopWork::add_slot() {
  free_slots_.push_back(static_cast<uint32_t>(slots_.size()));
  slots_.push_back(std::make_unique<WorkRequest>());
  slots_.back()->slot = free_slots_.back();
  slots_.back()->owner = this;
}

WorkRequest* LoopWork::find(WorkHandle handle) {
  if (!handle.valid() || handle.slot >= slots_.size()) return nullptr;
  WorkRequest* r = slots_[handle.slot].get();
  return r->generation == handle.generation && r->in_use ? r : nullptr;
}

// fork() copies only the calling thread: a loop carried into a child may find its done mutex
// held by a parent's worker that does not exist here, and requests that will never come back.
// Those stay the parent's; the child's loop starts with a fresh mutex and an empty list.
// Checked on every submit and wake-up: one compare, inline; the work only in a child.
inline void LoopWork::start_fresh_if_forked() {
  if (epoch_ != pool_.epoch_) start_fresh_in_child();
}

void LoopWork::start_fresh_in_child() {
  pthread_mutex_init(&done_mutex_, nullptr);
  done_ = RequestList{};
  batch_.drop();  // kept before the fork: the parent hands them over, as it runs its queued ones
  MutexLock lock(pool_.mutex_);
  left_ = entered_;  // the parent's requests in flight are not ours to wait for
  epoch_ = pool_.epoch_;
}

WorkHandle LoopWork::submit(std::unique_ptr<Task>&& task, std::function<void()>&& work,
                            std::function<void(kio::Status)>&& after_work) {
  start_fresh_if_forked();
  WorkRequest& r = allocate();
  r.task = std::move(task);
  r.work.swap(work);  // the slot's is empty: a swap moves it in without a temporary
  if (after_work) r.after_work.emplace(std::move(after_work));
  r.label = loop_.callback_label();  // the submitting callback's name, for the watchdog and traces
  // The wait histogram's stamp, on a sample (pool/work_request.h): all of the first requests,
  // then every kStampEvery-th, so a stream of millions reads the clock 1/16 as often.
  const bool stamp = submits_ < kStampEveryUntil || submits_ % kStampEvery == 0;
  ++submits_;
  r.stamped = stamp;
  if (stamp) r.queued_ns = kio::monotonic_ns();
  loop_.ref_request();
  ++in_flight_;
  if (batch_.keep(&r)) {  // optional fast path: a done list's callbacks are running
    if (batch_.full()) enqueue_kept();
  } else {
    RequestList one;
    one.push_back(&r);
    pool_.enqueue(one);
  }
  return WorkHandle{r.slot, r.generation};
}

void LoopWork::enqueue_kept() {
  start_fresh_if_forked();
  if (!batch_.empty()) pool_.enqueue(batch_.kept());
}

// The done lists whose callbacks run on this thread now, innermost first: a callback of one
// loop may run another loop (each keeps its own submits).
struct LoopWork::KeptSubmits {
  LoopWork& self;
  KeptSubmits* const outer;
  explicit KeptSubmits(LoopWork& lw) : self(lw), outer(innermost) {
    self.batch_.open();
    innermost = this;
  }
  ~KeptSubmits() {  // at the end of the callbacks — also when one throws
    self.batch_.close();
    innermost = outer;
    self.hand_over_kept_submits();
  }
  static thread_local KeptSubmits* innermost;
};

thread_local LoopWork::KeptSubmits* LoopWork::KeptSubmits::innermost = nullptr;

void LoopWork::hand_over_kept_submits_of_this_thread() {
  for (KeptSubmits* k = KeptSubmits::innermost; k != nullptr; k = k->outer)
    k->self.hand_over_kept_submits();
}

// Poll phase, loop thread: the Async's callback.
void LoopWork::run_done_callbacks() {
  start_fresh_if_forked();
  spinner_.taking_done_list();  // optional fast path
  // Optional fast path: the callbacks' submits are kept and handed over in runs, the last one
  // when kept_submits goes out of scope (pool/submit_batch.h).
  KeptSubmits kept_submits(*this);
  // [lab 04] begin: take the whole done list once, then finish() each request on the loop thread
  // TODO(lab 04): under done_mutex_, take the WHOLE done list once (RequestList::take_all);
  // then, without the mutex, call finish(r) for each request in it, oldest first.
  // [lab 04] end
}

// The callback runs from the slot itself, which is freed only once it has returned: nothing
// is moved out. Before it runs, the request's handle stops matching (a cancel() of it from the
// callback finds nothing), the loop stops counting it, and the work half is destroyed; after
// it, the callback half. Both are destroyed here, on the loop thread. A callback that submits
// more gets another slot (a loop with N requests in flight settles at N + 1 slots).
void LoopWork::finish(WorkRequest* r) {
  r->state = RequestState::kFree;  // no thread holds it
  r->in_use = false;
  if (++r->generation == 0) r->generation = 1;
  r->work = nullptr;
  --in_flight_;
  loop_.unref_request();
  auto call = [r] {
    if (r->task) {
      r->task->finish(r->status);
    } else if (r->after_work) {
      (*r->after_work)(r->status);
    }
  };
  const char* label = r->label;
  loop_.label_callback(label);  // the watchdog blames the after_work of "GET /offload"
  loop::TraceFile* trace = loop_.trace_file();
  const uint64_t start = trace ? kio::monotonic_ns() : 0;
  loop_.invoke(call);  // and drain next_tick callbacks, as after every callback
  if (trace) trace->complete(label ? label : "work", "after_work", start, kio::monotonic_ns());
  r->task.reset();
  r->after_work.reset();
  if (!r->status.ok()) r->status = {};  // cancelled, or the pool could not start
  free_slots_.push_back(r->slot);
}

// On a pool thread, no lock held. The span in OSN_TRACE_FILE's trace is taken here (and the
// wait histogram's stamp in ThreadPool::record_wait), so the queue's code has neither.
void WorkRequest::run() {
  // Looked up once per pool thread (process() takes a lock and reads the environment).
  static thread_local loop::TraceFile* const trace = loop::TraceFile::process();
  if (trace) started_ns = kio::monotonic_ns();
  if (work) {
    work();
  } else if (task) {
    task->run();
  }
  if (trace) trace->complete(label ? label : "work", "pool work", started_ns, kio::monotonic_ns());
}

// ---- the public functions -----------------------------------------------------------------

WorkHandle submit(loop::Loop& loop, std::unique_ptr<Task> task) {
  loop.assert_in_loop_thread("pool::submit");
  return LoopWork::of(loop).submit(std::move(task), {}, {});
}

bool cancel(loop::Loop& loop, WorkHandle handle) {
  loop.assert_in_loop_thread("pool::cancel");
  if (!handle.valid()) return false;
  LoopWork& lw = LoopWork::of(loop);
  lw.hand_over_kept_submits();  // a request kept back is cancellable too (pool/submit_batch.h)
  WorkRequest* r = lw.find(handle);
  return r != nullptr && ThreadPool::process().cancel(r);
}

}  // namespace osn::pool
