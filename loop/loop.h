// loop/loop.h — the event loop: one thread, one question, asked over and over.
//
// "While the process lives: find finished I/O, expired timers and ready work; take the
// matching callback; run it on this thread" — the seed note's pseudo-code, made real. One
// iteration runs Node's phases in Node's order:
//
//   timers -> pending -> idle -> prepare -> poll -> check -> close
//
// and after *every* callback the next_tick queue and then the microtask queue are drained,
// round again until both are empty, as Node's processTicksAndRejections (task_queues.h). docs/loop.md walks through one iteration, including how poll_timeout()
// decides how long the poll phase may block.
//
// Ownership: the Loop owns its backend, its timers' callbacks and its queues; handles are
// owned by whoever made them and register themselves here. A Loop cannot exist without its
// backend, so the constructor throws std::system_error if the backend cannot be made;
// Loop::create() reports that as a value instead.
//
// Thread affinity: one thread at a time owns the loop, and only it may call the loop or its
// handles. The owner is the thread that constructed the loop until some thread calls run();
// from then on it is the thread that last called run() (also after run() returns). So a loop
// may be built on one thread and handed to another that runs it — but then the builder must
// not touch it again. Only wakeup() and Async::send() may be called from any thread. Debug
// builds (no NDEBUG) check this in every entry point — timers, queues, handle registration —
// and abort naming the call and both threads, as muduo's assertInLoopThread does.
#pragma once

#include <atomic>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "kernel-io/pipe.h"
#include "kernel-io/result.h"
#include "loop/backend.h"
#include "loop/metrics.h"
#include "loop/task_queues.h"
#include "loop/timer_heap.h"
#include "loop/watchdog.h"

namespace osn::loop {

using TimerId = uint64_t;  // 0 is never a valid id (Callback, ImmediateId: task_queues.h)

enum class RunMode {
  kDefault,  // until nothing keeps the loop alive, or stop()
  kOnce,     // one iteration; the poll phase may block, and timers due after it run too
  kNoWait,   // one iteration; the poll phase only looks
};

enum class Phase { kTimers, kPending, kIdle, kPrepare, kPoll, kCheck, kClose, kCount };
inline constexpr size_t kPhaseCount = static_cast<size_t>(Phase::kCount);
const char* phase_name(Phase phase);

class IoWatcher;
class PhaseHandle;
class Async;
class SignalRouter;
class Signal;
class SpawnedFrames;
class TraceFile;

class Loop {
 public:
  explicit Loop(std::string_view backend = {});
  static kio::Result<std::unique_ptr<Loop>> create(std::string_view backend = {});
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Runs iterations according to `mode`. Returns true if something still keeps the loop alive.
  bool run(RunMode mode = RunMode::kDefault);
  // Makes run() return after the current iteration (callable from a callback).
  void stop();
  // Is there anything left to do: active referenced handles, pending requests, queued
  // immediates/ticks/pending/close callbacks, referenced timers?
  bool alive() const;

  // The loop's clock in milliseconds, cached at the start of each iteration (uv_now).
  uint64_t now() const { return now_ms_; }
  void update_time();
  const char* backend_name() const { return backend_->name(); }

  // ---- timers (timers phase) — loop/timers.cc ----
  // As in Node, a delay below 1 ms is 1 ms. Equal deadlines fire in creation order.
  TimerId set_timeout(uint64_t delay_ms, Callback cb);
  TimerId set_interval(uint64_t interval_ms, Callback cb);
  // Cancels a timer (also from inside its own callback). false if it no longer exists.
  bool clear_timer(TimerId id);
  // Unreferenced timers still fire but do not keep the loop alive (Node's timeout.unref()).
  void unref_timer(TimerId id);
  size_t timer_count() const { return timer_heap_.size(); }
  // The name the watchdog and OSN_TRACE_FILE give this timer's callback (default "timer").
  // `label` must outlive the loop (a string literal, or a string owned by something that does).
  void label_timer(TimerId id, const char* label);

