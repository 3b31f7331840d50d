// Lab 02's second half: the epoll backend really uses epoll, seen from the kernel's side.
//
// Results alone could come from a backend that calls poll(2) behind the interface. These
// checks look where only epoll leaves traces: the epoll instance in /proc/self/fd, its
// interest list in /proc/self/fdinfo/EPFD (one "tfd: N events: HEX" line per watched fd, as
// the kernel keeps it: so every add/modify/remove must have reached epoll_ctl), and the system
// call a thread blocked in wait() sits in (/proc/self/task/TID/syscall). Counts of descriptors,
// their interests, which are ready and the room given to wait() are random (the seed is
// printed; OSN_GRADE_SEED=N replays it). Waits are bounded; no check measures speed.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "kernel-io/fd.h"
#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/socket.h"
#include "labs/grading/graded_test.h"
#include "loop/backend.h"
#include "tests/support/stream_pairs.h"

namespace osn::loop {
namespace {

using grading::random_between;

constexpr uint32_t kInterestBits = EPOLLIN | EPOLLOUT;
constexpr uint32_t kForbiddenBits = EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE;

// The descriptors of this process that are epoll instances (/proc/self/fd/N ->
// anon_inode:[eventpoll]).
std::set<int> epoll_fds() {
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    fds.push_back(std::atoi(entry.path().filename().c_str()));
  std::set<int> epolls;
  for (int fd : fds) {  // read the links after the directory (and its own fd) is closed
    std::error_code ec;
    auto target = std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd), ec);
    if (!ec && target == "anon_inode:[eventpoll]") epolls.insert(fd);
  }
  return epolls;
}

// Makes the epoll backend and finds the descriptor it opened: the one new anon_inode:[eventpoll].
struct BackendUnderTest {
  std::unique_ptr<Backend> backend;
  int epfd = -1;
};

BackendUnderTest make_epoll() {
  BackendUnderTest out;
  std::set<int> before = epoll_fds();
  auto b = make_backend("epoll");
  if (!b) {
    ADD_FAILURE() << "make_backend(\"epoll\"): " << b.error().message();
    return out;
  }
  out.backend = std::move(*b);
  std::set<int> after = epoll_fds();
  for (int fd : after)
    if (!before.count(fd)) out.epfd = fd;
  EXPECT_EQ(after.size(), before.size() + 1)
      << "make_epoll_backend() must open exactly one epoll instance (epoll_create1)";
  return out;
}

// The kernel's interest list of `epfd`: watched fd -> its event mask, from fdinfo.
std::map<int, uint32_t> interest_list(int epfd) {
  std::map<int, uint32_t> list;
  std::ifstream in("/proc/self/fdinfo/" + std::to_string(epfd));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, events_key;
    int fd;
    std::string mask;
    if (!(words >> key) || key != "tfd:") continue;
    if (!(words >> fd >> events_key >> mask) || events_key != "events:") continue;
    list[fd] = static_cast<uint32_t>(std::stoul(mask, nullptr, 16));
  }
  return list;
}

uint32_t epoll_bits_for(uint32_t interest) {
  return ((interest & kReadable) ? EPOLLIN : 0u) | ((interest & kWritable) ? EPOLLOUT : 0u);
}

uint32_t random_interest() {
  static constexpr uint32_t kChoices[] = {0, kReadable, kWritable, kReadable | kWritable};
  return kChoices[random_between(0, 3)];
}

// Every watched fd is in the kernel's list with exactly its interest, and nothing else is.
void expect_interest_list(int epfd, const std::map<int, uint32_t>& want) {
  std::map<int, uint32_t> got = interest_list(epfd);
  EXPECT_EQ(got.size(), want.size()) << "the kernel's interest list (fdinfo) has the wrong size";
  for (const auto& [fd, interest] : want) {
    auto it = got.find(fd);
    if (it == got.end()) {
      ADD_FAILURE() << "fd " << fd << " is watched but not in /proc/self/fdinfo/" << epfd;
      continue;
    }
    EXPECT_EQ(it->second & kInterestBits, epoll_bits_for(interest))
        << "fd " << fd << ": kernel mask 0x" << std::hex << it->second << " for interest " << interest;
    EXPECT_EQ(it->second & kForbiddenBits, 0u)
        << "fd " << fd << ": level-triggered, every wait: no EPOLLET/EPOLLONESHOT/EPOLLEXCLUSIVE";
  }
  for (const auto& [fd, mask] : got)
    EXPECT_TRUE(want.count(fd)) << "fd " << fd << " is in the kernel's list but not watched";
}

