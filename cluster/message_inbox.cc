// cluster/message_inbox.cc — a channel's message callback turned into wake-ups (see the header).
#include "cluster/message_inbox.h"

#include <cerrno>
#include <utility>

namespace osn::cluster {

std::function<void(const Message&)> MessageInbox::sink() {
  return [this](const Message& m) { arrived(m); };
}

std::function<void(const std::string&)> MessageInbox::closer() {
  return [this](const std::string&) { closed(); };
}

void MessageInbox::arrived(const Message& message) {
  queued_.push_back(message);
  if (waiter_ != nullptr) std::exchange(waiter_, nullptr)->wake();
}

void MessageInbox::closed() {
  closed_ = true;
  if (waiter_ != nullptr) std::exchange(waiter_, nullptr)->wake();
}

void MessageInbox::wait(loop::TaskPromiseBase* frame) {
  if (!queued_.empty() || closed_) {
    frame->wake();  // one is here already: still one microtask turn
    return;
  }
  waiter_ = frame;
}

kio::Result<Message> MessageInbox::Next::await_resume() {
  waiting_.resumed();
  if (inbox_.queued_.empty()) return kio::SysError{"channel closed", ECONNRESET};
  Message m = std::move(inbox_.queued_.front());
  inbox_.queued_.pop_front();
  return m;
}

MessageInbox::Next::~Next() {
  if (inbox_.waiter_ == waiting_.frame()) inbox_.waiter_ = nullptr;
}

}  // namespace osn::cluster