  // ---- queues — loop/task_queues.h (the promises), forwarded from loop.cc ----
  // Runs cb in the check phase. One queued *during* the check phase runs next iteration.
  ImmediateId set_immediate(Callback cb);
  bool clear_immediate(ImmediateId id);
  // Runs cb right after the current callback returns, before any other callback.
  void next_tick(Callback cb);
  // Runs cb in the pending phase of the next iteration (I/O callbacks deferred by a handle).
  void defer_to_pending(Callback cb);
  // Runs cb as a microtask: after the current callback and its ticks (queueMicrotask).
  void queue_microtask(Callback cb);
  // The same for a suspended coroutine frame (how every co_await resumes: loop/task.h), and
  // taking it back when the frame is destroyed first. at_end_of_drain: once both queues are
  // empty (where unhandled rejections are looked for). Loop thread only, all three.
  void queue_resumption(std::coroutine_handle<> frame) { queues_.queue_resumption(frame); }
  void cancel_resumption(std::coroutine_handle<> frame) { queues_.cancel_resumption(frame); }
  bool is_next_microtask(std::coroutine_handle<> frame) const {
    return queues_.is_next_microtask(frame);
  }
  void at_end_of_drain(Callback cb) { queues_.at_end_of_drain(std::move(cb)); }

  // ---- requests (e.g. pool work) keep the loop alive while in flight ----
  void ref_request() { ++active_requests_; }
  void unref_request() { --active_requests_; }
  size_t active_requests() const { return active_requests_; }
  size_t active_handles() const { return active_handles_; }

  // Thread-safe: makes a blocked poll phase return.
  void wakeup() const { wakeup_.notify(); }

  // An optional busy start to a poll phase that may block (the pool's spin-wait,
  // pool/spin_wait.h): called with the poll timeout (never 0) just before the backend waits.
  // It may only wait — make the kernel wait that follows return sooner — never run callbacks.
  void set_before_blocking_poll(std::function<void(int timeout_ms)> spin) {
    before_blocking_poll_ = std::move(spin);
  }

  // ---- attachments: per-loop state that a layer above keeps *in* the loop ----
  // libuv keeps the thread pool's completion queue inside uv_loop_t (wq, wq_mutex, wq_async);
  // we let a layer above attach its own object under a key of its choosing (the address of a
  // static). The loop owns attachments and destroys them first in ~Loop, while every handle
  // they own can still unregister. Loop thread only.
  class Attachment {
   public:
    virtual ~Attachment() = default;
  };
  Attachment* find_attachment(const void* key) const {  // inline: the pool asks per request
    for (const auto& [k, attachment] : attachments_)
      if (k == key) return attachment.get();
    return nullptr;
  }
  Attachment& attach(const void* key, std::unique_ptr<Attachment> attachment);
  // The coroutine frames the loop owns (spawn(): loop/task.h), destroyed first in ~Loop.
  SpawnedFrames& spawned_frames();

  // ---- observability ----
  // Rejections nobody handled (loop/unhandled_rejection.h reports each on stderr).
  void count_unhandled_rejection() { ++unhandled_rejections_; }
  uint64_t unhandled_rejections() const { return unhandled_rejections_; }
  LoopMetrics metrics() const;
  void reset_metrics();
  // Is the caller the owner thread (see "Thread affinity" above)? Callable from any thread.
  bool in_loop_thread() const {
    return std::this_thread::get_id() == owner_.load(std::memory_order_relaxed);
  }
  // Debug builds: abort unless the caller is the owner thread (muduo's assertInLoopThread;
  // layers above call it in their own loop-thread-only entry points). `entry` names the call
  // ("Loop::set_timeout"). Release builds (NDEBUG): nothing.
  void assert_in_loop_thread(const char* entry) const {
#ifndef NDEBUG
    if (!in_loop_thread()) die_off_loop_thread(entry);
#else
    (void)entry;
#endif
  }
  [[noreturn]] void die_off_loop_thread(const char* entry) const;
  uint64_t iteration() const { return iterations_; }

