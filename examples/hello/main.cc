// examples/hello — the smallest HTTP server: one process, one thread, one event loop.
//
//   build/bin/hello --port 8080        then   curl -v http://127.0.0.1:8080/
//   build/bin/hello --port 8080 --idle-timeout-ms 65000 --max-connections 20000
//                                      the C10K curve (tests/bench/peers/c10k.sh): idle
//                                      keep-alive connections kept as long as nginx keeps them
//
// Every GET (any path) is answered `200`, `Content-Type: text/plain`, `Hello, World!`.
// This is the program `make bench-peers` puts side by side with nginx and Node.js
// (tests/bench/peers/http.sh). SIGINT/SIGTERM arrive as loop events (loop::Signal, the
// self-pipe trick): the server stops accepting, closes its connections, and run() returns.
// Exit status: 0 after a signal, 1 when the port cannot be bound, 64 on bad usage.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/server.h"
#include "loop/loop.h"
#include "loop/signal.h"

namespace {

int usage(const char* program) {
  std::fprintf(stderr, "usage: %s --port PORT [--host ADDRESS] [--idle-timeout-ms MS] [--max-connections N]\n",
               program);
  return 64;  // EX_USAGE
}

bool parse_port(const char* text, uint16_t& port) {
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < 0 || value > 65535) return false;
  port = static_cast<uint16_t>(value);
  return true;
}

// A positive whole number no larger than `most`, for --idle-timeout-ms and --max-connections.
bool parse_count(const char* text, unsigned long long most, unsigned long long& value) {
  char* end = nullptr;
  const unsigned long long parsed = std::strtoull(text, &end, 10);
  if (end == text || *end != '\0' || *text == '-' || parsed == 0 || parsed > most) return false;
  value = parsed;
  return true;
}

void answer_hello(const osn::http::Request& request, osn::http::Response& response) {
  if (request.method != "GET" && request.method != "HEAD") {
    response.set_status(405);
    response.add_header("Allow", "GET, HEAD");
    response.end();
    return;
  }
  response.add_header("Content-Type", "text/plain");
  response.end("Hello, World!");
}

}  // namespace

int main(int argc, char** argv) {
  osn::http::ServerOptions options;
  bool have_port = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--port" && i + 1 < argc) {
      if (!parse_port(argv[++i], options.port)) return usage(argv[0]);
      have_port = true;
    } else if (arg == "--host" && i + 1 < argc) {
      options.host = argv[++i];
    } else if (arg == "--idle-timeout-ms" && i + 1 < argc) {
      unsigned long long ms = 0;
      if (!parse_count(argv[++i], 86'400'000, ms)) {
        std::fprintf(stderr, "hello: --idle-timeout-ms wants 1..86400000, not '%s'\n", argv[i]);
        return 64;
      }
      options.idle_timeout_ms = ms;
    } else if (arg == "--max-connections" && i + 1 < argc) {
      unsigned long long n = 0;
      if (!parse_count(argv[++i], 1'000'000, n)) {
        std::fprintf(stderr, "hello: --max-connections wants 1..1000000, not '%s'\n", argv[i]);
        return 64;
      }
      options.max_connections = n;
    } else {
      return usage(argv[0]);
    }
  }
  if (!have_port) return usage(argv[0]);

  osn::loop::Loop loop;
  osn::http::Server server(loop, options, answer_hello);
  if (auto status = server.listen(); !status) {
    std::fprintf(stderr, "hello: listen on %s:%u: %s\n", options.host.c_str(), options.port,
                 status.error().message().c_str());
    return 1;
  }

  osn::loop::Signal sigint(loop, [&](int) { server.shutdown(); });
  osn::loop::Signal sigterm(loop, [&](int) { server.shutdown(); });
  if (!sigint.start(SIGINT) || !sigterm.start(SIGTERM)) {
    std::fprintf(stderr, "hello: cannot watch SIGINT/SIGTERM\n");
    return 1;
  }
  // Unreferenced: the signals alone do not keep the loop alive. After shutdown() closes the
  // listener and the connections, nothing does, and run() returns.
  sigint.unref();
  sigterm.unref();

  std::printf("hello: listening on http://%s:%u/\n", options.host.c_str(), server.port());
  std::fflush(stdout);
  loop.run();
  return 0;
}
