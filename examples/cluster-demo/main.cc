// examples/cluster-demo — `make run`: an HTTP server on every CPU core, as Node's cluster does.
//
//   make run                                 127.0.0.1:8080, one worker per core, SCHED=rr
//   PORT=9000 WORKERS=2 SCHED=shared make run
//   build/bin/cluster-demo                   the same, without make
//
// The primary forks WORKERS workers (cluster::run_cluster); cluster::serve_connections builds a
// DemoApp — an http::Server (demo_app.h) — on each worker's own loop and heap and feeds it the
// worker's connections. When every worker listens, the primary prints a menu of things to try
// with the real pids. Ctrl-C (SIGINT) or SIGTERM: graceful shutdown — workers finish what they
// are answering, close, exit; the primary exits 0. Refused at start with a message naming the
// variable, exit status 2: a bad PORT, WORKERS, SCHED or OSN_THREADPOOL_SIZE, and a PORT that
// another server already uses. More WORKERS than cores starts, with a warning.
// docs/cluster.md, "The demo", explains each endpoint.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "cluster/primary.h"
#include "cluster/serve.h"
#include "examples/cluster-demo/dashboard.h"
#include "examples/cluster-demo/demo_app.h"
#include "examples/cluster-demo/shared_routes.h"
#include "examples/cluster-demo/store_setting.h"
#include "examples/cluster-demo/static_files.h"
#include "pool/work_queue.h"

namespace {

using osn::cluster::Primary;

void print_menu(const Primary& primary) {
  const std::string url = "http://" + primary.settings().host + ":" + std::to_string(primary.port());
  const int me = static_cast<int>(::getpid());
  std::string pids;
  int first_worker = 0;
  for (const auto& w : primary.workers()) {
    pids += (pids.empty() ? "" : " ") + std::to_string(w.pid);
    if (first_worker == 0) first_worker = static_cast<int>(w.pid);
  }
  std::printf(
      "\nosnode cluster demo: primary pid %d, %zu workers (pids %s), SCHED=%s\n"
      "  open   %s/static/index.html\n"
      "  curl   %s/hello\n"
      "  curl   %s/whoami                  (again with a new connection: another worker)\n"
      "  curl   %s/counter                 (each worker counts in its own memory)\n"
      "  curl   %s/block?ms=3000 & curl %s/hello    (with WORKERS=1: hello waits)\n"
      "  curl   %s/offload?ms=3000 & curl %s/hello  (hello answers at once)\n"
      "  curl   %s/stats  |  curl %s/cluster\n"
      "  curl   -d 'hi there' %s/echo\n"
      "  pstree -p %d                        (the primary and its workers)\n"
      "  ps -L -o pid,tid,comm -p %d         (a worker's threads: osn-pool-N after /offload)\n"
      "  ls -l /proc/%d/fd   ls -l /proc/%d/fd\n"
      "  kill -HUP %d   (rolling restart)    Ctrl-C (graceful stop)\n\n",
      me, primary.workers().size(), pids.c_str(), osn::cluster::scheduling_name(primary.settings().scheduling),
      url.c_str(), url.c_str(), url.c_str(), url.c_str(), url.c_str(), url.c_str(), url.c_str(), url.c_str(),
      url.c_str(), url.c_str(), url.c_str(), me, first_worker, me, first_worker, me);
  osn::demo::print_store_menu(url);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  (void)argc;
  osn::cluster::Settings settings;  // one worker per core, rr
  settings.port = 8080;
  if (std::string problem = osn::cluster::apply_environment(settings); !problem.empty()) {
    std::fprintf(stderr, "cluster-demo: %s\n", problem.c_str());
    return 2;
  }
  // The pool starts its threads lazily, at the first /offload or /static: check its variables
  // now, so that a refused OSN_THREADPOOL_SIZE (or OSN_POOL_SPIN, OSN_POOL_BATCH) stops the
  // demo here and not as a 500 much later.
  if (std::string problem = osn::pool::pool_environment_problem(); !problem.empty()) {
    std::fprintf(stderr, "cluster-demo: %s\n", problem.c_str());
    return 2;
  }
  if (std::string problem = osn::loop::Loop::environment_problem(); !problem.empty()) {
    std::fprintf(stderr, "cluster-demo: %s\n", problem.c_str());  // OSN_WATCHDOG_MS, OSN_TRACE_FILE_MB
    return 2;
  }
  // STORE=memory|redis://...: checked here, before any fork (store_setting.h).
  osn::demo::StoreSetting store;
  std::string store_problem = osn::demo::read_store_setting(&store);
  if (store_problem.empty()) store_problem = osn::demo::probe_store(store);
  if (!store_problem.empty()) {
    std::fprintf(stderr, "cluster-demo: %s\n", store_problem.c_str());
    return 2;
  }
  const std::string static_folder = osn::demo::find_static_folder(argv[0]);
  auto serve_demo = osn::cluster::serve_connections([static_folder](osn::cluster::WorkerContext& ctx) {
    return std::make_unique<osn::demo::DemoApp>(ctx, static_folder);  // in each worker, after fork
  });
  return osn::cluster::run_cluster(settings, serve_demo, [&static_folder](Primary& primary) {
    if (std::string problem = osn::demo::start_dashboard(primary, static_folder); !problem.empty())
      std::fprintf(stderr, "cluster-demo: %s\n", problem.c_str());  // the demo runs on without it
    primary.on_listening([&primary, listening = size_t{0}, shown = false](osn::cluster::Worker&) mutable {
      if (shown || ++listening < primary.settings().workers) return;
      shown = true;
      print_menu(primary);
    });
  });
}