  // ---- who is blocking? (loop/watchdog.h, loop/trace_file.h) ----
  // Names the callback now running (a route: "GET /block"), for OSN_WATCHDOG_MS and
  // OSN_TRACE_FILE; reset before every phase. `label` must outlive the loop. Loop thread.
  void label_callback(const char* label) { activity_.label.store(label, std::memory_order_release); }
  const char* callback_label() const { return activity_.label.load(std::memory_order_relaxed); }
  // The loop running on the calling thread (inside run()), or nullptr: lets a layer that was
  // not handed the loop (http::Router) label the callback it runs.
  static Loop* running_on_this_thread();
  // OSN_WATCHDOG_MS's threshold (0: off) and the last stretch it reported (any thread).
  uint64_t watchdog_ms() const { return watchdog_ms_; }
  WatchdogReport watchdog_report() const { return watchdog_ ? watchdog_->last_report() : WatchdogReport{}; }
  // Around fork(2) from a running loop (a cluster primary respawning a worker): the watchdog's
  // thread is joined before and started again after, in the parent only, so the child starts
  // single-threaded (TSan and POSIX both want that of a child that goes on without exec).
  // Loop thread.
  void stop_threads_for_fork() { if (watchdog_) watchdog_->stop(); }
  void resume_threads_after_fork() { if (watchdog_) watchdog_->resume(); }
  TraceFile* trace_file() const { return trace_file_; }
  // "" or why OSN_WATCHDOG_MS / OSN_TRACE_FILE_MB is refused (a Loop made anyway reports it on
  // stderr and leaves that observer off; a program's main can refuse to start instead).
  static std::string environment_problem();

  // A buffer streams read into; valid only during the read callback (no allocation per read).
  std::span<char> read_buffer() { return read_buffer_; }

  // Runs cb and then drains the next_tick and microtask queues: how every callback is invoked.
  template <class F, class... Args>
  void invoke(F& cb, Args&&... args) {
    cb(std::forward<Args>(args)...);
    drain_ticks_and_microtasks();
  }

 private:
  friend class Handle;
  friend class IoWatcher;
  friend class PhaseHandle;
  friend class Async;
  friend class SignalRouter;
  friend class Signal;
  friend class Stream;
  friend class Listener;

  struct TimerSlot {
    Callback cb;
    uint64_t repeat_ms = 0;
    uint32_t generation = 1;
    bool in_use = false;
    bool refed = true;
    const char* label = "timer";
  };
  struct PollTimeout {
    int ms;
    const char* reason;
  };


  // One iteration, phase by phase (loop.cc). Each phase returns how many callbacks it ran.
  using PhaseFunction = size_t (Loop::*)();
  void run_iteration(RunMode mode);
  size_t run_timers_phase();                                  // timers.cc
  size_t run_pending_phase() { return queues_.run_pending_phase(); }
  size_t run_idle_phase() { return run_phase_handles(idle_handles_); }
  size_t run_prepare_phase() { return run_phase_handles(prepare_handles_); }
  size_t run_poll_phase();
  size_t run_check_phase() { return queues_.run_check_phase() + run_phase_handles(check_handles_); }
  size_t run_close_phase();
  size_t run_phase_handles(std::vector<PhaseHandle*>& list);  // handles.cc
  bool nothing_to_poll() const;
  void invoke_io(IoWatcher* watcher, uint32_t events);
  PollTimeout poll_timeout(RunMode mode) const;
  void drain_ticks_and_microtasks() {
    if (!queues_.nothing_to_drain()) queues_.drain_ticks_and_microtasks();
  }

  // Observing an iteration (loop_trace.cc): run_phase() runs one phase and, only while
  // OSN_TRACE=loop is on, counts and times it; trace_iteration() prints the line. Inline so
  // that the untraced call is a direct call (an empty iteration is ~40 ns: it shows).
  void run_phase(Phase phase, PhaseFunction run) {
    activity_.phase.store(static_cast<uint8_t>(phase), std::memory_order_relaxed);
    activity_.label.store(nullptr, std::memory_order_relaxed);
    if (!observed_) {
      (this->*run)();
      return;
    }
    run_traced_phase(phase, run);
  }
  void run_traced_phase(Phase phase, PhaseFunction run);
  void start_observers();  // OSN_TRACE_FILE, OSN_WATCHDOG_MS
  void trace_iteration();  // prints the line, then zeroes the counts for the next one

