// loop/loop.cc — run() and the seven phases of one iteration.
//
// Read run_iteration() first: it is the list of phases, in Node's order (the tracing around
// each phase lives in loop_trace.cc). Each queue phase first moves its queue into a local
// list, so callbacks queued while it runs wait for the next iteration (no phase can starve
// the others). poll_timeout() holds every rule for how long the poll phase may block.
// docs/loop.md tells the same story as a numbered list. The queues and the check phase's
// immediates are task_queues.cc (lab 03); this file only checks the thread and forwards.
//
// libuv up to 1.44 runs timers at the start of each iteration, as we do; libuv 1.45 and later
// (Node 20 here ships 1.46: `node -p process.versions.uv`) run them after the poll phase
// instead, plus once before the first iteration. The cycle is the same.
#include "loop/loop.h"

#include <cstdlib>
#include <cstring>
#include <iterator>
#include <sstream>
#include <system_error>

#include "kernel-io/clock.h"
#include "kernel-io/signals.h"
#include "loop/async.h"
#include "loop/io_watcher.h"
#include "loop/phase_handle.h"
#include "loop/signal.h"
#include "loop/spawned_frames.h"
#include "loop/trace_file.h"

namespace osn::loop {

namespace {
constexpr size_t kMaxEventsPerPoll = 1024;
constexpr size_t kReadBufferBytes = 64 * 1024;
}  // namespace

const char* phase_name(Phase phase) {
  static constexpr const char* kNames[] = {"timers", "pending", "idle", "prepare",
                                           "poll",   "check",   "close"};
  static_assert(std::size(kNames) == kPhaseCount, "one name per phase");
  return kNames[static_cast<size_t>(phase)];
}

kio::Result<std::unique_ptr<Loop>> Loop::create(std::string_view backend) {
  auto probe = make_backend(backend);  // report a bad name or epoll_create failure as a value
  if (!probe) return probe.error();
  auto wake = kio::WakeupChannel::create();
  if (!wake) return wake.error();
  return std::make_unique<Loop>(backend);
}

Loop::Loop(std::string_view backend_name) : owner_(std::this_thread::get_id()) {
  auto backend = make_backend(backend_name);
  if (!backend) throw std::system_error(backend.error().code, std::generic_category(),
                                        backend.error().message());
  backend_ = std::move(*backend);
  auto wake = kio::WakeupChannel::create();
  if (!wake) throw std::system_error(wake.error().code, std::generic_category(),
                                     wake.error().message());
  wakeup_ = std::move(*wake);
  // Wake-ups only interrupt the poll phase; what they wake for (an Async) keeps the loop alive.
  wakeup_watcher_ = std::make_unique<IoWatcher>(*this, wakeup_.read_fd(),
                                                [this](uint32_t) { run_async_callbacks(); });
  (void)wakeup_watcher_->start(kReadable);
  wakeup_watcher_->unref();
  (void)kio::ignore_sigpipe();  // a vanished peer must give EPIPE, not kill the process
  ready_.resize(kMaxEventsPerPoll);
  read_buffer_.resize(kReadBufferBytes);
  const char* trace = std::getenv("OSN_TRACE");
  if (trace && std::strstr(trace, "loop")) trace_ = stderr;
  start_observers();  // OSN_TRACE_FILE, OSN_WATCHDOG_MS (loop_trace.cc)
  update_time();
  metrics_start_ns_ = kio::monotonic_ns();
}

Loop::~Loop() {
  // Whoever destroys the loop owns it now: no other thread may be using it any more, and the
  // handles it still holds unregister from this thread.
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  spawned_frames_.reset();  // first: their awaiters may still cancel work in an attachment
  attachments_.clear();     // then: they may own handles registered here
  watchdog_.reset();
  if (opened_trace_file_) trace_file_->finish();
  wakeup_watcher_.reset();
  signals_.reset();
}

SpawnedFrames& Loop::spawned_frames() {
  if (!spawned_frames_) spawned_frames_ = std::make_unique<SpawnedFrames>();
  return *spawned_frames_;
}

Loop::Attachment& Loop::attach(const void* key, std::unique_ptr<Attachment> attachment) {
  attachments_.emplace_back(key, std::move(attachment));
  return *attachments_.back().second;
}

void Loop::update_time() { now_ms_ = kio::monotonic_ms(); }

bool Loop::alive() const {
  return active_handles_ > 0 || active_requests_ > 0 || refed_timers_ > 0 ||
         queues_.has_immediates() || queues_.has_pending() || !closing_.empty() ||
         queues_.has_ticks() || queues_.has_microtasks();
}

namespace {
thread_local Loop* running_loop = nullptr;  // inside run() on this thread (for labels)
}  // namespace

Loop* Loop::running_on_this_thread() { return running_loop; }

bool Loop::run(RunMode mode) {
  owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);  // the runner owns it
  Loop* outer = running_loop;
  running_loop = this;
  if (watchdog_ms_ > 0 && !watchdog_) watchdog_ = std::make_unique<Watchdog>(activity_, watchdog_ms_);
  activity_.busy_since_ns.store(kio::monotonic_ns(), std::memory_order_release);  // running
  stop_requested_ = false;
  // Ticks and microtasks queued by the main program run before the first phase, as in Node.
  drain_ticks_and_microtasks();
  do {
    run_iteration(mode);
  } while (mode == RunMode::kDefault && !stop_requested_ && alive());
  stop_requested_ = false;
  activity_.busy_since_ns.store(0, std::memory_order_release);  // not running: not blocked
  running_loop = outer;
  return alive();
}

