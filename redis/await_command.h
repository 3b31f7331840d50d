// redis/await_command.h — co_await of one Redis command: the callback of Client::command as an
// awaitable, resumed as a microtask on the loop thread.
//
//   loop::Task<> f(redis::Client& client, std::string key) {
//     redis::Outcome got = co_await redis::command(client, "GET", key);  // the arguments written out
//     co_await redis::command(client, std::array<std::string_view, 3>{"SET", key, value});
//     co_await redis::command(client, args);  // a std::vector<std::string_view> built at run time
//     if (!got.ok()) ...                    // no reply: got.failure().kind says if it may have run
//     else if (got.reply().is_error()) ...  // -ERR: Redis said no, a value as any other reply
//   }
//
// command() sends at once, as Node's `client.get(key)` does before anyone awaits it: it calls
// Client::command, which copies the arguments before it returns (they need not outlive the
// call). The callback stores the Outcome in a small Slot and wakes the frame waiting on it; the
// frame resumes in the microtask drain right after that callback (docs/redis.md §5). Every
// co_await costs that one turn, even of an outcome that came before the co_await started.
// Errors stay values: a -ERR reply, a lost connection, a timeout, a closed client all come back
// as the Outcome the callback would have had — co_await never throws and never hangs on them.
//
// Lifetimes (the rules, each safe under ASan):
//  - The frame destroyed first (its Task reset, or ~Loop destroying a spawned frame): the
//    awaiter's destructor leaves the Slot without a waiter; the reply still comes to the
//    callback, which stores it and wakes nobody.
//  - The client destroyed with the command in flight: ~Client drops its callbacks without
//    calling them, so the callback's last copy carries a Delivery whose destructor gives the
//    frame a Failure of kind kClosed instead — the frame resumes (as a microtask) rather than
//    waiting forever. The Client must still be destroyed before its loop, as always.
//  - An awaitable never awaited: the command still runs; its outcome is dropped.
// Those three forms compile on g++ 12 and clang++ 14. A literal braced list *inside* the co_await,
// `co_await command(client, {"GET", key})`, does not on g++ 11/12 ("error: array used as
// initializer" at the coroutine's closing brace: the list's backing array, a temporary that must
// live in the frame across the suspension, is initialized there from the array as a whole), so
// the docs do not use it; made before the co_await (`auto get = command(client, {...});`) it
// compiles everywhere (tests/redis/await_command_test.cc shows each form).
// Ownership: the callback (inside the client) and the awaiter share the Slot (std::shared_ptr:
// two owners with independent lifetimes). Loop thread only; awaited from a loop::Task.
#pragma once

#include <concepts>
#include <coroutine>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "loop/frame.h"
#include "redis/client.h"
#include "redis/outcome.h"

namespace osn::redis {

class [[nodiscard]] AwaitCommand {
 public:
  AwaitCommand(Client& client, std::span<const std::string_view> args);  // sends it now
  AwaitCommand(AwaitCommand&& other) noexcept : slot_(std::move(other.slot_)) {}
  AwaitCommand& operator=(const AwaitCommand&) = delete;
  ~AwaitCommand();

  bool await_ready() const noexcept { return false; }
  template <class P>
  void await_suspend(std::coroutine_handle<P> h) {
    waiting_.suspend(h);
    if (slot_->outcome) {
      waiting_.wake();  // answered already: still one microtask turn
    } else {
      slot_->waiter = waiting_.frame();
    }
  }
  Outcome await_resume();

  struct Slot {
    std::optional<Outcome> outcome;
    loop::TaskPromiseBase* waiter = nullptr;  // the frame suspended on it, or none
  };

 private:
  std::shared_ptr<Slot> slot_;
  loop::Waiting waiting_;
};

inline AwaitCommand command(Client& client, std::span<const std::string_view> args) {
  return AwaitCommand(client, args);
}
inline AwaitCommand command(Client& client, std::initializer_list<std::string_view> args) {
  return AwaitCommand(client, std::span<const std::string_view>(args.begin(), args.size()));
}
template <class... Arg>
  requires(sizeof...(Arg) > 0 && (std::convertible_to<const Arg&, std::string_view> && ...))
AwaitCommand command(Client& client, const Arg&... args) {
  const std::string_view list[] = {std::string_view(args)...};
  return AwaitCommand(client, list);
}

}  // namespace osn::redis
