// examples/cluster-demo/dashboard.h — the primary's live view of its workers, for a browser.
//
// The primary is the only process that knows every worker, so the dashboard's data comes from
// it: each worker sends demo.report over its channel every 250 ms (worker_report.h); the
// primary keeps the last one per worker and, as often, pushes one JSON snapshot of the whole
// cluster to every browser watching, as Server-Sent Events — one long chunked response,
// `data: {...}` per snapshot (GET /events). The browser's EventSource reconnects by itself
// when the stream ends (a restarted primary). Buttons POST /action?do=block|offload|kill|
// restart&worker=ID&ms=N. The page (static/dashboard.html) is served here and at / of every
// worker. The dashboard is a separate small HTTP server on the primary's loop, on
// DASHBOARD_PORT (default PORT+1) — the cluster layer itself still speaks no HTTP; this
// program wires the two. A watcher that does not read is dropped, never waited for.
// Ownership: attached to the primary's loop (destroyed with it). Thread affinity: that loop.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cluster/message.h"
#include "cluster/primary.h"
#include "http/router.h"
#include "http/server.h"

namespace osn::demo {

// Starts the dashboard for `primary` (call before primary.start(): workers inherit its
// address). "" or why it could not (a refused DASHBOARD_PORT, a port in use).
std::string start_dashboard(cluster::Primary& primary, const std::string& static_folder);

// "http://127.0.0.1:8081" once start_dashboard succeeded in this process or the primary that
// forked it; "" otherwise. Set once before the workers are forked, read-only after.
const std::string& dashboard_origin();

// The page with its data source filled in (the placeholder __OSN_DASHBOARD__ -> origin).
std::string dashboard_page(std::string html, const std::string& origin);

class Dashboard : public loop::Loop::Attachment {
 public:
  Dashboard(cluster::Primary& primary, std::string page, uint16_t port);
  ~Dashboard() override;
  kio::Status listen() { return server_.listen(); }
  uint16_t port() const { return server_.port(); }

 private:
  struct Report {
    cluster::Message fields;
    uint64_t at_ms = 0;
  };
  struct Exit {
    int id = 0;
    pid_t pid = 0;
    std::string how;
    uint64_t at_ms = 0;
  };
  void add_routes();
  void subscribe(http::Response& response);
  void act(const http::Request& request, http::Response& response);
  void push_snapshot();
  std::string snapshot() const;
  std::string worker_json(const cluster::WorkerInfo& w) const;

  cluster::Primary& primary_;
  std::string page_;
  http::Router router_;
  http::Server server_;
  std::vector<http::ResponseHandle> watchers_;
  std::map<int, Report> reports_;  // worker id -> its last demo.report
  std::deque<Exit> exits_;         // the last few
  uint64_t exits_total_ = 0, kills_ = 0;
  loop::TimerId timer_ = 0;
};

}  // namespace osn::demo