void Loop::stop() {
  assert_in_loop_thread("Loop::stop");
  stop_requested_ = true;
}

// One iteration: Node's phases in Node's order. run_phase() (loop_trace.cc) only adds the
// OSN_TRACE=loop bookkeeping around each call.
void Loop::run_iteration(RunMode mode) {
  update_time();
  run_phase(Phase::kTimers, &Loop::run_timers_phase);
  run_phase(Phase::kPending, &Loop::run_pending_phase);
  run_phase(Phase::kIdle, &Loop::run_idle_phase);
  run_phase(Phase::kPrepare, &Loop::run_prepare_phase);
  poll_timeout_ = poll_timeout(mode);
  run_phase(Phase::kPoll, &Loop::run_poll_phase);
  run_phase(Phase::kCheck, &Loop::run_check_phase);
  run_phase(Phase::kClose, &Loop::run_close_phase);
  if (mode == RunMode::kOnce) {
    // Forward progress, as uv_run(UV_RUN_ONCE): if the poll phase ended because a timer came
    // due, run it now rather than return having done nothing.
    update_time();
    run_phase(Phase::kTimers, &Loop::run_timers_phase);
  }
  ++iterations_;
  if (trace_) trace_iteration();
  if (trace_file_) trace_file_->flush_if_due(kio::monotonic_ns());
}

// How long may the poll phase block? Zero whenever a callback is already waiting to run.
Loop::PollTimeout Loop::poll_timeout(RunMode mode) const {
  if (stop_requested_) return {0, "stop() was called"};
  if (mode == RunMode::kNoWait) return {0, "run mode nowait"};
  if (!alive()) return {0, "nothing keeps the loop alive"};
  if (queues_.has_pending()) return {0, "pending callbacks queued"};
  if (active_idle_handles() > 0) return {0, "an idle handle is active"};
  if (queues_.has_immediates()) return {0, "immediates queued"};
  if (!closing_.empty()) return {0, "close callbacks queued"};
  if (timer_heap_.empty()) return {-1, "no timers: block until I/O"};
  uint64_t due = timer_heap_.top_deadline();
  if (due <= now_ms_) return {0, "a timer is already due"};
  uint64_t wait = due - now_ms_;
  return {wait > INT32_MAX ? INT32_MAX : static_cast<int>(wait), "until the next timer"};
}

