// tests/integration/observability_test.cc — OSN_WATCHDOG_MS and OSN_TRACE_FILE on the demo.
//
// The demo runs with one worker. /block holds its loop; the watchdog (another thread of the
// worker) must name the route in its line. With OSN_TRACE_FILE the worker writes Chrome trace
// events (NAME-PID.json: it is a forked child); after a graceful stop the file must be one
// valid JSON array holding the loop's track (GET /block as a callback) and a pool thread's
// track (GET /offload as pool work). The size limit stops the file and says so. Nothing here
// asserts a duration: only what was reported, and where.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/demo_process.h"
#include "tests/support/http_client.h"
#include "tests/support/mini_json.h"
#include "tests/support/net.h"
#include "tests/support/temp_dir.h"

namespace osn::test {
namespace {

std::optional<HttpResponse> get(uint16_t port, std::string_view path, int timeout_ms = 10'000) {
  auto client = HttpClient::connect(port);
  if (!client) return std::nullopt;
  return client->round_trip(get_request(path, "Connection: close\r\n"), timeout_ms);
}

// Bounded: until /hello answers (the one worker listens).
bool wait_ready(DemoProcess& demo, uint16_t port) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (auto r = get(port, "/hello", 1'000); r && r->status == 200) return true;
    if (demo.wait_exit(0)) return false;
    ::usleep(20'000);
  }
  return false;
}

bool wait_output(const DemoProcess& demo, const std::string& text, int timeout_ms = 10'000) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (demo.output().find(text) != std::string::npos) return true;
    ::usleep(20'000);
  }
  return false;
}

std::string read_whole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The trace file a worker wrote: the one NAME-PID.json in `dir` other than NAME.json.
std::string worker_trace(const TempDir& dir) {
  DIR* d = ::opendir(dir.path().c_str());
  std::string found;
  while (dirent* e = d ? ::readdir(d) : nullptr)
    if (std::string name = e->d_name; name.starts_with("trace-")) found = dir.file(name);
  if (d) ::closedir(d);
  return found;
}

TEST(Observability, TheWatchdogNamesTheRouteThatBlocksTheLoop) {
  const uint16_t port = free_tcp_port();
  DemoProcess demo({"PORT=" + std::to_string(port), "WORKERS=1", "OSN_WATCHDOG_MS=100"});
  ASSERT_TRUE(wait_ready(demo, port)) << demo.output();
  auto r = get(port, "/block?ms=1000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(wait_output(demo, "in phase poll, callback GET /block")) << demo.output();
  EXPECT_NE(demo.output().find("loop blocked "), std::string::npos);
  EXPECT_TRUE(wait_output(demo, "loop back to poll after about")) << demo.output();
  EXPECT_EQ(demo.output().find("callback GET /hello"), std::string::npos) << demo.output();
}

TEST(Observability, BadObserverVariablesAreRefusedNamingThem) {
  for (std::string bad : {"OSN_WATCHDOG_MS=abc", "OSN_WATCHDOG_MS=0", "OSN_TRACE_FILE_MB=0"}) {
    DemoProcess demo({bad, "PORT=0", "WORKERS=1"});
    ASSERT_TRUE(demo.started());
    auto code = demo.wait_exit(10'000);
    ASSERT_TRUE(code) << bad << " started: " << demo.output();
    EXPECT_EQ(*code, 2);
    EXPECT_NE(demo.output().find(bad + ":"), std::string::npos) << demo.output();
  }
}

struct Track {
  std::string thread_name;
  std::map<std::string, std::vector<std::string>> events;  // category -> names
};

// tid -> what happened on that thread.
std::map<int, Track> tracks_of(const Json& trace) {
  std::map<int, Track> tracks;
  for (const Json& e : trace.array) {
    const Json* ph = e.find("ph");
    const Json* tid = e.find("tid");
    const Json* name = e.find("name");
    if (!ph || !tid || !name) continue;
    Track& t = tracks[static_cast<int>(tid->number)];
    if (ph->string == "M" && name->string == "thread_name") t.thread_name = e.find("args")->find("name")->string;
    if (ph->string == "X") t.events[e.find("cat")->string].push_back(name->string);
  }
  return tracks;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(Observability, TraceFileHoldsTheLoopTrackAndAPoolThreadTrack) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const uint16_t port = free_tcp_port();
  DemoProcess demo({"PORT=" + std::to_string(port), "WORKERS=1", "OSN_TRACE_FILE=" + dir.file("trace.json")});
  ASSERT_TRUE(wait_ready(demo, port)) << demo.output();
  ASSERT_TRUE(get(port, "/block?ms=100"));
  ASSERT_TRUE(get(port, "/offload?ms=100"));
  ::kill(demo.pid(), SIGTERM);
  ASSERT_TRUE(demo.wait_exit(20'000)) << demo.output();
  EXPECT_NE(demo.output().find("osnode trace: writing Chrome trace events to"), std::string::npos);

  const std::string path = worker_trace(dir);
  ASSERT_FALSE(path.empty()) << "no trace-PID.json from the worker; output:\n" << demo.output();
  Json trace;
  ASSERT_TRUE(parse_json(read_whole(path), trace)) << "not one JSON value: " << path;
  ASSERT_EQ(trace.type, Json::Type::kArray);

  std::map<int, Track> tracks = tracks_of(trace);
  const Track* loop = nullptr;
  const Track* pool_with_offload = nullptr;
  for (const auto& [tid, t] : tracks) {
    if (t.thread_name == "event loop") loop = &t;
    if (t.thread_name.starts_with("osn-pool-") && t.events.count("pool work") &&
        has(t.events.at("pool work"), "GET /offload"))
      pool_with_offload = &t;
  }
  ASSERT_NE(loop, nullptr) << "no track named 'event loop'";
  ASSERT_TRUE(loop->events.count("callback"));
  EXPECT_TRUE(has(loop->events.at("callback"), "GET /block")) << "the blocking handler runs on the loop";
  EXPECT_FALSE(loop->events.count("pool work")) << "no pool work on the loop's track";
  ASSERT_TRUE(loop->events.count("phase"));
  EXPECT_TRUE(has(loop->events.at("phase"), "poll"));
  ASSERT_TRUE(loop->events.count("after_work"));
  EXPECT_TRUE(has(loop->events.at("after_work"), "GET /offload")) << "its after_work comes back to the loop";
  EXPECT_NE(pool_with_offload, nullptr) << "GET /offload's work on a pool thread's track";
}

TEST(Observability, TraceFileStopsAtItsLimitAndSaysSo) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const uint16_t port = free_tcp_port();
  DemoProcess demo({"PORT=" + std::to_string(port), "WORKERS=1", "OSN_TRACE_FILE=" + dir.file("trace.json"),
                    "OSN_TRACE_FILE_MB=1"});
  ASSERT_TRUE(wait_ready(demo, port)) << demo.output();
  auto client = HttpClient::connect(port);
  ASSERT_TRUE(client);
  // Each keep-alive /hello adds a few events (~100 bytes each): 10000 are several MB.
  for (int i = 0; i < 10'000 && demo.output().find("reached 1 MB") == std::string::npos; ++i) {
    auto r = client->round_trip(get_request("/hello"), 10'000);
    ASSERT_TRUE(r && r->status == 200);
  }
  EXPECT_TRUE(wait_output(demo, "reached 1 MB: later events are dropped")) << demo.output();
  client->close();
  ::kill(demo.pid(), SIGTERM);
  ASSERT_TRUE(demo.wait_exit(20'000));
  const std::string text = read_whole(worker_trace(dir));
  EXPECT_LE(text.size(), 1024u * 1024u);
  Json trace;
  EXPECT_TRUE(parse_json(text, trace)) << "a stopped trace is still valid JSON";
}

}  // namespace
}  // namespace osn::test