  // Timer bookkeeping (timers.cc).
  TimerId add_timer(uint64_t delay_ms, uint64_t repeat_ms, Callback cb);
  TimerSlot* find_timer(TimerId id);
  void fire_timer(uint32_t slot);
  void free_timer_slot(uint32_t slot);

  // Handle registration (handles.cc).
  void add_alive_handles(int delta) { active_handles_ += delta; }
  kio::Status watch_fd(IoWatcher* watcher, bool already_watched, uint32_t interest);
  void unwatch_fd(IoWatcher* watcher);
  void add_phase_handle(PhaseHandle* handle);
  void remove_phase_handle(PhaseHandle* handle);
  std::vector<PhaseHandle*>& phase_list(Phase phase);
  void add_async(Async* async);
  void remove_async(Async* async);
  void run_async_callbacks();
  void queue_close_callback(Callback cb);
  size_t active_idle_handles() const;
  static void compact(std::vector<PhaseHandle*>& list);

  std::unique_ptr<Backend> backend_;
  kio::WakeupChannel wakeup_;
  std::unique_ptr<IoWatcher> wakeup_watcher_;
  std::function<void(int)> before_blocking_poll_;  // see set_before_blocking_poll
  std::atomic<std::thread::id> owner_;  // see "Thread affinity"; read from any thread
  uint64_t now_ms_ = 0;
  bool stop_requested_ = false;
  size_t active_handles_ = 0;
  size_t active_requests_ = 0;

  // timers
  TimerHeap timer_heap_;
  std::vector<TimerSlot> timer_slots_;
  std::vector<uint32_t> free_timer_slots_;
  uint64_t timer_sequence_ = 0;
  size_t refed_timers_ = 0;

  // queues: next_tick, immediates, pending (task_queues.h); close callbacks (handles.cc)
  TaskQueues queues_;
  std::vector<Callback> closing_;

  // registered handles (nullptr = removed; compacted between phases)
  std::vector<IoWatcher*> watchers_;  // indexed by fd
  size_t watched_fds_ = 0;            // non-null entries of watchers_
  std::vector<PhaseHandle*> idle_handles_, prepare_handles_, check_handles_;
  std::vector<Async*> asyncs_;
  std::unique_ptr<SignalRouter> signals_;
  std::vector<std::pair<const void*, std::unique_ptr<Attachment>>> attachments_;
  std::unique_ptr<SpawnedFrames> spawned_frames_;

  std::vector<ReadyEvent> ready_;  // reused by every poll phase
  std::vector<char> read_buffer_;

  // observability
  uint64_t iterations_ = 0;
  uint64_t unhandled_rejections_ = 0;
  LatencyHistogram lag_;
  uint64_t metrics_start_ns_ = 0;  // utilization = 1 - idle / (now - start)
  uint64_t idle_ns_ = 0;
  FILE* trace_ = nullptr;  // stderr when OSN_TRACE contains "loop"
  PollTimeout poll_timeout_ = {0, ""};  // this iteration's, for run_poll_phase and the trace
  bool observed_ = false;  // OSN_TRACE=loop or OSN_TRACE_FILE: run_phase takes the traced path
  TraceFile* trace_file_ = nullptr;  // OSN_TRACE_FILE (process-wide, loop/trace_file.h)
  bool opened_trace_file_ = false;   // this loop opened it: finishes it when destroyed
  LoopActivity activity_;            // footprints for the watchdog (any thread reads)
  uint64_t watchdog_ms_ = 0;            // OSN_WATCHDOG_MS (0: off)
  std::unique_ptr<Watchdog> watchdog_;  // started by the first run(): see start_observers
  size_t phase_counts_[kPhaseCount] = {};  // this iteration's, only while tracing
  uint64_t phase_ns_[kPhaseCount] = {};
};

}  // namespace osn::loop
