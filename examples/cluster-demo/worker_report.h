// examples/cluster-demo/worker_report.h — what each worker tells the dashboard, and what it
// does when the dashboard asks.
//
// Every kReportIntervalMs a timer on the worker's loop sends one small message to the primary
// (demo.report: a dozen numbers, ~200 bytes) — bounded and cheap, so watching a worker does
// not slow it. The timer doubles as the lag probe (as Node's monitorEventLoopDelay does): it
// fires late by exactly as long as some callback held the loop. Utilization is the share of
// the interval the loop was not waiting in the kernel; the pool's numbers are pool_stats().
// From the primary it takes demo.block ms=N (burn CPU on this loop: the lesson) and
// demo.offload ms=N (the same work on the pool). docs/observability.md.
// Ownership: owned by the DemoApp; borrows the context and the server. Loop thread only.
#pragma once

#include <cstdint>

#include "cluster/worker.h"
#include "http/server.h"

namespace osn::demo {

inline constexpr uint64_t kReportIntervalMs = 250;

class WorkerReport {
 public:
  WorkerReport(cluster::WorkerContext& ctx, const http::Server& server);
  ~WorkerReport();
  WorkerReport(const WorkerReport&) = delete;
  WorkerReport& operator=(const WorkerReport&) = delete;

 private:
  void send_report();
  void obey(const cluster::Message& message);

  cluster::WorkerContext& ctx_;
  const http::Server& server_;
  loop::TimerId timer_ = 0;
  uint64_t due_ns_ = 0;  // when the report timer should fire next
  uint64_t last_busy_ns_ = 0, last_idle_ns_ = 0;
};

}  // namespace osn::demo
