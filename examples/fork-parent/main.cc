// examples/fork-parent — the parent side of osnode's child_process.fork(), Node's
//     const child = fork('child.js');  child.on('message', m => ...);  child.send({...});
// (parent.js and ../fork-child/child.js are that pair in Node, for comparison).
//
// Starts the fork-child program (build/bin/fork-child next to this one, or the path given)
// with osn::cluster::fork_child — socketpair, fork + exec, the child's end inherited and its
// number in OSN_CHANNEL_FD — then talks to it: waits for "ready", sends three echo messages,
// prints each reply (answered by another process: another pid), asks it to exit with code 0
// and prints how it ended. Exit status 0 if every reply came back, 1 otherwise.
//   ./build/bin/fork-parent
//   strace -f -e trace=socketpair,execve,sendto,read ./build/bin/fork-parent
#include <limits.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "cluster/fork_child.h"
#include "loop/loop.h"

namespace {

// build/bin/fork-parent -> build/bin/fork-child
std::string child_program_next_to(const char* argv0) {
  char self[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string me = n > 0 ? std::string(self, static_cast<size_t>(n)) : std::string(argv0);
  size_t slash = me.rfind('/');
  return (slash == std::string::npos ? std::string(".") : me.substr(0, slash)) + "/fork-child";
}

constexpr int kEchoes = 3;
constexpr uint64_t kGiveUpMs = 5'000;  // a child that does not answer is killed

}  // namespace

int main(int argc, char** argv) {
  const std::string program = argc > 1 ? argv[1] : child_program_next_to(argv[0]);
  osn::loop::Loop loop;
  auto forked = osn::cluster::fork_child(loop, program);  // child_process.fork(program)
  if (!forked) {
    std::fprintf(stderr, "fork-parent: cannot start %s: %s\n", program.c_str(), forked.error().message().c_str());
    return 1;
  }
  osn::cluster::ChildProcess& child = **forked;
  std::printf("parent %d: forked child %d (%s); its channel fd is in OSN_CHANNEL_FD\n", static_cast<int>(::getpid()),
              static_cast<int>(child.pid()), program.c_str());

  int replies = 0;
  child.on_message([&](const osn::cluster::Message& m) {  // child.on('message')
    if (m.type() == "ready") {
      std::printf("child %lld: ready\n", static_cast<long long>(m.get_int("pid").value_or(0)));
      for (int i = 1; i <= kEchoes; ++i)  // child.send({type: 'echo', text: ...})
        child.send(osn::cluster::Message("echo").set("text", "hello " + std::to_string(i)));
    } else if (m.type() == "echo-reply") {
      std::printf("child %lld: echo-reply text=%s\n", static_cast<long long>(m.get_int("pid").value_or(0)),
                  std::string(m.get("text")).c_str());
      if (++replies == kEchoes) child.send(osn::cluster::Message("exit").set_int("code", 0));
    }
  });
  child.on_disconnect([](const std::string&) {});
  int exit_code = 1;
  auto give_up = loop.set_timeout(kGiveUpMs, [&] {
    std::fprintf(stderr, "fork-parent: no answer after %llu ms: SIGKILL\n", static_cast<unsigned long long>(kGiveUpMs));
    (void)child.kill(SIGKILL);
  });
  child.on_exit([&](const osn::kio::ChildStatus& status) {  // child.on('exit')
    std::printf("child %d: %s\n", static_cast<int>(status.pid), status.describe().c_str());
    loop.clear_timer(give_up);
    exit_code = replies == kEchoes && status.exited && status.exit_code == 0 ? 0 : 1;
    child.disconnect();  // nothing else keeps the loop alive: run() returns
  });
  loop.run();
  return exit_code;
}
