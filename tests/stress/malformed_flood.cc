// tests/stress/malformed_flood.cc — a flood of malformed requests, smuggling forms included,
// each on its own connection, against build/bin/hello and the demo (WORKERS=2, rr). Every one
// must be answered with a 4xx/5xx and a close; no server process may die.
//   stress: flood_hello_answered_400 N requests   (one line per status, then the verdict)
#include <map>
#include <string>
#include <vector>

#include "tests/stress/stress_common.h"

namespace {

using osn::test::HttpClient;

std::vector<std::string> malformed_forms() {
  return {
      "GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",  // CL.TE
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",            // two CLs
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",      // bad chunk size
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",               // TE not final chunked? coding unknown
      "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n b\r\n\r\n",                                                // obs-fold
      "GET /\x01 HTTP/1.1\r\nHost: t\r\n\r\n",                                                         // control byte
      "GET / HTTP/1.1\r\nHo st: t\r\n\r\n",                                                            // space in a name
      "GET / HTTP/1.1\r\nHost : t\r\n\r\n",                                                            // space before colon
      "GET / HTTP/2.0\r\nHost: t\r\n\r\n",                                                             // 505
      "GET / HTTX/1.1\r\n\r\n",
      "GET /" + std::string(70'000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n",                             // 414/431
      "GET / HTTP/1.1\r\nHost: t\r\nX: " + std::string(70'000, 'b') + "\r\n\r\n",                      // 431
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999\r\n\r\n",                          // 413
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
      "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1 2\r\n\r\n",
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello to a plain port\r\n\r\n",
      "GET / HTTP/1.1\nHost: t\n\n\x7f\r\n\r\n",
  };
}

// Sends `n` malformed requests (cycling through the forms); counts answers by status.
std::map<int, uint64_t> flood(uint16_t port, int n) {
  const std::vector<std::string> forms = malformed_forms();
  std::map<int, uint64_t> by_status;
  for (int i = 0; i < n; ++i) {
    auto c = HttpClient::connect(port, 2'000);
    if (!c) {
      ++by_status[-1];  // -1: could not connect
      continue;
    }
    if (!c->send(forms[i % forms.size()], 2'000)) {
      // the server may answer and close before the whole request is sent: read what came
    }
    auto r = c->read_response(5'000);
    ++by_status[r ? r->status : 0];  // 0: no answer
  }
  return by_status;
}

bool probe(const std::string& label, const std::string& program, std::vector<std::string> env, int n) {
  auto server = osn::stress::start(program, env);
  if (!server) return osn::stress::verdict("flood_" + label, false, "server did not start");
  const std::string children_before = osn::stress::children_of(server->pid);
  const auto by_status = flood(server->port, n);
  uint64_t bad = 0;
  for (const auto& [status, count] : by_status) {
    osn::stress::figure("flood_" + label + "_answered_" + std::to_string(status), static_cast<double>(count), "requests");
    if (status < 400 || status > 599) bad += count;
  }
  const bool alive = server->alive();
  const std::string children_after = osn::stress::children_of(server->pid);
  auto good = HttpClient::connect(server->port, 2'000);
  const bool still_answers = good && good->round_trip(osn::test::get_request("/hello"), 5'000).has_value();
  return osn::stress::verdict("flood_" + label, bad == 0 && alive && children_before == children_after && still_answers,
                              std::to_string(n) + " malformed requests, " + std::to_string(bad) +
                                  " not answered 4xx/5xx; server " + (alive ? "alive" : "DEAD") + ", workers " +
                                  (children_before == children_after ? "unchanged" : "CHANGED (a crash)") +
                                  (still_answers ? ", still answers" : ", NO LONGER ANSWERS"));
}

}  // namespace

int main() {
  const int n = osn::stress::short_run() ? 2'000 : 20'000;
  bool ok = probe("hello", "hello", {}, n);
  ok = probe("demo", "cluster-demo", {"WORKERS=2", "SCHED=rr"}, n) && ok;
  return ok ? 0 : 1;
}
