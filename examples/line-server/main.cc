// examples/line-server — a TCP server that answers every line with its length, and a 1 s timer.
//
//   make build/bin/line-server && build/bin/line-server 7000    then   nc 127.0.0.1 7000
//   or by hand, after `make lib`, from the repository root:
//     g++ -std=c++20 -I. examples/line-server/main.cc build/lib/libosn.a -pthread -o line-server
//
// main.js beside it is the same program for Node.js (`node examples/line-server/main.js 7000`):
// read them side by side. listen_tcp binds, listens and starts accepting at once. The Stream&
// the connection callback gets is owned by the loop, like a Node socket: it lives until the
// client ends it or fails (or close() is called) — no container of connections to keep.
// set_interval is setInterval. PORT 0 lets the kernel choose; the first line says which.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "loop/listener.h"

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a line at a time, even into a pipe (console.log)
  const char* port_arg = argc > 1 ? argv[1] : "7000";
  char* end = nullptr;
  const unsigned long port = std::strtoul(port_arg, &end, 10);
  if (*end != '\0' || end == port_arg || port > 65535) return std::fprintf(stderr, "line-server: PORT '%s' is not 0-65535\n", port_arg), 64;

  osn::loop::Loop loop;
  unsigned long lines = 0;
  auto server = osn::loop::Listener::listen_tcp(loop, "127.0.0.1", port, [&](osn::loop::Stream& socket) {
    socket.read_start([&, pending = std::string()](std::string_view chunk) mutable {
      pending += chunk;
      for (size_t nl; (nl = pending.find('\n')) != std::string::npos; pending.erase(0, nl + 1), ++lines)
        socket.write(std::to_string(nl) + "\n");
    });
  });
  if (!server) return std::fprintf(stderr, "line-server: listen on 127.0.0.1:%lu: %s\n", port, server.error().message().c_str()), 1;
  std::printf("line-server: listening on 127.0.0.1:%u\n", (*server)->port());
  loop.set_interval(1000, [&] { std::printf("%lu lines so far\n", lines); });
  loop.run();
}
