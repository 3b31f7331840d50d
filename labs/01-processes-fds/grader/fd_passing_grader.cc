// labs/01-processes-fds/grader/fd_passing_grader.cc — lab 01's checks of the SCM_RIGHTS code.
//
// What arrives must be the *same open file* the sender had, not a look-alike: fstat(2) gives
// the same st_dev and st_ino, and the file offset is shared (a write through one number moves
// the other's offset). The checks send random counts of descriptors, in random order, between
// two processes; read the sender's message with a plain recvmsg(2) to see the one control
// record attach_fds must build; mix in a second record (SCM_CREDENTIALS) that collect_fds must
// skip; and overflow the receiver's control buffer to see the truncation reported with every
// descriptor that did arrive owned (none leaks: /proc/self/fd is counted).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "kernel-io/fd_passing.h"
#include "kernel-io/io.h"
#include "kernel-io/pipe.h"
#include "kernel-io/socket.h"
#include "labs/grading/graded_test.h"
#include "tests/support/fd_table.h"
#include "tests/support/process_guard.h"
#include "tests/support/temp_dir.h"

namespace osn::kio {
namespace {

using grading::random_between;

std::span<const char> bytes(const std::string& s) { return {s.data(), s.size()}; }

std::string random_bytes(size_t length) {
  std::string s;
  for (size_t i = 0; i < length; ++i) s += static_cast<char>(random_between(1, 255));
  return s;
}

bool same_open_file_identity(int a, int b) {
  struct stat sa {}, sb {};
  return ::fstat(a, &sa) == 0 && ::fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

Result<Received> receive_within(int socket, std::span<char> buf) {
  auto ready = wait_readable(socket, 10'000);
  if (!ready) return ready.error();
  if (!*ready) return SysError{"recvmsg (grader: nothing arrived in 10 s)", ETIMEDOUT};
  return receive_with_fds(socket, buf);
}

GRADED_TEST(FdPassing, TheReceivedFdIsTheSameOpenFile, 10) {
  test::TempDir dir;
  std::string path = dir.path() + "/file";
  Fd file(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  ASSERT_TRUE(file);
  auto pair = socket_pair();
  ASSERT_TRUE(pair);
  std::string message = random_bytes(static_cast<size_t>(random_between(1, 200)));
  auto sent = send_with_fds(pair->first.get(), bytes(message), std::vector<int>{file.get()});
  ASSERT_TRUE(sent) << sent.error().message();
  std::vector<char> buf(512);
  auto got = receive_within(pair->second.get(), buf);
  ASSERT_TRUE(got) << got.error().message();
  ASSERT_EQ(std::string(buf.data(), got->bytes), message);
  ASSERT_EQ(got->fds.size(), 1u) << "one descriptor was sent";
  int received = got->fds[0].get();
  EXPECT_NE(received, file.get()) << "the kernel installs a new number";
  EXPECT_TRUE(same_open_file_identity(received, file.get())) << "st_dev/st_ino differ: not the file that was sent";
  // Same open file description, not only the same inode: the offset is shared.
  std::string data = random_bytes(static_cast<size_t>(random_between(1, 4000)));
  ASSERT_TRUE(write_all(received, bytes(data)));
  EXPECT_EQ(::lseek(file.get(), 0, SEEK_CUR), static_cast<off_t>(data.size()));
  EXPECT_TRUE(is_cloexec(received)) << "received descriptors arrive close-on-exec";
}

GRADED_TEST(FdPassing, SeveralFdsInOneMessageArriveInOrder, 10) {
  size_t count = static_cast<size_t>(random_between(2, static_cast<int64_t>(kMaxPassedFds)));
  std::vector<Pipe> pipes;
  std::vector<int> write_ends;
  for (size_t i = 0; i < count; ++i) {
    auto p = make_pipe();
    ASSERT_TRUE(p);
    pipes.push_back(std::move(*p));
  }
  std::vector<size_t> order(count);
  for (size_t i = 0; i < count; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), grading::rng());
  for (size_t i : order) write_ends.push_back(pipes[i].write_end.get());
  auto pair = socket_pair();
  ASSERT_TRUE(pair);
  size_t fds_before = test::open_fds().size();
  {
    ASSERT_TRUE(send_with_fds(pair->first.get(), bytes("x"), write_ends));
    char buf[8];
    auto got = receive_within(pair->second.get(), buf);
    ASSERT_TRUE(got) << got.error().message();
    ASSERT_EQ(got->fds.size(), count);
    EXPECT_FALSE(got->truncated);
    for (size_t k = 0; k < count; ++k) {
      const Pipe& p = pipes[order[k]];
      ASSERT_TRUE(same_open_file_identity(got->fds[k].get(), p.write_end.get()))
          << "descriptor " << k << " of the message is not the " << k << "th one sent";
      std::string token = "token-" + std::to_string(k) + "-" + std::to_string(random_between(0, 1'000'000));
      ASSERT_TRUE(write_all(got->fds[k].get(), bytes(token)));
      std::vector<char> back(token.size());
      auto n = read_exact(p.read_end.get(), back);
      ASSERT_TRUE(n && *n == token.size());
      EXPECT_EQ(std::string(back.data(), back.size()), token);
    }
    EXPECT_EQ(test::open_fds().size(), fds_before + count) << "each received descriptor is one new number";
  }
  EXPECT_EQ(test::open_fds().size(), fds_before) << "the received descriptors are owned (closed with Received)";
}

GRADED_TEST(FdPassing, ADescriptorCrossesIntoAnotherProcess, 10) {
  // A forked child has no copy of the pipe (it is created after fork); it gets the write end
  // only through the socket, and writes a random token through it.
  auto pair = socket_pair();
  ASSERT_TRUE(pair);
  std::string token = "from-the-child-" + std::to_string(random_between(0, 1'000'000'000));
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    pair->first.reset();
    char buf[8];
    auto got = receive_within(pair->second.get(), buf);
    if (!got || got->fds.size() != 1) ::_exit(3);
    ::_exit(write_all(got->fds[0].get(), bytes(token)) ? 0 : 4);
  }
  test::ChildGuard guard(child);
  pair->second.reset();
  auto p = make_pipe();
  ASSERT_TRUE(p);
  ASSERT_TRUE(send_with_fds(pair->first.get(), bytes("!"), std::vector<int>{p->write_end.get()}));
  p->write_end.reset();  // now only the child holds a write end
  std::vector<char> back(token.size());
  auto n = read_exact(p->read_end.get(), back);
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(std::string(back.data(), *n), token);
  auto status = guard.wait_for(10'000);
  ASSERT_TRUE(status && status->pid == child);
  EXPECT_EQ(status->exit_code, 0) << "3: the child did not receive exactly one fd; " << status->describe();
}

GRADED_TEST(FdPassing, TheMessageCarriesOneRightsRecord, 5) {
  // Read what attach_fds built with a plain recvmsg and a roomy control buffer.
  size_t count = static_cast<size_t>(random_between(1, static_cast<int64_t>(kMaxPassedFds)));
  std::vector<Fd> files;
  std::vector<int> numbers;
  for (size_t i = 0; i < count; ++i) {
    files.emplace_back(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    numbers.push_back(files.back().get());
  }
  auto pair = socket_pair();
  ASSERT_TRUE(pair);
  std::string message = random_bytes(static_cast<size_t>(random_between(1, 100)));
  ASSERT_TRUE(send_with_fds(pair->first.get(), bytes(message), numbers));
  std::vector<char> buf(256);
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) char control[1024];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ASSERT_TRUE(wait_readable(pair->second.get(), 10'000));
  ssize_t n = ::recvmsg(pair->second.get(), &msg, MSG_CMSG_CLOEXEC);
  ASSERT_EQ(n, static_cast<ssize_t>(message.size()));
  EXPECT_EQ(std::string(buf.data(), static_cast<size_t>(n)), message);
  EXPECT_EQ(msg.msg_flags & MSG_CTRUNC, 0);
  int records = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    ++records;
    EXPECT_EQ(c->cmsg_level, SOL_SOCKET);
    EXPECT_EQ(c->cmsg_type, SCM_RIGHTS);
    EXPECT_EQ(c->cmsg_len, CMSG_LEN(sizeof(int) * count));
    size_t got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < got; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      Fd owned(fd);
      if (i < count) {
        EXPECT_TRUE(same_open_file_identity(fd, numbers[i]));
      }
    }
  }
  EXPECT_EQ(records, 1);
}

#ifdef SO_PASSCRED
GRADED_TEST(FdPassing, OtherControlRecordsAreSkipped, 5) {
  // With SO_PASSCRED the kernel adds an SCM_CREDENTIALS record (pid, uid, gid) to every message
  // it delivers: collect_fds must walk past it to the SCM_RIGHTS record.
  auto pair = socket_pair();
  ASSERT_TRUE(pair);
  int on = 1;
  ASSERT_EQ(::setsockopt(pair->second.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on), 0);
  size_t count = static_cast<size_t>(random_between(1, 4));
  auto p = make_pipe();
  ASSERT_TRUE(p);
  std::vector<int> numbers(count, p->read_end.get());
  ASSERT_TRUE(send_with_fds(pair->first.get(), bytes("c"), numbers));
  char buf[8];
  auto got = receive_within(pair->second.get(), buf);
  ASSERT_TRUE(got) << got.error().message();
  ASSERT_EQ(got->fds.size(), count) << "the SCM_RIGHTS record comes after the SCM_CREDENTIALS one";
  for (const Fd& fd : got->fds) EXPECT_TRUE(same_open_file_identity(fd.get(), p->read_end.get()));
}
#endif

GRADED_TEST(FdPassing, ATruncatedControlMessageIsReportedAndNothingLeaks, 5) {
  // More descriptors than the receiver has room for (kMaxPassedFds), sent with a raw sendmsg:
  // the kernel delivers what fits, closes the rest and sets MSG_CTRUNC.
  size_t count = static_cast<size_t>(random_between(kMaxPassedFds + 1, kMaxPassedFds + 20));
  Fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(null);
  std::vector<int> numbers(count, null.get());
  auto pair = socket_pair();
  ASSERT_TRUE(pair);
  std::vector<char> control(CMSG_SPACE(sizeof(int) * count));
  char byte = 't';
  iovec iov{&byte, 1};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int) * count);
  std::memcpy(CMSG_DATA(c), numbers.data(), sizeof(int) * count);
  ASSERT_EQ(::sendmsg(pair->first.get(), &msg, 0), 1) << std::strerror(errno);
  size_t fds_before = test::open_fds().size();
  {
    char buf[8];
    auto got = receive_within(pair->second.get(), buf);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_TRUE(got->truncated) << count << " fds sent, room for " << kMaxPassedFds;
    EXPECT_GT(got->fds.size(), 0u) << "the descriptors that fit are delivered";
    EXPECT_LE(got->fds.size(), kMaxPassedFds);
    for (const Fd& fd : got->fds) EXPECT_TRUE(same_open_file_identity(fd.get(), null.get()));
    EXPECT_EQ(test::open_fds().size(), fds_before + got->fds.size()) << "an fd arrived that nobody owns";
  }
  EXPECT_EQ(test::open_fds().size(), fds_before) << "a received descriptor leaked";
}

}  // namespace
}  // namespace osn::kio
