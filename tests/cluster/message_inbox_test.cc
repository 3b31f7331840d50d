// tests/cluster/message_inbox_test.cc — co_await the next cluster message (cluster/message_inbox.h):
// messages in order, from a forked child process over a socketpair channel, and the close.
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "cluster/channel.h"
#include "cluster/message_inbox.h"
#include "gtest/gtest.h"
#include "kernel-io/socket.h"
#include "loop/loop.h"
#include "loop/task.h"
#include "tests/support/loop_fixture.h"

namespace osn::cluster {
namespace {

using loop::Task;
using looptest::all_backends;
using looptest::backend_param_name;

class MessageInboxTest : public looptest::LoopTest {};

Task<> collect(MessageInbox& inbox, std::vector<std::string>* got, int* close_code) {
  for (;;) {
    kio::Result<Message> m = co_await inbox.next();
    if (!m) {
      *close_code = m.error().code;
      co_return;
    }
    got->push_back(std::string(m->get("n")));
  }
}

TEST_P(MessageInboxTest, MessagesArriveInOrderThenTheCloseIsAnError) {
  auto pair = kio::socket_pair(SOCK_STREAM);
  ASSERT_TRUE(pair);
  Channel sender(loop, std::move(pair->first));
  auto receiver = std::make_unique<Channel>(loop, std::move(pair->second));
  MessageInbox inbox(loop);
  receiver->start(inbox.sink(), inbox.closer());
  sender.start([](const Message&) {}, [](const std::string&) {});
  std::vector<std::string> got;
  int close_code = 0;
  Task<> t = collect(inbox, &got, &close_code);
  for (int i = 0; i < 50; ++i) sender.send(Message("work").set_int("n", i));
  loop.set_timeout(50, [&] { sender.close(); });
  run_bounded(20'000);
  ASSERT_EQ(got.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(got[i], std::to_string(i));
  EXPECT_EQ(close_code, ECONNRESET);
}

// The child is a separate process with its own loop: a Task awaits the primary's message and
// answers it — message passing between address spaces, nothing shared.
TEST_P(MessageInboxTest, AForkedChildAwaitsAMessageAndAnswers) {
  auto pair = kio::socket_pair(SOCK_STREAM);
  ASSERT_TRUE(pair);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    pair->first.reset();
    loop::Loop child_loop(GetParam());
    Channel channel(child_loop, std::move(pair->second));
    MessageInbox inbox(child_loop);
    channel.start(inbox.sink(), inbox.closer());
    auto answer = [](MessageInbox& inbox, Channel& channel) -> Task<> {
      kio::Result<Message> m = co_await inbox.next();
      if (m) channel.send(Message("answer").set_int("pid", ::getpid()).set("echo", m->get("q")));
    };
    Task<> t = answer(inbox, channel);
    auto guard = child_loop.set_timeout(10'000, [&] { child_loop.stop(); });
    child_loop.unref_timer(guard);
    while (!t.done() && child_loop.run(loop::RunMode::kOnce)) {}
    for (int i = 0; i < 100 && child_loop.run(loop::RunMode::kNoWait); ++i) {}  // flush
    ::_exit(t.done() ? 0 : 1);
  }
  pair->second.reset();
  Channel primary(loop, std::move(pair->first));
  MessageInbox inbox(loop);
  primary.start(inbox.sink(), inbox.closer());
  primary.send(Message("question").set("q", "hello"));
  std::string echo;
  int64_t from = 0;
  auto wait_answer = [](MessageInbox& inbox, std::string* echo, int64_t* from) -> Task<> {
    kio::Result<Message> m = co_await inbox.next();
    if (!m) co_return;
    *echo = m->get("echo");
    *from = m->get_int("pid").value_or(0);
  };
  Task<> t = wait_answer(inbox, &echo, &from);
  run_bounded(20'000);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(echo, "hello");
  EXPECT_EQ(from, pid);
}

INSTANTIATE_TEST_SUITE_P(Backends, MessageInboxTest, ::testing::ValuesIn(all_backends()),
                         backend_param_name);

}  // namespace
}  // namespace osn::cluster
