// examples/cluster-demo/demo_app.cc — the demo's endpoints. See demo_app.h and
// docs/cluster.md ("The demo") for what each one shows.
#include "examples/cluster-demo/demo_app.h"

#include <dirent.h>

#include <memory>

#include "examples/cluster-demo/cpu_work.h"
#include "examples/cluster-demo/dashboard.h"
#include "examples/cluster-demo/json.h"
#include "examples/cluster-demo/static_files.h"
#include "examples/cluster-demo/upload_route.h"
#include "pool/fs.h"
#include "pool/fs_beneath.h"
#include "pool/queue_work.h"
#include "pool/work_queue.h"

namespace osn::demo {
namespace {

constexpr std::string_view kStaticPrefix = "/static/";

// Threads of this process as the kernel lists them (/proc/self/task: what `ps -L` shows);
// -1 where there is no /proc.
int64_t threads_in_process() {
  DIR* d = ::opendir("/proc/self/task");
  if (d == nullptr) return -1;
  int64_t n = 0;
  while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n;
}

void answer(http::Response& response, int status, std::string_view type, std::string_view body) {
  response.set_status(status);
  response.add_header("Content-Type", type);
  response.end(body);
}

void answer_json(http::Response& response, const std::string& json) {
  answer(response, 200, "application/json", json);
}

void answer_error(http::Response& response, int status, std::string_view reason) {
  answer(response, status, "text/plain; charset=utf-8", std::string(reason) + "\n");
}

void answer_hello(const http::Request&, http::Response& response) {
  response.add_header("Content-Type", "text/plain");
  response.end("Hello, World!");
}

void answer_echo(const http::Request& request, http::Response& response) {
  std::string_view type = request.header("Content-Type");
  answer(response, 200, type.empty() ? "application/octet-stream" : type, request.body);
}

void answer_index(const http::Request&, http::Response& response) {
  answer(response, 200, "text/plain; charset=utf-8",
         "osnode cluster demo. Try:\n"
         "  GET  /hello          Hello, World! (the benchmark endpoint)\n"
         "  GET  /whoami         which worker process answered\n"
         "  GET  /counter        a counter in this worker's memory (not shared)\n"
         "  GET  /block?ms=N     CPU work on the event loop: this worker stops answering\n"
         "  GET  /offload?ms=N   the same work on the thread pool: the loop stays free\n"
         "  GET  /stats          this worker: requests, loop lag, pool queue\n"
         "  GET  /cluster        every worker, asked from the primary over IPC\n"
         "  POST /echo           returns the body\n"
         "  POST /upload         streams the body through SHA-256 on the pool (never held whole)\n"
         "  GET  /login?user=NAME, /me, /logout   a session in STORE (memory: this worker's only)\n"
         "  GET  /counter?shared=1                one count for every worker (STORE=redis://...)\n"
         "  GET  /pubsub         the logins every worker heard over Redis pub/sub (STORE=redis://...)\n"
         "  GET  /static/index.html\n");
}

}  // namespace

DemoApp::DemoApp(cluster::WorkerContext& ctx, std::string static_folder)
    : ctx_(ctx),
      static_folder_(std::move(static_folder)),
      shared_(ctx),
      server_(ctx.loop(), http::ServerOptions{},
              [this](const http::Request& request, http::Response& response) { handle(request, response); }) {
  add_routes();
  // POST /upload takes its body as a stream (upload_route.h); every other body is collected.
  server_.stream_bodies(router_.stream_wanted(), [this](const http::Request& q, http::Response& r, http::BodyStream& b) {
    ++requests_;
    ctx_.count_request();
    router_.route_stream(q, r, b);
  });
  report_ = std::make_unique<WorkerReport>(ctx_, server_);
}

void DemoApp::add_routes() {
  router_.get("/", [this](const http::Request&, http::Response& r) { serve_dashboard(r); });
  router_.get("/help", answer_index);
  router_.get("/hello", answer_hello);
  router_.get("/whoami", [this](const http::Request&, http::Response& r) { whoami(r); });
  router_.get("/counter", [this](const http::Request& q, http::Response& r) {
    if (SharedRoutes::wants_shared_counter(q.query)) return shared_.shared_counter(r);
    counter(r);
  });
  router_.get("/block", [this](const http::Request& q, http::Response& r) { block(q, r); });
  router_.get("/offload", [this](const http::Request& q, http::Response& r) { offload(q, r); });
  router_.get("/stats", [this](const http::Request&, http::Response& r) { stats(r); });
  router_.get("/cluster", [this](const http::Request&, http::Response& r) { cluster_table(r); });
  router_.post("/echo", answer_echo);
  router_.stream("POST", "/upload", [this](const http::Request& q, http::Response& r, http::BodyStream& b) {
    stream_upload(ctx_.loop(), q, r, b);
  });
  shared_.add_routes(router_);
}

// Every request: count it for this worker and for the primary's table, then route it.
void DemoApp::handle(const http::Request& request, http::Response& response) {
  ++requests_;
  ctx_.count_request();
  if (request.path.starts_with(kStaticPrefix)) {
    serve_static(request, response);
  } else {
    router_.route(request, response);
  }
}

void DemoApp::whoami(http::Response& response) {
  answer_json(response, JsonObject().add("worker", ctx_.id()).add("pid", static_cast<int64_t>(ctx_.pid())).str());
}

void DemoApp::counter(http::Response& response) {
  ++counter_;
  answer_json(response, JsonObject().add("pid", static_cast<int64_t>(ctx_.pid())).add("count", counter_).str());
}

// The loop thread itself does the work: no other callback of this worker runs meanwhile.
void DemoApp::block(const http::Request& request, http::Response& response) {
  uint64_t ms = 0;
  if (std::string problem = parse_work_ms(request.query, &ms); !problem.empty()) {
    return answer_error(response, 400, problem);
  }
  const uint64_t rounds = burn_cpu(ms);
  answer_json(response, JsonObject()
                            .add("pid", static_cast<int64_t>(ctx_.pid()))
                            .add("ms", ms)
                            .add("rounds", rounds)
                            .add("where", "event loop (blocked)")
                            .str());
}

// The same work on a pool thread; the handler returns at once and answers from after_work.
void DemoApp::offload(const http::Request& request, http::Response& response) {
  uint64_t ms = 0;
  if (std::string problem = parse_work_ms(request.query, &ms); !problem.empty()) {
    return answer_error(response, 400, problem);
  }
  auto rounds = std::make_shared<uint64_t>(0);  // written on the pool thread, read after
  http::ResponseHandle later = response.handle();
  pool::queue_work(
      ctx_.loop(), [ms, rounds] { *rounds = burn_cpu(ms); },
      [this, later, ms, rounds](kio::Status status) {
        http::Response* r = later.get();
        if (r == nullptr) return;  // the client hung up meanwhile
        if (!status.ok()) return answer_error(*r, 500, status.error().message());
        answer_json(*r, JsonObject()
                            .add("pid", static_cast<int64_t>(ctx_.pid()))
                            .add("ms", ms)
                            .add("rounds", *rounds)
                            .add("where", "thread pool (loop stayed free)")
                            .str());
      });
}

void DemoApp::stats(http::Response& response) {
  const loop::LoopMetrics m = ctx_.loop().metrics();
  const pool::PoolStats p = pool::pool_stats();
  const http::ServerStats& s = server_.stats();
  JsonObject lag;
  lag.add("p50_us", m.lag_p50_ns / 1000).add("p99_us", m.lag_p99_ns / 1000).add("max_us", m.lag_max_ns / 1000);
  // The pool starts its threads at first use: until then threads_running is 0 and `ps -L`
  // shows only the loop thread, whatever the configured size says.
  JsonObject pool;
  pool.add("threads_configured", static_cast<uint64_t>(p.threads))
      .add("threads_running", static_cast<uint64_t>(p.threads_running))
      .add("threads_start", "on first use")
      .add("queued", static_cast<uint64_t>(p.queued))
      .add("running", static_cast<uint64_t>(p.running))
      .add("completed", p.completed);
  answer_json(response, JsonObject()
                            .add("worker", ctx_.id())
                            .add("pid", static_cast<int64_t>(ctx_.pid()))
                            .add("requests", requests_)
                            .add("connections", ctx_.connections())
                            .add("connections_open", s.connections_current)
                            .add("process_threads", threads_in_process())
                            .add("loop_iterations", m.iterations)
                            .add("loop_utilization_pct", static_cast<uint64_t>(m.utilization * 100.0 + 0.5))
                            .add_raw("loop_lag", lag.str())
                            .add_raw("pool", pool.str())
                            .str());
}

// Only the primary knows every worker: ask it over the channel, answer when it replies. The
// counts are each worker's last report (sent every stats_interval_ms): this worker's own row
// is current, the others lag by up to one interval — each row says how old it is.
void DemoApp::cluster_table(http::Response& response) {
  http::ResponseHandle later = response.handle();
  const uint64_t interval_ms = ctx_.settings().stats_interval_ms;
  ctx_.query_cluster([later, interval_ms, me = ctx_.id()](std::vector<cluster::WorkerInfo> rows) {
    http::Response* r = later.get();
    if (r == nullptr) return;
    if (rows.empty()) return answer_error(*r, 503, "the primary did not answer (shutting down?)");
    std::string list = "[";
    for (const cluster::WorkerInfo& w : rows) {
      if (list.size() > 1) list += ',';
      list += JsonObject()
                  .add("worker", w.id)
                  .add("slot", static_cast<uint64_t>(w.slot))
                  .add("pid", static_cast<int64_t>(w.pid))
                  .add("state", cluster::worker_state_name(w.state))
                  .add("connections", w.connections)
                  .add("requests", w.requests)
                  .add("restarts", w.restarts)
                  .add_raw("report_age_ms", w.report_age_ms == cluster::kNeverReported
                                                ? std::string("null")
                                                : std::to_string(w.report_age_ms))
                  .str();
    }
    answer_json(*r, JsonObject()
                        .add("answered_by", me)
                        .add("report_interval_ms", interval_ms)
                        .add("counts", "each worker's last report, report_age_ms old; answered_by's row is current")
                        .add_raw("workers", list + "]")
                        .str());
  });
}

void DemoApp::serve_static(const http::Request& request, http::Response& response) {
  if (request.method != "GET" && request.method != "HEAD") {
    response.add_header("Allow", "GET, HEAD");
    return answer_error(response, 405, "method not allowed");
  }
  std::string_view name = request.path.substr(kStaticPrefix.size());
  if (name.empty()) name = "index.html";
  if (!is_safe_static_name(name)) return answer_error(response, 403, "refused: not a plain file name");
  http::ResponseHandle later = response.handle();
  std::string_view type = content_type_for(name);
  // Opened beneath the folder: a symbolic link in it pointing out is refused (pool/fs_beneath.h).
  pool::fs::read_file_beneath(ctx_.loop(), static_folder_, std::string(name),
                              [later, type](kio::Result<std::string> text) {
                                http::Response* r = later.get();
                                if (r == nullptr) return;
                                if (!text) {
                                  const bool missing = text.error().is(ENOENT);
                                  return answer_error(*r, missing ? 404 : 403,
                                                      missing ? "no such file" : "refused: not a file inside the static folder");
                                }
                                answer(*r, 200, type, *text);
                              });
}

// The dashboard page, its data source pointed at the primary's dashboard server.
void DemoApp::serve_dashboard(http::Response& response) {
  http::ResponseHandle later = response.handle();
  pool::fs::read_file(ctx_.loop(), static_folder_ + "/dashboard.html", [later](kio::Result<std::string> html) {
    http::Response* r = later.get();
    if (r == nullptr) return;
    if (!html) return answer_error(*r, 500, "cannot read dashboard.html");
    answer(*r, 200, "text/html; charset=utf-8", dashboard_page(std::move(*html), dashboard_origin()));
  });
}

}  // namespace osn::demo
