// examples/cluster-demo/dashboard.cc — the primary's dashboard server: reports in, snapshots
// out as Server-Sent Events, and the four buttons.
#include "examples/cluster-demo/dashboard.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "examples/cluster-demo/cpu_work.h"
#include "examples/cluster-demo/json.h"
#include "examples/cluster-demo/worker_report.h"
#include "kernel-io/clock.h"
#include "kernel-io/process.h"

namespace osn::demo {
namespace {

constexpr size_t kMaxWatchers = 32;
constexpr size_t kExitsKept = 8;
constexpr std::string_view kPlaceholder = "__OSN_DASHBOARD__";

std::string& origin_storage() {
  static std::string origin;  // written once, before fork; the workers read their copy
  return origin;
}

void answer(http::Response& r, int status, std::string_view type, std::string_view body) {
  r.set_status(status);
  r.add_header("Content-Type", type);
  r.add_header("Access-Control-Allow-Origin", "*");  // the page may come from a worker's port
  r.add_header("Cache-Control", "no-store");
  r.end(body);
}

http::ServerOptions options_on(uint16_t port) {
  http::ServerOptions options;
  options.port = port;
  return options;
}

}  // namespace

const std::string& dashboard_origin() { return origin_storage(); }

std::string dashboard_page(std::string html, const std::string& origin) {
  for (size_t at = html.find(kPlaceholder); at != std::string::npos; at = html.find(kPlaceholder, at))
    html.replace(at, kPlaceholder.size(), origin);
  return html;
}

std::string start_dashboard(cluster::Primary& primary, const std::string& static_folder) {
  uint16_t port = primary.settings().port == 0 ? 0 : static_cast<uint16_t>(primary.settings().port + 1);
  if (const char* text = std::getenv("DASHBOARD_PORT"); text != nullptr && *text != '\0') {
    std::string problem = cluster::parse_port(text, &port);
    if (!problem.empty()) return "DASHBOARD_" + problem;
  }
  std::ifstream in(static_folder + "/dashboard.html");
  std::stringstream html;
  html << in.rdbuf();
  if (!in) return "cannot read " + static_folder + "/dashboard.html";
  static const char kKey = 0;
  loop::Loop& loop = primary.loop();
  auto& dashboard = static_cast<Dashboard&>(
      loop.attach(&kKey, std::make_unique<Dashboard>(primary, dashboard_page(html.str(), ""), port)));
  if (auto s = dashboard.listen(); !s)
    return "DASHBOARD_PORT=" + std::to_string(port) + ": " + s.error().message() + " (no dashboard)";
  origin_storage() = "http://" + primary.settings().host + ":" + std::to_string(dashboard.port());
  std::fprintf(stderr, "osnode dashboard: %s/ (and / of every worker)\n", origin_storage().c_str());
  return "";
}

Dashboard::Dashboard(cluster::Primary& primary, std::string page, uint16_t port)
    : primary_(primary),
      page_(std::move(page)),
      server_(primary.loop(), options_on(port), router_.handler()) {
  add_routes();
  primary_.on_message([this](cluster::Worker& w, const cluster::Message& m) {
    if (m.type() == "demo.report") reports_[w.id()] = Report{m, primary_.loop().now()};
  });
  primary_.on_exit([this](cluster::Worker& w, const kio::ChildStatus& status) {
    ++exits_total_;
    exits_.push_front(Exit{w.id(), w.pid(), status.describe(), primary_.loop().now()});
    if (exits_.size() > kExitsKept) exits_.pop_back();
    reports_.erase(w.id());
  });
  timer_ = primary_.loop().set_interval(kReportIntervalMs, [this] { push_snapshot(); });
  primary_.loop().label_timer(timer_, "dashboard snapshot");
  primary_.loop().unref_timer(timer_);
}

Dashboard::~Dashboard() { primary_.loop().clear_timer(timer_); }

void Dashboard::add_routes() {
  router_.get("/", [this](const http::Request&, http::Response& r) { answer(r, 200, "text/html; charset=utf-8", page_); });
  router_.get("/events", [this](const http::Request&, http::Response& r) { subscribe(r); });
  router_.get("/snapshot", [this](const http::Request&, http::Response& r) { answer(r, 200, "application/json", snapshot()); });
  router_.post("/action", [this](const http::Request& q, http::Response& r) { act(q, r); });
}

// An event stream: the head and a first snapshot now, one more every kReportIntervalMs.
void Dashboard::subscribe(http::Response& response) {
  std::erase_if(watchers_, [](const http::ResponseHandle& h) { return !h; });
  if (watchers_.size() >= kMaxWatchers) return answer(response, 503, "text/plain", "too many dashboards open\n");
  response.add_header("Content-Type", "text/event-stream");
  response.add_header("Cache-Control", "no-store");
  response.add_header("Access-Control-Allow-Origin", "*");
  response.write("retry: 1000\n\ndata: " + snapshot() + "\n\n");
  watchers_.push_back(response.handle());
}

// A watcher whose output backs up (not reading) is ended, not waited for: bounded memory.
void Dashboard::push_snapshot() {
  if (watchers_.empty()) return;
  const std::string event = "data: " + snapshot() + "\n\n";
  std::erase_if(watchers_, [&event](const http::ResponseHandle& h) {
    http::Response* r = h.get();
    if (r == nullptr) return true;
    if (r->write(event)) return false;
    r->end();
    return true;
  });
}

void Dashboard::act(const http::Request& request, http::Response& response) {
  std::string_view what, worker_text;
  (void)find_query_param(request.query, "do", &what);
  if (what == "restart") {
    primary_.rolling_restart();
    return answer(response, 200, "application/json", "{\"ok\":true}");
  }
  (void)find_query_param(request.query, "worker", &worker_text);
  cluster::Worker* w = primary_.find(std::atoi(std::string(worker_text).c_str()));
  if (w == nullptr || w->state() == cluster::WorkerState::kExited)
    return answer(response, 404, "text/plain", "no such worker\n");
  if (what == "kill") {
    ++kills_;
    (void)kio::send_signal(w->pid(), SIGKILL);  // watch the primary reap it and fork another
  } else if (what == "block" || what == "offload") {
    uint64_t ms = 0;
    if (std::string problem = parse_work_ms(request.query, &ms); !problem.empty())
      return answer(response, 400, "text/plain", problem + "\n");
    (void)w->send(cluster::Message(what == "block" ? "demo.block" : "demo.offload").set_int("ms", static_cast<int64_t>(ms)));
  } else {
    return answer(response, 400, "text/plain", "do= must be block, offload, kill or restart\n");
  }
  answer(response, 200, "application/json", "{\"ok\":true}");
}

std::string Dashboard::worker_json(const cluster::WorkerInfo& w) const {
  JsonObject row;
  row.add("id", w.id).add("slot", static_cast<uint64_t>(w.slot)).add("pid", static_cast<int64_t>(w.pid))
      .add("state", cluster::worker_state_name(w.state)).add("connections", w.connections)
      .add("requests", w.requests).add("restarts", w.restarts);
  auto it = reports_.find(w.id);
  if (it == reports_.end()) return row.add_raw("report", "null").str();
  const cluster::Message& m = it->second.fields;
  const uint64_t age_ms = primary_.loop().now() - it->second.at_ms;
  // While a worker is blocked its reports stop: the time since the last one is a lower bound
  // of its lag now (as a late timer is), so the sparkline rises during the block, not after.
  const uint64_t silent_ms = age_ms > 2 * kReportIntervalMs ? age_ms - kReportIntervalMs : 0;
  const uint64_t lag_ms = std::max<uint64_t>(static_cast<uint64_t>(m.get_int("lag_us").value_or(0)) / 1000, silent_ms);
  JsonObject report;
  report.add("age_ms", age_ms).add("lag_ms", lag_ms);
  for (const char* key : {"util_pm", "open", "pool_threads", "queued", "running", "completed", "wait_p99_us", "wd_ms",
                          "wd_count", "wd_blocked_ms"})
    report.add(key, m.get_int(key).value_or(0));
  report.add("wd_label", m.get("wd_label"));
  return row.add_raw("report", report.str()).str();
}

std::string Dashboard::snapshot() const {
  std::string workers = "[";
  for (const cluster::WorkerInfo& w : primary_.workers()) {
    if (workers.size() > 1) workers += ',';
    workers += worker_json(w);
  }
  std::string exits = "[";
  for (const Exit& e : exits_) {
    if (exits.size() > 1) exits += ',';
    exits += JsonObject().add("id", e.id).add("pid", static_cast<int64_t>(e.pid)).add("how", e.how)
                 .add("ago_ms", primary_.loop().now() - e.at_ms).str();
  }
  const cluster::Primary::RestartProgress rp = primary_.restart_progress();
  JsonObject restart;
  restart.add("active", rp.active ? "yes" : "no").add("remaining", static_cast<uint64_t>(rp.remaining))
      .add("old", rp.old_id).add("new", rp.new_id);
  return JsonObject()
      .add("primary", static_cast<int64_t>(::getpid()))
      .add("sched", cluster::scheduling_name(primary_.settings().scheduling))
      .add("interval_ms", kReportIntervalMs)
      .add("exits_total", exits_total_)
      .add("kills", kills_)
      .add_raw("restart", restart.str())
      .add_raw("exits", exits + "]")
      .add_raw("workers", workers + "]")
      .str();
}

}  // namespace osn::demo
