// examples/fork-child — the child side of osnode's child_process.fork().
//
// Started by osn::cluster::fork_child(), this program finds its channel in OSN_CHANNEL_FD,
// and answers:  type=echo ...     -> the same fields back, type=echo-reply, pid=<its pid>
//               type=exit code=N  -> closes the channel and exits with N
// It also exits (code 0) when the parent closes the channel. Its parent is examples/fork-parent
// (./build/bin/fork-parent); child.js is the same program in Node. Without a parent:
//   ./build/bin/fork-child    ->  "fork-child: getenv(OSN_CHANNEL_FD): ENOENT ..." and exit 2
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "cluster/fork_child.h"
#include "loop/loop.h"

int main() {
  osn::loop::Loop loop;
  auto joined = osn::cluster::ParentChannel::join(loop);
  if (!joined) {
    std::fprintf(stderr, "fork-child: %s (start me with osn::cluster::fork_child)\n",
                 joined.error().message().c_str());
    return 2;
  }
  std::unique_ptr<osn::cluster::ParentChannel> parent = std::move(*joined);
  int exit_code = 0;
  parent->on_message([&](const osn::cluster::Message& m) {
    if (m.type() == "echo") {
      osn::cluster::Message reply = m;
      reply.set("type", "echo-reply").set_int("pid", ::getpid());
      parent->send(reply);
    } else if (m.type() == "exit") {
      exit_code = static_cast<int>(m.get_int("code").value_or(0));
      parent->close();  // nothing else keeps the loop alive: run() returns
    }
  });
  parent->on_disconnect([](const std::string&) {});
  parent->send(osn::cluster::Message("ready").set_int("pid", ::getpid()));
  loop.run();
  return exit_code;
}
