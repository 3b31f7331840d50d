// loop/loop_trace.cc — watching the loop work: OSN_TRACE=loop and Loop::metrics().
//
// run_iteration() (loop.cc) calls each phase through run_phase() (loop.h). Without tracing
// that is the call and nothing more: two clock reads per phase would otherwise be most of the cost
// of an iteration that has little to do. With OSN_TRACE=loop each phase is counted and
// timed, and trace_iteration() prints one line per iteration (docs/loop.md section 9):
//   [loop epoll] iteration 1: timers=0(0.000ms) ... poll_timeout=0(immediates queued) ...
// metrics() reports lag (recorded by the timers phase) and utilization (the poll phase adds
// the time it blocked to idle_ns_).
#include <cstdio>
#include <cstdlib>

#include "kernel-io/clock.h"
#include "loop/loop.h"
#include "loop/trace_file.h"

namespace osn::loop {

// OSN_TRACE_FILE and OSN_WATCHDOG_MS, read once per loop. A refused value is reported and
// leaves that observer off (programs that want to refuse to start check the same functions
// first: watchdog_ms_from_environment, TraceFile::process).
void Loop::start_observers() {
  std::string problem;
  trace_file_ = TraceFile::process(&problem);
  if (!problem.empty()) std::fprintf(stderr, "osnode: %s; tracing to a file is off\n", problem.c_str());
  if (trace_file_ && trace_file_->claim()) {  // the first loop of the process finishes the file
    opened_trace_file_ = true;
    trace_file_->name_this_thread("event loop");
  }
  problem.clear();
  // The thread itself starts with the first run(), not here: a cluster primary builds its
  // loop, forks its workers, then runs — and a fork with no extra thread alive is the simple
  // case (ThreadSanitizer refuses a child of a multi-threaded parent that makes threads).
  watchdog_ms_ = watchdog_ms_from_environment(&problem);
  if (!problem.empty()) std::fprintf(stderr, "osnode: %s; the watchdog is off\n", problem.c_str());
  observed_ = trace_ != nullptr || trace_file_ != nullptr;
}

std::string Loop::environment_problem() {
  std::string problem;
  (void)watchdog_ms_from_environment(&problem);
  if (!problem.empty()) return problem;
  uint64_t mb = 0;
  if (const char* limit = std::getenv("OSN_TRACE_FILE_MB"); limit != nullptr && *limit != '\0')
    problem = parse_trace_file_mb(limit, &mb);
  return problem;
}

void Loop::run_traced_phase(Phase phase, PhaseFunction run) {
  const size_t p = static_cast<size_t>(phase);
  uint64_t start = kio::monotonic_ns();
  const size_t ran = (this->*run)();
  uint64_t end = kio::monotonic_ns();
  phase_counts_[p] += ran;
  phase_ns_[p] += end - start;
  if (trace_file_ && ran > 0) trace_file_->complete(phase_name(phase), "phase", start, end);
  if (trace_ == nullptr) phase_counts_[p] = phase_ns_[p] = 0;  // only the file wants this phase
}

void Loop::trace_iteration() {
  std::fprintf(trace_, "[loop %s] iteration %llu:", backend_->name(),
               static_cast<unsigned long long>(iterations_));
  for (size_t p = 0; p < kPhaseCount; ++p) {
    std::fprintf(trace_, " %s=%zu(%.3fms)", phase_name(static_cast<Phase>(p)), phase_counts_[p],
                 static_cast<double>(phase_ns_[p]) / 1e6);
    if (p == static_cast<size_t>(Phase::kPrepare))
      std::fprintf(trace_, " poll_timeout=%d(%s)", poll_timeout_.ms, poll_timeout_.reason);
  }
  std::fputc('\n', trace_);
  for (size_t p = 0; p < kPhaseCount; ++p) phase_counts_[p] = phase_ns_[p] = 0;  // afresh
}

LoopMetrics Loop::metrics() const {
  LoopMetrics m;
  m.iterations = iterations_;
  m.lag_samples = lag_.count();
  m.lag_p50_ns = lag_.percentile(0.50);
  m.lag_p99_ns = lag_.percentile(0.99);
  m.lag_max_ns = lag_.max();
  uint64_t total = kio::monotonic_ns() - metrics_start_ns_;
  m.idle_ns = idle_ns_ < total ? idle_ns_ : total;
  m.busy_ns = total - m.idle_ns;
  m.utilization = total ? static_cast<double>(m.busy_ns) / static_cast<double>(total) : 0.0;
  return m;
}

void Loop::reset_metrics() {
  lag_.reset();
  idle_ns_ = 0;
  metrics_start_ns_ = kio::monotonic_ns();
}

}  // namespace osn::loop