// Lets this process open enough descriptors for `pairs` pipes or socket pairs.
void allow_descriptors(int pairs) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  rlim_t need = static_cast<rlim_t>(2 * pairs + 64);
  if (limit.rlim_cur >= need) return;
  ASSERT_GE(limit.rlim_max, need) << "RLIMIT_NOFILE's hard limit is below " << need;
  limit.rlim_cur = need;
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
}

std::vector<looptest::FdPair> socket_pairs(int n) {
  std::vector<looptest::FdPair> pairs;
  for (int i = 0; i < n; ++i) {
    auto p = looptest::unix_pair();
    if (!p) break;
    pairs.push_back(std::move(*p));
  }
  return pairs;
}

// One wait; the events of each fd it reported, OR-ed together.
std::map<int, uint32_t> wait_once(Backend& backend, size_t room, int timeout_ms) {
  std::vector<ReadyEvent> out(room);
  auto n = backend.wait(out, timeout_ms);
  std::map<int, uint32_t> seen;
  if (!n) {
    ADD_FAILURE() << "wait: " << n.error().message();
    return seen;
  }
  EXPECT_LE(*n, room) << "wait returned more events than the room it was given";
  for (size_t i = 0; i < *n && i < room; ++i) seen[out[i].fd] |= out[i].events;
  return seen;
}

