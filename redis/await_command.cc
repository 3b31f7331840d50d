// redis/await_command.cc — the callback that fills the Slot and wakes the frame, and the
// Delivery that still answers when the client drops the callback unanswered.
#include "redis/await_command.h"

#include <utility>

namespace osn::redis {
namespace {

// Shared by every copy of the callback (std::function may copy it): its destructor runs once,
// when the client lets go of the last copy — after calling it, or without (~Client).
class Delivery {
 public:
  explicit Delivery(std::shared_ptr<AwaitCommand::Slot> slot) : slot_(std::move(slot)) {}
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;
  ~Delivery() {
    if (!slot_->outcome) {
      deliver(Failure{FailureKind::kClosed,
                      "redis: the client was destroyed with the command in flight (no reply will come)"});
    }
  }
  void deliver(Outcome&& outcome) {
    if (slot_->outcome) return;
    slot_->outcome.emplace(std::move(outcome));
    if (slot_->waiter != nullptr) std::exchange(slot_->waiter, nullptr)->wake();
  }

 private:
  std::shared_ptr<AwaitCommand::Slot> slot_;
};

}  // namespace

AwaitCommand::AwaitCommand(Client& client, std::span<const std::string_view> args)
    : slot_(std::make_shared<Slot>()) {
  auto delivery = std::make_shared<Delivery>(slot_);
  client.command(args, [delivery](Outcome&& outcome) { delivery->deliver(std::move(outcome)); });
}

AwaitCommand::~AwaitCommand() {
  if (slot_ && slot_->waiter == waiting_.frame()) slot_->waiter = nullptr;  // nobody to wake now
}

Outcome AwaitCommand::await_resume() {
  waiting_.resumed();
  return std::move(*slot_->outcome);
}

}  // namespace osn::redis