size_t Loop::run_poll_phase() {
  const int timeout_ms = poll_timeout_.ms;
  if (timeout_ms == 0 && nothing_to_poll()) {
    if (watchdog_) activity_.busy_since_ns.store(kio::monotonic_ns(), std::memory_order_release);
    return 0;
  }
  if (timeout_ms != 0 && before_blocking_poll_) before_blocking_poll_(timeout_ms);
  // Time blocked in the kernel is time the loop was idle (utilization). A wait that may not
  // block is not idleness, so only a blocking wait is timed; its end time is the new now.
  // For the watchdog, busy_since_ns is 0 while in the kernel and the wait's end after it.
  uint64_t start = timeout_ms != 0 || trace_file_ ? kio::monotonic_ns() : 0;
  activity_.busy_since_ns.store(0, std::memory_order_relaxed);
  auto n = backend_->wait(ready_, timeout_ms);
  uint64_t end = kio::monotonic_ns();
  activity_.busy_since_ns.store(end, std::memory_order_release);
  if (timeout_ms != 0) idle_ns_ += end - start;
  if (trace_file_ && timeout_ms != 0) trace_file_->complete("wait (kernel)", "poll", start, end);
  now_ms_ = end / 1'000'000u;  // update_time(), reusing the clock read above
  if (!n) {
    std::fprintf(stderr, "osnode loop: %s\n", n.error().message().c_str());
    return 0;
  }
  for (size_t i = 0; i < *n; ++i) {
    const ReadyEvent& ev = ready_[i];
    // Look the watcher up now, not earlier: a previous callback in this batch may have
    // stopped or destroyed it (then the slot is null and the stale event is dropped).
    if (ev.fd < 0 || static_cast<size_t>(ev.fd) >= watchers_.size()) continue;
    IoWatcher* w = watchers_[ev.fd];
    if (w == nullptr) continue;
    uint32_t events = ev.events & (w->interest_ | kError | kHangup);
    if (events == 0) continue;
    if (w->interest_ == 0) w->stop_watching();  // watching for the end only: it came, once
    invoke_io(w, events);
  }
  return *n;
}

// A poll phase that may not block can skip the system call when there is nothing to look
// at: no descriptor is watched but the loop's own wake-up channel, and no Async could be
// waiting behind it. libuv's uv__io_poll likewise returns at once when it watches no fd.
// This is what lets an idle handle spin the loop without entering the kernel.
bool Loop::nothing_to_poll() const {
  size_t own = wakeup_watcher_ && wakeup_watcher_->interest() != 0 ? 1 : 0;
  return watched_fds_ == own && asyncs_.empty();
}

void Loop::invoke_io(IoWatcher* watcher, uint32_t events) {
  // A copy (no allocation for small lambdas): the callback may destroy its own watcher, and
  // with it the stored function. After the call we touch nothing of the watcher.
  IoWatcher::EventCallback cb = watcher->on_events_;
  activity_.label.store(nullptr, std::memory_order_relaxed);  // the callback may name itself
  if (trace_file_ == nullptr) {
    cb(events);
    drain_ticks_and_microtasks();
    return;
  }
  const uint64_t start = kio::monotonic_ns();
  cb(events);
  drain_ticks_and_microtasks();
  const char* label = callback_label();
  trace_file_->complete(label ? label : "I/O callback", "callback", start, kio::monotonic_ns());
}

size_t Loop::run_close_phase() {
  if (closing_.empty()) return 0;
  std::vector<Callback> batch;
  batch.swap(closing_);
  for (Callback& cb : batch) invoke(cb);
  return batch.size();
}

// ---- the queues' entry points: check the thread, then hand over to TaskQueues ---------------

ImmediateId Loop::set_immediate(Callback cb) {
  assert_in_loop_thread("Loop::set_immediate");
  return queues_.set_immediate(std::move(cb));
}

bool Loop::clear_immediate(ImmediateId id) {
  assert_in_loop_thread("Loop::clear_immediate");
  return queues_.clear_immediate(id);
}

void Loop::next_tick(Callback cb) {
  assert_in_loop_thread("Loop::next_tick");
  queues_.next_tick(std::move(cb));
}

void Loop::queue_microtask(Callback cb) {
  assert_in_loop_thread("Loop::queue_microtask");
  queues_.queue_microtask(std::move(cb));
}

void Loop::defer_to_pending(Callback cb) {
  assert_in_loop_thread("Loop::defer_to_pending");
  queues_.defer_to_pending(std::move(cb));
}

// ---- the thread check ---------------------------------------------------------------------------

void Loop::die_off_loop_thread(const char* entry) const {
  std::ostringstream caller, owner;
  caller << std::this_thread::get_id();
  owner << owner_.load(std::memory_order_relaxed);
  std::fprintf(stderr,
               "osnode: %s called from thread %s, but the loop runs on thread %s "
               "(callbacks and handles belong to the loop's thread; from another thread "
               "use an Async)\n",
               entry, caller.str().c_str(), owner.str().c_str());
  std::abort();
}

}  // namespace osn::loop