void reset_connection(kio::Fd& fd) {
  linger hard{1, 0};  // close with RST instead of FIN
  ASSERT_EQ(::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
  fd.reset();
}

GRADED_TEST(EpollMechanism, OneCloseOnExecEpollInstancePerBackend, 5) {
  BackendUnderTest t = make_epoll();
  ASSERT_GE(t.epfd, 0);
  int flags = ::fcntl(t.epfd, F_GETFD);
  EXPECT_TRUE(flags >= 0 && (flags & FD_CLOEXEC)) << "epoll_create1(EPOLL_CLOEXEC): a program the "
                                                     "server execs must not inherit the epoll fd";
  EXPECT_EQ(std::string(t.backend->name()), "epoll");
  int epfd = t.epfd;
  t.backend.reset();
  EXPECT_FALSE(epoll_fds().count(epfd))
      << "destroying the backend must close its epoll fd (own it in a kio::Fd)";
}

GRADED_TEST(EpollMechanism, InterestListInFdinfoMatchesEveryAdd, 10) {
  int n = static_cast<int>(random_between(16, 300));
  allow_descriptors(n);
  BackendUnderTest t = make_epoll();
  ASSERT_GE(t.epfd, 0);
  auto pairs = socket_pairs(n);
  ASSERT_EQ(static_cast<int>(pairs.size()), n);
  std::map<int, uint32_t> want;
  for (auto& p : pairs) {
    uint32_t interest = random_interest();
    auto added = t.backend->add(p.a.get(), interest);
    ASSERT_TRUE(added) << "add(" << p.a.get() << ", " << interest << "): " << added.error().message();
    want[p.a.get()] = interest;
  }
  expect_interest_list(t.epfd, want);
}

GRADED_TEST(EpollMechanism, ModifyAndRemoveReachTheKernel, 10) {
  int n = static_cast<int>(random_between(16, 200));
  allow_descriptors(n);
  BackendUnderTest t = make_epoll();
  ASSERT_GE(t.epfd, 0);
  auto pairs = socket_pairs(n);
  ASSERT_EQ(static_cast<int>(pairs.size()), n);
  std::map<int, uint32_t> want;
  for (auto& p : pairs) {
    uint32_t interest = random_interest();
    ASSERT_TRUE(t.backend->add(p.a.get(), interest));
    want[p.a.get()] = interest;
  }
  for (int round = 0; round < 3; ++round) {
    for (auto& [fd, interest] : want) {
      if (random_between(0, 1) == 0) continue;
      interest = random_interest();
      auto changed = t.backend->modify(fd, interest);
      ASSERT_TRUE(changed) << "modify(" << fd << "): " << changed.error().message();
    }
    expect_interest_list(t.epfd, want);
  }
  for (auto it = want.begin(); it != want.end();) {
    if (random_between(0, 2) != 0) {
      ++it;
      continue;
    }
    auto removed = t.backend->remove(it->first);
    ASSERT_TRUE(removed) << "remove(" << it->first << "): " << removed.error().message();
    it = want.erase(it);
  }
  expect_interest_list(t.epfd, want);
}

GRADED_TEST(EpollMechanism, ErrorsAreTheContractsErrnos, 5) {
  BackendUnderTest t = make_epoll();
  ASSERT_TRUE(t.backend);
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  int fd = p->read_end.get();
  auto r = t.backend->remove(fd);
  ASSERT_FALSE(r) << "remove of an fd never added must fail";
  EXPECT_EQ(r.error().code, ENOENT) << r.error().message();
  auto m = t.backend->modify(fd, kReadable);
  ASSERT_FALSE(m) << "modify of an fd never added must fail";
  EXPECT_EQ(m.error().code, ENOENT) << m.error().message();
  ASSERT_TRUE(t.backend->add(fd, kReadable));
  auto again = t.backend->add(fd, kWritable);
  ASSERT_FALSE(again) << "adding a watched fd again must fail";
  EXPECT_EQ(again.error().code, EEXIST) << again.error().message();
  int closed = p->write_end.get();
  p->write_end.reset();
  auto bad = t.backend->add(closed, kReadable);
  ASSERT_FALSE(bad) << "adding a closed descriptor must fail";
  EXPECT_EQ(bad.error().code, EBADF) << bad.error().message();
}

GRADED_TEST(EpollMechanism, HangupsAreReportedWithNoInterest, 5) {
  BackendUnderTest t = make_epoll();
  ASSERT_TRUE(t.backend);
  // A reset TCP peer: kError and kHangup, though nothing was asked for.
  auto tcp = looptest::tcp_pair();
  ASSERT_TRUE(tcp);
  ASSERT_TRUE(t.backend->add(tcp->b.get(), 0));
  ASSERT_TRUE(kio::write_some(tcp->a.get(), {"unread", 6}));
  reset_connection(tcp->a);
  // A socket pair whose peer closed, watched with no interest: kHangup only.
  auto unix_end = looptest::unix_pair();
  ASSERT_TRUE(unix_end);
  ASSERT_TRUE(t.backend->add(unix_end->a.get(), 0));
  unix_end->b.reset();
  std::map<int, uint32_t> seen;
  for (int i = 0; i < 100 && seen.size() < 2; ++i)
    for (auto [fd, events] : wait_once(*t.backend, 8, 50)) seen[fd] |= events;
  uint32_t reset = seen[tcp->b.get()];
  EXPECT_TRUE(reset & kError) << "a reset peer is kError; events=" << reset;
  EXPECT_TRUE(reset & kHangup) << "events=" << reset;
  EXPECT_FALSE(reset & (kReadable | kWritable)) << "not asked for; events=" << reset;
  uint32_t closed = seen[unix_end->a.get()];
  EXPECT_TRUE(closed & kHangup) << "a closed peer is kHangup; events=" << closed;
  EXPECT_FALSE(closed & (kReadable | kWritable)) << "not asked for; events=" << closed;
}

GRADED_TEST(EpollMechanism, RemovedThenClosedFdIsForgotten, 5) {
  BackendUnderTest t = make_epoll();
  ASSERT_GE(t.epfd, 0);
  auto first = kio::make_pipe();
  ASSERT_TRUE(first);
  int number = first->read_end.get();
  ASSERT_TRUE(t.backend->add(number, kReadable));
  ASSERT_TRUE(kio::write_some(first->write_end.get(), {"x", 1}));
  ASSERT_TRUE(t.backend->remove(number));
  EXPECT_FALSE(interest_list(t.epfd).count(number)) << "remove() must be EPOLL_CTL_DEL";
  EXPECT_FALSE(wait_once(*t.backend, 8, 10).count(number)) << "a removed fd was reported";
  first->read_end.reset();  // closed: the number is free again
  auto second = kio::make_pipe();
  ASSERT_TRUE(second);
  // The lowest free number is usually handed out again; if not, put the new pipe there.
  kio::Fd alias;
  if (second->read_end.get() != number) {
    alias = kio::Fd(::dup2(second->read_end.get(), number));
    ASSERT_EQ(alias.get(), number);
  }
  auto added = t.backend->add(number, kReadable);
  ASSERT_TRUE(added) << "adding the reused number " << number << ": " << added.error().message();
  EXPECT_FALSE(wait_once(*t.backend, 8, 10).count(number)) << "the new pipe is empty";
  ASSERT_TRUE(kio::write_some(second->write_end.get(), {"y", 1}));
  EXPECT_TRUE(wait_once(*t.backend, 8, 1000)[number] & kReadable);
}

GRADED_TEST(EpollMechanism, ManyDescriptorsOnlyTheReadyOnesComeBack, 5) {
  int n = static_cast<int>(random_between(100, 400));
  allow_descriptors(n);
  BackendUnderTest t = make_epoll();
  ASSERT_TRUE(t.backend);
  std::vector<kio::Pipe> pipes;
  for (int i = 0; i < n; ++i) {
    auto p = kio::make_pipe();
    ASSERT_TRUE(p);
    ASSERT_TRUE(t.backend->add(p->read_end.get(), kReadable));
    pipes.push_back(std::move(*p));
  }
  std::set<int> ready;
  for (auto& p : pipes) {
    if (random_between(0, 3) != 0) continue;
    ASSERT_TRUE(kio::write_some(p.write_end.get(), {"x", 1}));
    ready.insert(p.read_end.get());
  }
  size_t room = static_cast<size_t>(random_between(1, 64));
  std::set<int> seen;
  for (size_t round = 0; round < ready.size() + 5 && seen.size() < ready.size(); ++round) {
    for (auto [fd, events] : wait_once(*t.backend, room, 100)) {
      ASSERT_TRUE(ready.count(fd)) << "fd " << fd << " has no data but was reported";
      EXPECT_TRUE(events & kReadable);
      char byte;
      ASSERT_TRUE(kio::read_some(fd, {&byte, 1}));  // drained: not reported again
      EXPECT_TRUE(seen.insert(fd).second) << "fd " << fd << " reported again after it was drained";
    }
  }
  EXPECT_EQ(seen, ready) << n << " pipes, " << ready.size() << " ready, room for " << room;
}

GRADED_TEST(EpollMechanism, ReportedBitsAreTheInterestPlusTheEnd, 5) {
  int n = static_cast<int>(random_between(8, 64));
  BackendUnderTest t = make_epoll();
  ASSERT_TRUE(t.backend);
  auto pairs = socket_pairs(n);
  ASSERT_EQ(static_cast<int>(pairs.size()), n);
  std::map<int, uint32_t> want;
  for (auto& p : pairs) {
    uint32_t interest = random_interest();
    ASSERT_TRUE(t.backend->add(p.a.get(), interest));
    ASSERT_TRUE(kio::write_some(p.b.get(), {"x", 1}));  // readable, and room to write
    want[p.a.get()] = interest;
  }
  std::map<int, uint32_t> seen = wait_once(*t.backend, 256, 1000);
  for (const auto& [fd, interest] : want) {
    if (interest == 0) {
      EXPECT_FALSE(seen.count(fd)) << "fd " << fd << " asked for nothing but was reported";
    } else {
      EXPECT_EQ(seen[fd] & ~uint32_t{kError | kHangup}, interest) << "fd " << fd;
    }
  }
}

// A thread that waits once and says what it got.
struct Waiter {
  std::atomic<pid_t> tid{0};
  std::atomic<bool> done{false};
  size_t events = 0;
  bool ok = false;
  std::thread thread;

  void start(Backend& backend, int timeout_ms) {
    thread = std::thread([this, &backend, timeout_ms] {
      tid = static_cast<pid_t>(::syscall(SYS_gettid));
      ReadyEvent out[8];
      auto n = backend.wait(out, timeout_ms);
      ok = n.ok();
      events = n ? *n : 0;
      done = true;
    });
  }
};

// Is thread `tid` of this process inside an epoll wait right now? (/proc/.../syscall's first
// field is the number of the system call the thread is blocked in.)
bool in_epoll_wait(pid_t tid) {
  std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long number = -1;
  if (!(in >> number)) return false;
#ifdef SYS_epoll_wait
  if (number == SYS_epoll_wait) return true;
#endif
#ifdef SYS_epoll_pwait2
  if (number == SYS_epoll_pwait2) return true;
#endif
  return number == SYS_epoll_pwait;
}

bool wait_for(const std::function<bool()>& condition, int limit_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

GRADED_TEST(EpollMechanism, WaitBlocksInEpollWaitAndASignalEndsItWithNoEvents, 5) {
  struct sigaction quiet{};
  quiet.sa_handler = [](int) {};
  sigemptyset(&quiet.sa_mask);  // no SA_RESTART: the wait is interrupted (EINTR)
  struct sigaction before{};
  ASSERT_EQ(::sigaction(SIGUSR2, &quiet, &before), 0);
  BackendUnderTest t = make_epoll();
  ASSERT_TRUE(t.backend);
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  ASSERT_TRUE(t.backend->add(p->read_end.get(), kReadable));
  Waiter waiter;
  waiter.start(*t.backend, -1);
  bool blocked = wait_for([&] { return waiter.tid != 0 && in_epoll_wait(waiter.tid); }, 10'000);
  EXPECT_TRUE(blocked) << "wait(-1) did not block in epoll_wait/epoll_pwait";
  if (blocked) ::pthread_kill(waiter.thread.native_handle(), SIGUSR2);
  bool returned = wait_for([&] { return waiter.done.load(); }, 10'000);
  if (!returned) (void)kio::write_some(p->write_end.get(), {"x", 1});  // let it go
  waiter.thread.join();
  ::sigaction(SIGUSR2, &before, nullptr);
  EXPECT_TRUE(returned) << "a signal must end the wait (EINTR is 0 events, not a retry)";
  EXPECT_TRUE(waiter.ok) << "EINTR is not an error: 0 events";
  EXPECT_EQ(waiter.events, 0u);
}

GRADED_TEST(EpollMechanism, TimeoutsAreHonoured, 5) {
  BackendUnderTest t = make_epoll();
  ASSERT_TRUE(t.backend);
  auto p = kio::make_pipe();
  ASSERT_TRUE(p);
  ASSERT_TRUE(t.backend->add(p->read_end.get(), kReadable));
  // A positive timeout with nothing ready: no events, and not before the timeout.
  int timeout = static_cast<int>(random_between(15, 60));
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(wait_once(*t.backend, 8, timeout).empty());
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, std::chrono::milliseconds(timeout - 1)) << "wait(" << timeout << ") returned early";
  // 0 only looks. A wait that blocked instead would be released by the data below, seen as an event.
  Waiter looker;
  looker.start(*t.backend, 0);
  bool looked = wait_for([&] { return looker.done.load(); }, 10'000);
  if (!looked) (void)kio::write_some(p->write_end.get(), {"x", 1});
  looker.thread.join();
  EXPECT_TRUE(looked && looker.ok && looker.events == 0) << "wait(0) must return at once";
  // -1 waits as long as it takes: until the data a thread writes after a random delay.
  int delay = static_cast<int>(random_between(20, 80));
  Waiter sleeper;
  start = std::chrono::steady_clock::now();
  sleeper.start(*t.backend, -1);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  EXPECT_FALSE(sleeper.done) << "wait(-1) returned with nothing ready";
  ASSERT_TRUE(kio::write_some(p->write_end.get(), {"x", 1}));
  bool woke = wait_for([&] { return sleeper.done.load(); }, 10'000);
  if (!woke) (void)kio::write_some(p->write_end.get(), {"x", 1});
  sleeper.thread.join();
  EXPECT_TRUE(woke && sleeper.ok && sleeper.events == 1) << "wait(-1) must return with the data";
}

}  // namespace
}  // namespace osn::loop
