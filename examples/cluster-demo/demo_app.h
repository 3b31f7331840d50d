// examples/cluster-demo/demo_app.h — what each worker of the demo runs: an HTTP server.
//
// Every worker process builds its own DemoApp: its own http::Server, its own counters, its own
// memory. cluster::serve_connections (cluster/serve.h) hands it the worker's connections
// (serve(), in every SCHED mode: rr brings them over SCM_RIGHTS, shared/reuseport accept them
// in this worker) and calls shutdown() when the primary stops the worker. The endpoints are lessons from the seed note; the table is
// in docs/cluster.md, "The demo":
//   /hello /whoami /counter /block?ms=N /offload?ms=N /stats /cluster /echo /static/NAME
// Ownership: serve_connections keeps the app alive for the worker's life; the app borrows the
// context. Thread affinity: the worker's loop thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "cluster/worker.h"
#include "examples/cluster-demo/shared_routes.h"
#include "http/router.h"
#include "http/server.h"
#include "examples/cluster-demo/worker_report.h"

namespace osn::demo {

class DemoApp {
 public:
  DemoApp(cluster::WorkerContext& ctx, std::string static_folder);
  DemoApp(const DemoApp&) = delete;
  DemoApp& operator=(const DemoApp&) = delete;

  void serve(kio::Fd connection) { server_.serve(std::move(connection)); }
  void shutdown() {
    server_.shutdown();
    shared_.shutdown();  // the Redis connections, so the loop can run dry
  }

 private:
  void handle(const http::Request& request, http::Response& response);
  void add_routes();

  void whoami(http::Response& response);
  void counter(http::Response& response);
  void block(const http::Request& request, http::Response& response);
  void offload(const http::Request& request, http::Response& response);
  void stats(http::Response& response);
  void cluster_table(http::Response& response);
  void serve_static(const http::Request& request, http::Response& response);
  void serve_dashboard(http::Response& response);  // GET /: dashboard.cc's page

  cluster::WorkerContext& ctx_;
  std::string static_folder_;
  http::Router router_;
  SharedRoutes shared_;  // /login /me /logout /pubsub /counter?shared=1 (shared_routes.h)
  http::Server server_;
  uint64_t counter_ = 0;     // GET /counter: this worker's heap, nobody else's
  uint64_t requests_ = 0;    // every request this worker answered
  std::unique_ptr<WorkerReport> report_;  // the dashboard's numbers (worker_report.h)
};

}  // namespace osn::demo
