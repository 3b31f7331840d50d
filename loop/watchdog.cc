// loop/watchdog.cc — the watchdog thread: sleep threshold/4, look at the footprints, report.
//
// A stretch is identified by the busy_since_ns value it started with: the loop writes a new
// value each time it comes back from the poll wait, so "the same value, threshold ms old"
// means "has not come back since". The thread sleeps on a condition variable with a deadline
// (pthread_cond_timedwait on CLOCK_MONOTONIC) so the destructor can wake it at once.
#include "loop/watchdog.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "kernel-io/clock.h"
#include "loop/loop.h"

namespace osn::loop {

namespace {
constexpr uint64_t kMaxWatchdogMs = 3'600'000;

timespec deadline_after(uint64_t ms) {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t ns = static_cast<uint64_t>(ts.tv_nsec) + (ms % 1000) * 1'000'000u;
  ts.tv_sec += static_cast<time_t>(ms / 1000 + ns / 1'000'000'000u);
  ts.tv_nsec = static_cast<long>(ns % 1'000'000'000u);
  return ts;
}
}  // namespace

std::string parse_watchdog_ms(std::string_view text, uint64_t* out) {
  uint64_t value = 0;
  bool ok = !text.empty() && text.size() <= 7;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    else value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || value < 1 || value > kMaxWatchdogMs)
    return "OSN_WATCHDOG_MS=" + std::string(text) +
           ": expected a whole number of milliseconds from 1 to 3600000 (unset it to turn the watchdog off)";
  *out = value;
  return "";
}

uint64_t watchdog_ms_from_environment(std::string* problem) {
  const char* text = std::getenv("OSN_WATCHDOG_MS");
  if (text == nullptr || *text == '\0') return 0;
  uint64_t ms = 0;
  std::string why = parse_watchdog_ms(text, &ms);
  if (problem) *problem = why;
  return why.empty() ? ms : 0;
}

Watchdog::Watchdog(const LoopActivity& activity, uint64_t threshold_ms, Reporter report)
    : activity_(activity), threshold_ms_(threshold_ms), report_(std::move(report)) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&wake_, &attr);
  pthread_condattr_destroy(&attr);
  if (!report_) report_ = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  resume();
}

Watchdog::~Watchdog() {
  stop();
  pthread_cond_destroy(&wake_);
  pthread_mutex_destroy(&mutex_);
}

void Watchdog::stop() {
  if (!started_) return;
  pthread_mutex_lock(&mutex_);
  stopping_ = true;
  pthread_cond_signal(&wake_);
  pthread_mutex_unlock(&mutex_);
  pthread_join(thread_, nullptr);
  started_ = false;
}

void Watchdog::resume() {
  if (started_) return;
  pthread_mutex_lock(&mutex_);
  stopping_ = false;
  pthread_mutex_unlock(&mutex_);
  started_ = pthread_create(&thread_, nullptr, &Watchdog::thread_main, this) == 0;
  if (!started_) std::fprintf(stderr, "osnode watchdog: pthread_create failed; the watchdog is off\n");
}

WatchdogReport Watchdog::last_report() const {
  pthread_mutex_lock(&mutex_);
  WatchdogReport copy = last_;
  pthread_mutex_unlock(&mutex_);
  return copy;
}

void* Watchdog::thread_main(void* self) {
  pthread_setname_np(pthread_self(), "osn-watchdog");
  static_cast<Watchdog*>(self)->watch();
  return nullptr;
}

void Watchdog::watch() {
  const uint64_t period_ms = threshold_ms_ / 4 > 0 ? threshold_ms_ / 4 : 1;
  pthread_mutex_lock(&mutex_);
  while (!stopping_) {
    timespec until = deadline_after(period_ms);
    while (!stopping_ && pthread_cond_timedwait(&wake_, &mutex_, &until) != ETIMEDOUT) {
    }
    if (stopping_) break;
    pthread_mutex_unlock(&mutex_);
    check(kio::monotonic_ns());
    pthread_mutex_lock(&mutex_);
  }
  pthread_mutex_unlock(&mutex_);
}

// One look. Reporting (formatting, the reporter) happens outside the mutex.
void Watchdog::check(uint64_t now_ns) {
  const uint64_t since = activity_.busy_since_ns.load(std::memory_order_acquire);
  const std::string pid = std::to_string(static_cast<int>(::getpid()));
  if (reported_stretch_ != 0 && since != reported_stretch_) {  // back to poll: say for how long
    pthread_mutex_lock(&mutex_);
    last_.ongoing = false;
    last_.blocked_ms = (now_ns - reported_stretch_) / 1'000'000u;
    WatchdogReport done = last_;
    pthread_mutex_unlock(&mutex_);
    reported_stretch_ = 0;
    report_("osnode watchdog (pid " + pid + "): loop back to poll after about " +
            std::to_string(done.blocked_ms) + " ms (phase " + done.phase + ", callback " + done.label + ")");
  }
  if (since == 0 || since == reported_stretch_ || now_ns < since) return;
  const uint64_t blocked_ms = (now_ns - since) / 1'000'000u;
  if (blocked_ms < threshold_ms_) return;
  const char* label = activity_.label.load(std::memory_order_acquire);
  const Phase phase = static_cast<Phase>(activity_.phase.load(std::memory_order_relaxed));
  WatchdogReport now;
  now.blocked_ms = blocked_ms;
  now.phase = phase < Phase::kCount ? phase_name(phase) : "?";
  now.label = label != nullptr ? label : "unlabelled";
  now.ongoing = true;
  pthread_mutex_lock(&mutex_);
  now.count = last_.count + 1;
  last_ = now;
  pthread_mutex_unlock(&mutex_);
  reported_stretch_ = since;
  report_("osnode watchdog (pid " + pid + "): loop blocked " + std::to_string(blocked_ms) + " ms in phase " +
          now.phase + ", callback " + now.label);
}

}  // namespace osn::loop
