// loop/watchdog.h — a second thread that notices when the loop's only thread is stuck.
//
// The seed note's warning — CPU-bound work on the event loop blocks every other request — is
// invisible from inside the loop: a blocked thread cannot report that it is blocked. So the
// loop leaves footprints in a few atomics (LoopActivity: when it last came back from the
// poll phase's kernel wait, which phase it is in, the label of the callback it runs) and a
// watchdog thread looks at them every threshold/4. When the loop has not returned to poll for
// OSN_WATCHDOG_MS, it prints, once per stretch:
//   osnode watchdog (pid 41): loop blocked 230 ms in phase poll, callback GET /block
// and, when the loop is back, how long the stretch lasted. The loop pays two relaxed stores
// per iteration and one per phase and callback — no lock, no system call. docs/observability.md.
// Ownership: the Loop owns its Watchdog (made when OSN_WATCHDOG_MS is set). Thread affinity:
// the watchdog's own thread reads the activity; last_report() may be called from any thread.
#pragma once

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace osn::loop {

// What the loop thread writes and the watchdog reads: footprints, never a lock.
struct LoopActivity {
  std::atomic<uint64_t> busy_since_ns{0};  // monotonic ns it left the poll wait; 0: waiting or stopped
  std::atomic<uint8_t> phase{0};           // a Phase, as a number
  std::atomic<const char*> label{nullptr}; // the running callback's label; must outlive the loop
};

// One stretch the watchdog saw: ongoing while the loop is still away from poll.
struct WatchdogReport {
  uint64_t count = 0;       // stretches reported so far in this loop
  uint64_t blocked_ms = 0;  // how long (so far, if ongoing)
  std::string phase;        // where the loop was when first noticed
  std::string label;        // which callback ("unlabelled" if none said)
  bool ongoing = false;
};

class Watchdog {
 public:
  using Reporter = std::function<void(const std::string& line)>;
  // Starts the thread (named osn-watchdog). `report` runs on that thread; default: stderr.
  Watchdog(const LoopActivity& activity, uint64_t threshold_ms, Reporter report = {});
  ~Watchdog();  // stops and joins the thread
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  uint64_t threshold_ms() const { return threshold_ms_; }
  WatchdogReport last_report() const;  // any thread

  // Around fork(2): stop() joins the thread, so the child is forked from a process with one
  // thread (a child of a multi-threaded parent may only make async-signal-safe calls until it
  // execs, and TSan refuses its threads); resume() starts it again in the parent. The reports
  // so far are kept. Called by the thread that owns the watchdog (the loop's).
  void stop();
  void resume();

 private:
  static void* thread_main(void* self);
  void watch();
  void check(uint64_t now_ns);

  const LoopActivity& activity_;
  const uint64_t threshold_ms_;
  Reporter report_;
  uint64_t reported_stretch_ = 0;  // busy_since_ns of the stretch already reported (watchdog thread)
  WatchdogReport last_;            // guarded by mutex_
  mutable pthread_mutex_t mutex_ = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t wake_;            // signalled by the destructor
  bool stopping_ = false;          // guarded by mutex_
  pthread_t thread_{};
  bool started_ = false;
};

// OSN_WATCHDOG_MS: unset or empty -> 0 (off); else a whole number 1..3600000. A refused value
// gives 0 and `problem` = "OSN_WATCHDOG_MS=abc: expected ...".
uint64_t watchdog_ms_from_environment(std::string* problem);
std::string parse_watchdog_ms(std::string_view text, uint64_t* out);

}  // namespace osn::loop
