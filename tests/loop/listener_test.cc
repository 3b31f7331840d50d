// tests/loop/listener_test.cc — accepting on 127.0.0.1: many connections per wake-up, a cap
// per wake-up, listeners that stop, close or delete themselves, and surviving EMFILE.
//
// The EMFILE test lowers RLIMIT_NOFILE in a forked child (the test process keeps its own
// limit), fills the descriptor table with accepted connections, and checks that further
// clients are shed (they read EOF or ECONNRESET) and that the loop does not spin.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"
#include "kernel-io/socket.h"
#include "loop/io_watcher.h"
#include "loop/listener.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"
#include "tests/support/loop_fixture.h"

namespace osn::loop {
namespace {

using looptest::all_backends;
using looptest::backend_param_name;

class ListenerTest : public looptest::LoopTest {
 protected:
  std::unique_ptr<Listener> listen(Listener::ConnectionCallback cb) {
    auto addr = kio::SocketAddress::ip("127.0.0.1", 0);
    EXPECT_TRUE(addr);
    auto l = Listener::listen_tcp(loop, *addr, std::move(cb));
    EXPECT_TRUE(l) << (l ? "" : l.error().message());
    return l ? std::move(*l) : nullptr;
  }
  // Opens n client connections (handshakes done by the kernel, nothing accepted yet).
  std::vector<kio::Fd> connect_clients(uint16_t port, int n) {
    std::vector<kio::Fd> clients;
    auto addr = kio::SocketAddress::ip("127.0.0.1", port);
    for (int i = 0; i < n && addr; ++i) {
      auto c = kio::connect_blocking(*addr);
      EXPECT_TRUE(c) << c.error().message();
      if (c) clients.push_back(std::move(*c));
    }
    return clients;
  }
};

// Waits (bounded) until the kernel's accept queue of `fd` holds n connections. On Linux a
// listening socket's TCP_INFO reports the queue length in tcpi_unacked. Elsewhere there is no
// such window into the queue: give the loopback handshakes a moment and hope.
bool wait_accept_queue(int fd, unsigned n) {
#ifdef __linux__
  for (int i = 0; i < 500; ++i) {
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_unacked >= n)
      return true;
    usleep(10'000);
  }
  return false;
#else
  (void)fd;
  (void)n;
  usleep(100'000);
  return true;
#endif
}

TEST_P(ListenerTest, ListenOnPortZeroPicksAFreePort) {
  auto listener = listen([](kio::Fd) {});
  ASSERT_TRUE(listener);
  EXPECT_NE(listener->port(), 0);
  EXPECT_GE(listener->fd(), 0);
  EXPECT_TRUE(listener->is_active());
  EXPECT_TRUE(loop.alive());
  listener->close();
  run_bounded();
}

TEST_P(ListenerTest, OneWakeupAcceptsEveryQueuedConnection) {
  std::vector<uint64_t> accepted_in_iteration;
  std::vector<kio::Fd> accepted;
  auto listener = listen([&](kio::Fd fd) {
    accepted_in_iteration.push_back(loop.iteration());
    accepted.push_back(std::move(fd));
  });
  ASSERT_TRUE(listener);
  auto clients = connect_clients(listener->port(), 20);
  ASSERT_TRUE(wait_accept_queue(listener->fd(), 20)) << "the kernel did not queue 20 handshakes";
  loop.run(RunMode::kNoWait);
  EXPECT_EQ(listener->accepted(), 20u);
  ASSERT_EQ(accepted_in_iteration.size(), 20u);
  EXPECT_EQ(std::count(accepted_in_iteration.begin(), accepted_in_iteration.end(),
                       accepted_in_iteration.front()),
            20);
  listener->close();
  run_bounded();
}

TEST_P(ListenerTest, TicksAreDrainedBetweenTwoConnectionsOfOneWakeup) {
  std::vector<std::string> order;
  std::vector<kio::Fd> keep;
  auto listener = listen([&](kio::Fd fd) {
    order.push_back("connection");
    if (keep.empty()) loop.next_tick([&] { order.push_back("tick"); });
    keep.push_back(std::move(fd));
  });
  ASSERT_TRUE(listener);
  auto clients = connect_clients(listener->port(), 2);
  ASSERT_TRUE(wait_accept_queue(listener->fd(), 2));
  loop.run(RunMode::kNoWait);
  EXPECT_EQ(order, (std::vector<std::string>{"connection", "tick", "connection"}));
  listener->close();
  run_bounded();
}

TEST_P(ListenerTest, MaxAcceptsPerWakeupLeavesTheRestForLater) {
  int connections = 0;
  std::vector<kio::Fd> keep;
  auto listener = listen([&](kio::Fd fd) {
    ++connections;
    keep.push_back(std::move(fd));
  });
  ASSERT_TRUE(listener);
  listener->set_max_accepts_per_wakeup(2);
  auto clients = connect_clients(listener->port(), 5);
  ASSERT_TRUE(wait_accept_queue(listener->fd(), 5));
  loop.run(RunMode::kNoWait);
  EXPECT_EQ(connections, 2);
  loop.run(RunMode::kNoWait);  // level-triggered: still readable, two more
  EXPECT_EQ(connections, 4);
  loop.run(RunMode::kNoWait);
  EXPECT_EQ(connections, 5);
  listener->close();
  run_bounded();
}

TEST_P(ListenerTest, AcceptedDescriptorsAreNonBlockingAndCloseOnExec) {
  bool nonblocking = false, cloexec = false;
  std::unique_ptr<Listener> listener;
  listener = listen([&](kio::Fd fd) {
    nonblocking = kio::is_nonblocking(fd.get());
    cloexec = kio::is_cloexec(fd.get());
    listener->close();
  });
  ASSERT_TRUE(listener);
  auto clients = connect_clients(listener->port(), 1);
  run_bounded();
  EXPECT_TRUE(nonblocking);
  EXPECT_TRUE(cloexec);
}

TEST_P(ListenerTest, StopPausesAcceptingAndCloseReleasesThePort) {
  int connections = 0;
  auto listener = listen([&](kio::Fd) { ++connections; });
  ASSERT_TRUE(listener);
  uint16_t port = listener->port();
  listener->stop();
  EXPECT_FALSE(listener->is_active());
  EXPECT_FALSE(loop.alive());
  auto clients = connect_clients(port, 1);  // queued by the kernel, not accepted
  EXPECT_FALSE(run_bounded());
  EXPECT_EQ(connections, 0);
  ASSERT_TRUE(listener->start());
  CheckHandle until_accepted(loop);
  until_accepted.start([&] {
    if (connections == 1) {
      listener->close();
      until_accepted.stop();
    }
  });
  run_bounded();
  EXPECT_EQ(connections, 1);
  EXPECT_EQ(listener->fd(), -1);
  auto addr = kio::SocketAddress::ip("127.0.0.1", port);
  ASSERT_TRUE(addr);
  auto late = kio::connect_blocking(*addr, 1'000);
  ASSERT_FALSE(late) << "nobody listens any more";
  EXPECT_EQ(late.error().code, ECONNREFUSED);
}

TEST_P(ListenerTest, CallbackMayDeleteTheListener) {
  int connections = 0;
  std::unique_ptr<Listener> listener;
  listener = listen([&](kio::Fd) {
    ++connections;
    listener.reset();
  });
  ASSERT_TRUE(listener);
  auto clients = connect_clients(listener->port(), 3);
  ASSERT_TRUE(wait_accept_queue(listener->fd(), 3));
  run_bounded();
  EXPECT_EQ(connections, 1);
  EXPECT_EQ(listener, nullptr);
}

TEST_P(ListenerTest, ListenerOverAnExistingSocket) {
  auto addr = kio::SocketAddress::ip("127.0.0.1", 0);
  ASSERT_TRUE(addr);
  auto fd = kio::tcp_listen(*addr);
  ASSERT_TRUE(fd);
  int connections = 0;
  Listener listener(loop, std::move(*fd), [&](kio::Fd) {
    ++connections;
    listener.close();
  });
  EXPECT_FALSE(listener.is_active()) << "not accepting before start()";
  ASSERT_TRUE(listener.start());
  auto clients = connect_clients(listener.port(), 1);
  run_bounded();
  EXPECT_EQ(connections, 1);
}

// ---- EMFILE ----------------------------------------------------------------------------------

int highest_open_fd() {
  int highest = 2;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (dirent* e = readdir(d)) highest = std::max(highest, std::atoi(e->d_name));
    closedir(d);
  } else {
    highest = static_cast<int>(sysconf(_SC_OPEN_MAX)) - 1;
  }
  return highest;
}

// Child exit codes.
enum EmfileVerdict { kOk = 0, kSetupFailed = 10, kNoEmfile = 11, kSpun = 12, kStuck = 13 };

// Runs in the forked child: a listener with room for only a few descriptors.
int emfile_child(std::string_view backend, int port_fd, int control_fd) {
  Loop loop(backend);
  std::vector<kio::Fd> kept;  // accepted connections are kept open: the table fills up
  auto addr = kio::SocketAddress::ip("127.0.0.1", 0);
  if (!addr) return kSetupFailed;
  auto listener = Listener::listen_tcp(loop, *addr, [&](kio::Fd fd) { kept.push_back(std::move(fd)); });
  if (!listener) return kSetupFailed;
  int emfile_errors = 0;
  (*listener)->on_error([&](const kio::SysError& e) { emfile_errors += e.is(EMFILE); });
  rlimit limit{};
  limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(highest_open_fd() + 1 + 4);
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return kSetupFailed;
  // Fill every free slot below the limit (there may be holes), then free exactly four.
  std::vector<kio::Fd> fillers;
  for (;;) {
    kio::Fd f(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!f.valid()) break;
    fillers.push_back(std::move(f));
  }
  if (errno != EMFILE || fillers.size() < 4) return kSetupFailed;
  fillers.resize(fillers.size() - 4);
  uint16_t port = (*listener)->port();
  if (!kio::write_all(port_fd, {reinterpret_cast<char*>(&port), sizeof port})) return kSetupFailed;

  // Run until the parent says it has seen its clients shed, then watch a quiet 20 ms.
  bool stuck = false;
  loop.unref_timer(loop.set_timeout(8'000, [&] {
    stuck = true;
    loop.stop();
  }));
  IoWatcher control(loop, control_fd, [&](uint32_t) { control.stop(); });
  if (!control.start(kReadable)) return kSetupFailed;
  while (control.is_active() && !stuck) loop.run(RunMode::kOnce);
  if (stuck) return kStuck;
  uint64_t before = loop.iteration();
  loop.set_timeout(20, [&] { (*listener)->close(); });
  loop.run();
  uint64_t quiet_iterations = loop.iteration() - before;
  if (emfile_errors == 0 || (*listener)->refused_emfile() == 0) return kNoEmfile;
  if (quiet_iterations > 50) return kSpun;  // a spinning loop makes thousands in 20 ms
  return kOk;
}

// Counts clients that were shed: they read EOF or get ECONNRESET. Bounded by `timeout_ms`.
size_t wait_for_shed_clients(std::vector<kio::Fd>& clients, size_t want, int timeout_ms) {
  std::vector<bool> shed(clients.size(), false);
  size_t count = 0;
  for (int waited = 0; count < want && waited < timeout_ms; waited += 10) {
    for (size_t i = 0; i < clients.size(); ++i) {
      if (shed[i]) continue;
      char byte;
      auto n = kio::read_some(clients[i].get(), {&byte, 1});
      if ((n && *n == 0) || (!n && n.error().is(ECONNRESET))) {
        shed[i] = true;
        ++count;
      }
    }
    if (count < want) usleep(10'000);
  }
  return count;
}

TEST_P(ListenerTest, SurvivesEmfileBySheddingConnectionsWithoutSpinning) {
  auto port_pipe = kio::make_pipe();
  auto control_pipe = kio::make_pipe();
  ASSERT_TRUE(port_pipe && control_pipe);
  auto pid = kio::fork_process();
  ASSERT_TRUE(pid) << pid.error().message();
  if (*pid == 0) {
    port_pipe->read_end.reset();
    control_pipe->write_end.reset();
    _exit(emfile_child(GetParam(), port_pipe->write_end.get(), control_pipe->read_end.get()));
  }
  port_pipe->write_end.reset();
  control_pipe->read_end.reset();
  uint16_t port = 0;
  auto got = kio::read_exact(port_pipe->read_end.get(), {reinterpret_cast<char*>(&port), sizeof port}, 5'000);
  std::vector<kio::Fd> clients;
  size_t shed = 0;
  constexpr int kClients = 24;
  if (got && *got == sizeof port) {
    clients = connect_clients(port, kClients);
    // At most 4 fit in the child's table (fewer if it has holes): the rest must be shed.
    shed = wait_for_shed_clients(clients, kClients - 4, 5'000);
  }
  (void)kio::write_all(control_pipe->write_end.get(), {"x", 1});
  auto status = kio::wait_child_for(*pid, 10'000);
  ASSERT_TRUE(status);
  if (status->pid == 0) {
    kill(*pid, SIGKILL);
    (void)kio::wait_child(*pid, true);
    FAIL() << "the EMFILE child did not finish";
  }
  ASSERT_TRUE(got && *got == sizeof port) << "child did not report its port";
  EXPECT_GE(shed, static_cast<size_t>(kClients - 4)) << "clients beyond the limit must see EOF";
  EXPECT_TRUE(status->exited) << status->describe();
  EXPECT_EQ(status->exit_code, kOk) << "10 setup failed, 11 no EMFILE seen, 12 loop spun, "
                                       "13 loop stuck";
}

INSTANTIATE_TEST_SUITE_P(Backends, ListenerTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::loop
