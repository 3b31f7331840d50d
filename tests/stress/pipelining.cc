// tests/stress/pipelining.cc — 50 clients at once, each sending 100 mixed requests in one
// write (GET /hello, POST /echo with a body naming client and request, HEAD /hello), then
// reading the 100 answers: all present, in order, each the right one. Against the demo.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/stress/stress_common.h"

namespace {

using osn::test::HttpClient;

// The number of correct answers this client got (100 when all is well).
int one_client(uint16_t port, int client, int requests) {
  auto c = HttpClient::connect(port, 5'000);
  if (!c) return 0;
  std::string batch;
  for (int j = 0; j < requests; ++j) {
    switch (j % 3) {
      case 0: batch += "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n"; break;
      case 1: {
        const std::string body = "client " + std::to_string(client) + " request " + std::to_string(j);
        batch += "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\nContent-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body;
        break;
      }
      default: batch += "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"; break;
    }
  }
  if (!c->send(batch, 10'000)) return 0;
  int correct = 0;
  for (int j = 0; j < requests; ++j) {
    auto r = c->read_response(10'000, j % 3 == 2);
    if (!r) break;
    bool right = r->status == 200;
    if (j % 3 == 0) right = right && r->body == "Hello, World!";
    if (j % 3 == 1) right = right && r->body == "client " + std::to_string(client) + " request " + std::to_string(j);
    if (j % 3 == 2) right = right && r->body.empty();
    correct += right;
  }
  return correct;
}

}  // namespace

int main() {
  constexpr int kClients = 50, kRequests = 100;
  auto server = osn::stress::start("cluster-demo", {"WORKERS=2", "SCHED=rr"});
  if (!server) return osn::stress::verdict("pipelining", false, "demo did not start") ? 0 : 1;
  std::atomic<int> correct{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i)
    clients.emplace_back([&, i] { correct += one_client(server->port, i, kRequests); });
  for (auto& t : clients) t.join();
  osn::stress::figure("pipelining_correct", correct, "responses");
  osn::stress::figure("pipelining_expected", kClients * kRequests, "responses");
  return osn::stress::verdict("pipelining", correct == kClients * kRequests,
                              std::to_string(correct) + " of " + std::to_string(kClients * kRequests) +
                                  " answers right and in order")
             ? 0
             : 1;
}
