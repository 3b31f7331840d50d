// examples/cluster-demo/worker_report.cc — the report timer and the dashboard's two commands.
#include "examples/cluster-demo/worker_report.h"

#include <memory>

#include "examples/cluster-demo/cpu_work.h"
#include "kernel-io/clock.h"
#include "pool/queue_work.h"
#include "pool/work_queue.h"

namespace osn::demo {

WorkerReport::WorkerReport(cluster::WorkerContext& ctx, const http::Server& server) : ctx_(ctx), server_(server) {
  loop::Loop& loop = ctx_.loop();
  due_ns_ = kio::monotonic_ns() + kReportIntervalMs * 1'000'000u;
  timer_ = loop.set_interval(kReportIntervalMs, [this] { send_report(); });
  loop.label_timer(timer_, "dashboard report");
  loop.unref_timer(timer_);  // reporting alone does not keep a stopping worker alive
  ctx_.on_message([this](const cluster::Message& m) { obey(m); });
}

WorkerReport::~WorkerReport() { ctx_.loop().clear_timer(timer_); }

void WorkerReport::send_report() {
  const uint64_t now = kio::monotonic_ns();
  const uint64_t lag_us = now > due_ns_ ? (now - due_ns_) / 1000 : 0;
  due_ns_ = now + kReportIntervalMs * 1'000'000u;
  const loop::LoopMetrics m = ctx_.loop().metrics();
  const uint64_t busy = m.busy_ns - last_busy_ns_, idle = m.idle_ns - last_idle_ns_;
  last_busy_ns_ = m.busy_ns;
  last_idle_ns_ = m.idle_ns;
  const pool::PoolStats p = pool::pool_stats();
  const loop::WatchdogReport w = ctx_.loop().watchdog_report();
  cluster::Message report("demo.report");
  report.set_int("lag_us", static_cast<int64_t>(lag_us))
      .set_int("util_pm", busy + idle ? static_cast<int64_t>(busy * 1000 / (busy + idle)) : 0)
      .set_int("open", static_cast<int64_t>(server_.stats().connections_current))
      .set_int("pool_threads", static_cast<int64_t>(p.threads_running))
      .set_int("queued", static_cast<int64_t>(p.queued))
      .set_int("running", static_cast<int64_t>(p.running))
      .set_int("completed", static_cast<int64_t>(p.completed))
      .set_int("wait_p99_us", static_cast<int64_t>(p.wait_p99_ns / 1000))
      .set_int("wd_ms", static_cast<int64_t>(ctx_.loop().watchdog_ms()))
      .set_int("wd_count", static_cast<int64_t>(w.count))
      .set_int("wd_blocked_ms", static_cast<int64_t>(w.blocked_ms))
      .set("wd_label", w.label);
  (void)ctx_.send(report);  // false under backpressure: this one is dropped, the next is fresh
}

// demo.block / demo.offload ms=N, N in 1..kMaxWorkMs (the primary checked; check again).
void WorkerReport::obey(const cluster::Message& message) {
  const int64_t ms = message.get_int("ms").value_or(0);
  if (ms < 1 || ms > static_cast<int64_t>(kMaxWorkMs)) return;
  if (message.type() == "demo.block") {
    ctx_.loop().label_callback("dashboard: block");
    (void)burn_cpu(static_cast<uint64_t>(ms));  // the loop thread itself: nothing else runs
  } else if (message.type() == "demo.offload") {
    ctx_.loop().label_callback("dashboard: offload");
    pool::queue_work(ctx_.loop(), [ms] { (void)burn_cpu(static_cast<uint64_t>(ms)); }, [](kio::Status) {});
  }
}

}  // namespace osn::demo
