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
    : loop_(loop), async_(loop, [this] { run_done_callbacks(); }) {
  async_.unref();  // requests keep the loop alive (ref_request), not this handle
  // Optional fast path: spin for a wake-up instead of sleeping, while requests come back quickly.
  loop.set_before_blocking_poll(
      [this](int timeout_ms) { spinner_.before_blocking_poll(timeout_ms, in_flight_); });
  MutexLock lock(ThreadPool::process().mutex_);
  epoch_ = ThreadPool::process().epoch_;
}

LoopWork::~LoopWork() {
  loop_.set_before_blocking_poll({});
  ThreadPool::process().forget(this);
}

LoopWork& LoopWork::of(loop::Loop& loop) {
  static const char kKey = 0;  // its address names our attachment
  if (auto* found = loop.find_attachment(&kKey)) return static_cast<LoopWork&>(*found);
  return static_cast<LoopWork&>(loop.attach(&kKey, std::make_unique<LoopWork>(loop)));
}

WorkRequest& LoopWork::allocate() {
  if (free_slots_.empty()) {
    free_slots_.push_back(static_cast<uint32_t>(slots_.size()));
    slots_.push_back(std::make_unique<WorkRequest>());
    slots_.back()->slot = free_slots_.back();
  }
  WorkRequest& r = *slots_[free_slots_.back()];
  free_slots_.pop_back();
  r.owner = this;
  r.status = {};
  r.in_use = true;
  return r;
}

WorkRequest* LoopWork::find(WorkHandle handle) {
  if (!handle.valid() || handle.slot >= slots_.size()) return nullptr;
  WorkRequest* r = slots_[handle.slot].get();
  return r->generation == handle.generation && r->in_use ? r : nullptr;
}

WorkHandle LoopWork::submit(std::unique_ptr<Task> task, std::function<void()> work,
                            std::function<void(kio::Status)> after_work) {
  start_fresh_if_forked();
  WorkRequest& r = allocate();
  r.task = std::move(task);
  r.work = std::move(work);
  r.after_work = std::move(after_work);
  r.label = loop_.callback_label();  // the submitting callback's name, for the watchdog and traces
  // The wait histogram's stamp, on a sample (pool/work_request.h): all of the first requests,
  // then every kStampEvery-th, so a stream of millions reads the clock 1/16 as often.
  const bool stamp = submits_ < kStampEveryUntil || submits_ % kStampEvery == 0;
  ++submits_;
  r.queued_ns = stamp ? kio::monotonic_ns() : 0;
  loop_.ref_request();
  ++in_flight_;
  ThreadPool::process().enqueue(&r);
  return WorkHandle{r.slot, r.generation};
}

// Poll phase, loop thread: the Async's callback.
void LoopWork::run_done_callbacks() {
  start_fresh_if_forked();
  spinner_.taking_done_list();  // optional fast path
  // [lab 04] begin: take the whole done list once, then finish() each request on the loop thread
  // TODO(lab 04): under done_mutex_, take the WHOLE done list once (RequestList::take_all);
  // then, without the mutex, call finish(r) for each request in it, oldest first.
  // [lab 04] end
}

// fork() copies only the calling thread: a loop carried into a child may find its done mutex
// held by a parent's worker that does not exist here, and requests that will never come back.
// Those stay the parent's; the child's loop starts with a fresh mutex and an empty list.
void LoopWork::start_fresh_if_forked() {
  if (epoch_ == ThreadPool::process().epoch_) return;
  pthread_mutex_init(&done_mutex_, nullptr);
  done_ = RequestList{};
  MutexLock lock(ThreadPool::process().mutex_);
  in_pool_ = 0;
  epoch_ = ThreadPool::process().epoch_;
}

// The request's callables leave the slot before the callback runs: the slot is free again
// (the callback may submit into it), and what they captured is destroyed here, on the loop.
void LoopWork::finish(WorkRequest* r) {
  std::unique_ptr<Task> task = std::move(r->task);
  std::function<void()> work = std::move(r->work);
  std::function<void(kio::Status)> after_work = std::move(r->after_work);
  r->work = nullptr;
  r->after_work = nullptr;
  kio::Status status = r->status;
  const char* label = r->label;
  r->state = RequestState::kFree;  // the slot is ours again: no thread holds it
  r->in_use = false;
  if (++r->generation == 0) r->generation = 1;
  free_slots_.push_back(r->slot);
  --in_flight_;
  loop_.unref_request();
  auto call = [&] {
    if (task) {
      task->finish(status);
    } else if (after_work) {
      after_work(status);
    }
  };
  loop_.label_callback(label);  // the watchdog blames the after_work of "GET /offload"
  loop::TraceFile* trace = loop_.trace_file();
  const uint64_t start = trace ? kio::monotonic_ns() : 0;
  loop_.invoke(call);  // and drain next_tick callbacks, as after every callback
  if (trace) trace->complete(label ? label : "work", "after_work", start, kio::monotonic_ns());
}

// On a pool thread, no lock held. The stamp for the wait histogram (stamped requests only),
// and the span in OSN_TRACE_FILE's trace, are taken here, so the queue's code has neither.
void WorkRequest::run() {
  // Looked up once per pool thread (process() takes a lock and reads the environment).
  static thread_local loop::TraceFile* const trace = loop::TraceFile::process();
  if (queued_ns != 0 || trace) started_ns = kio::monotonic_ns();
  if (task) {
    task->run();
  } else if (work) {
    work();
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
  WorkRequest* r = LoopWork::of(loop).find(handle);
  return r != nullptr && ThreadPool::process().cancel(r);
}

}  // namespace osn::pool
