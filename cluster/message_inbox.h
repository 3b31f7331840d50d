// cluster/message_inbox.h — co_await the next cluster message (process.on('message') as a loop).
//
//   MessageInbox inbox(loop);
//   context.on_message(inbox.sink());                 // a worker: messages from the primary
//   channel.start(inbox.sink(), inbox.closer());      // or any Channel
//   kio::Result<Message> m = co_await inbox.next();   // ECONNRESET once the channel closed
//
// Messages that arrive while no frame waits are queued in arrival order (message passing, no
// shared memory: each is a copy). next() resumes as a microtask after the channel's callback,
// or on the next microtask turn if one is queued already. After the channel closes, queued
// messages are still handed out, then every next() gives ECONNRESET.
// Ownership: the inbox owns its queued messages; sink() and closer() capture it, so it must
// outlive the channel (or the WorkerContext) it is given to. One waiting frame at a time.
// Loop thread only.
#pragma once

#include <coroutine>
#include <deque>
#include <functional>
#include <string>

#include "cluster/message.h"
#include "kernel-io/result.h"
#include "loop/frame.h"
#include "loop/loop.h"

namespace osn::cluster {

class MessageInbox {
 public:
  explicit MessageInbox(loop::Loop& loop) : loop_(loop) {}
  MessageInbox(const MessageInbox&) = delete;
  MessageInbox& operator=(const MessageInbox&) = delete;
  loop::Loop& loop() const { return loop_; }

  std::function<void(const Message&)> sink();
  std::function<void(const std::string& reason)> closer();
  size_t queued() const { return queued_.size(); }

  class Next {
   public:
    explicit Next(MessageInbox& inbox) : inbox_(inbox) {}
    Next(Next&& o) noexcept : inbox_(o.inbox_) {}
    ~Next();
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) {
      waiting_.suspend(h);
      inbox_.wait(waiting_.frame());
    }
    kio::Result<Message> await_resume();

   private:
    MessageInbox& inbox_;
    loop::Waiting waiting_;
  };
  Next next() { return Next(*this); }

 private:
  void wait(loop::TaskPromiseBase* frame);
  void arrived(const Message& message);
  void closed();

  loop::Loop& loop_;
  std::deque<Message> queued_;
  bool closed_ = false;
  loop::TaskPromiseBase* waiter_ = nullptr;
};

}  // namespace osn::cluster
