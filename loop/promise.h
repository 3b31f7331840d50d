// loop/promise.h — Promise<T>: a value that arrives later, and the reactions waiting for it.
//
//   Promise<int> p(loop);             // pending
//   Resolver<int> r = p.resolver();   // the producer's side (Node's `resolve`/`reject`)
//   p.then([](const kio::Result<int>& v) { ... });   // runs as a microtask once settled
//   r.resolve(42);                    // or r.reject(kio::SysError{"lookup", EAI_NONAME})
//   kio::Result<int> v = co_await p;  // inside a loop::Task: resumes as a microtask
//
// Node's rules: a promise settles once (later resolve/reject calls do nothing); each reaction
// (a then-callback or an awaiting frame) is queued as a microtask when the promise settles,
// or at once if it has settled already, in the order they were attached; then() returns a new
// promise settled with what the callback returns. A rejection no reaction has taken by the end
// of the drain is reported (unhandled_rejection.h). Errors are kio::SysError values: a
// reaction gets the kio::Result and decides.
//
// Ownership: the Promise and each Resolver share one state (a counted reference, like
// std::promise/std::future; loop thread only, so a plain count): it lives while either side,
// an attached then-callback or a queued reaction holds it. An awaiting frame that is destroyed
// first takes its reaction back. The state must not outlive its loop.
#pragma once

#include <coroutine>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernel-io/result.h"
#include "loop/frame.h"
#include "loop/loop.h"
#include "loop/unhandled_rejection.h"

namespace osn::loop {

template <class T>
class Promise;

namespace promise_detail {

template <class T>
struct State {
  explicit State(Loop& l) : loop(l) {}
  struct Reaction {
    TaskPromiseBase* frame = nullptr;                      // an awaiting frame, or
    std::function<void(const kio::Result<T>&)> callback;  // a then-callback
  };
  Loop& loop;
  std::optional<kio::Result<T>> result;
  std::vector<Reaction> reactions;
  bool handled = false;
  int refs = 0;
};

// Out of line on purpose: GCC 12, seeing the count's decrement and the delete inlined into
// every copy, warns of a use-after-free that cannot happen (-Wuse-after-free false positive).
template <class T>
[[gnu::noinline]] void free_state(State<T>* s) {
  std::default_delete<State<T>>()(s);
}

// A counted reference to the state (loop thread only: the count is a plain int).
template <class T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(State<T>* s) : s_(s) { ++s_->refs; }
  Ref(const Ref& o) : s_(o.s_) { if (s_) ++s_->refs; }
  Ref(Ref&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Ref& operator=(Ref o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~Ref() {
    if (s_ && --s_->refs == 0) free_state(s_);
  }
  State<T>* operator->() const { return s_; }
  State<T>& operator*() const { return *s_; }

 private:
  State<T>* s_ = nullptr;
};

// Queues one reaction of a settled state as a microtask.
template <class T>
void queue_reaction(const Ref<T>& state, typename State<T>::Reaction& reaction) {
  if (reaction.frame != nullptr) {
    reaction.frame->wake();
    return;
  }
  state->loop.queue_microtask(
      [state, cb = std::move(reaction.callback)] { cb(*state->result); });
}

template <class T>
void settle(const Ref<T>& state, kio::Result<T> result) {
  if (state->result) return;  // settles once
  state->result.emplace(std::move(result));
  std::vector<typename State<T>::Reaction> reactions;
  reactions.swap(state->reactions);
  for (auto& r : reactions) queue_reaction(state, r);
  if (!state->result->ok() && !state->handled) {
    state->loop.at_end_of_drain([state] {
      if (!state->handled)
        report_unhandled_rejection(state->loop, state->result->error(), "a Promise");
    });
  }
}

// then(f): f(const Result<T>&) may return nothing, a U, or a kio::Result<U>.
template <class R>
struct Unwrap {
  using type = R;
};
template <class U>
struct Unwrap<kio::Result<U>> {
  using type = U;
};

}  // namespace promise_detail

// The producer's side. Copyable; every copy settles the same promise.
template <class T>
class Resolver {
 public:
  void settle(kio::Result<T> result) const { promise_detail::settle(state_, std::move(result)); }
  template <class V = T>
  void resolve(V&& value) const requires(!std::is_void_v<T>) {
    settle(kio::Result<T>(std::forward<V>(value)));
  }
  void resolve() const requires(std::is_void_v<T>) { settle(kio::Status()); }
  void reject(kio::SysError error) const { settle(kio::Result<T>(error)); }

 private:
  friend class Promise<T>;
  explicit Resolver(promise_detail::Ref<T> state) : state_(std::move(state)) {}
  promise_detail::Ref<T> state_;
};

template <class T>
class PromiseAwaiter;

template <class T = void>
class Promise {
 public:
  explicit Promise(Loop& loop) : state_(new_state(loop)) {}
  static Promise settled(Loop& loop, kio::Result<T> result) {
    Promise p(loop);
    p.resolver().settle(std::move(result));
    return p;
  }

  Resolver<T> resolver() const { return Resolver<T>(state_); }
  bool is_settled() const { return state_->result.has_value(); }
  Loop& loop() const { return state_->loop; }

  // f runs as a microtask once this settles; the returned promise settles with what f returns.
  template <class F>
  auto then(F f) const {
    using R = std::invoke_result_t<F&, const kio::Result<T>&>;
    using U = typename promise_detail::Unwrap<R>::type;
    Promise<U> next(state_->loop);
    Resolver<U> settle_next = next.resolver();
    attach({nullptr, [f = std::move(f), settle_next](const kio::Result<T>& v) mutable {
              if constexpr (std::is_void_v<R>) {
                f(v);
                settle_next.settle(kio::Status());
              } else {
                settle_next.settle(f(v));
              }
            }});
    return next;
  }

  PromiseAwaiter<T> operator co_await() const { return PromiseAwaiter<T>(state_); }

 private:
  friend class PromiseAwaiter<T>;
  static promise_detail::Ref<T> new_state(Loop& loop) {
    return promise_detail::Ref<T>(std::make_unique<promise_detail::State<T>>(loop).release());
  }
  void attach(typename promise_detail::State<T>::Reaction reaction) const {
    state_->handled = true;
    if (state_->result) {
      promise_detail::queue_reaction(state_, reaction);
    } else {
      state_->reactions.push_back(std::move(reaction));
    }
  }
  promise_detail::Ref<T> state_;
};

// co_await promise: the frame is one more reaction; a frame destroyed while it waits takes its
// reaction back (the state is kept alive by this awaiter meanwhile).
template <class T>
class PromiseAwaiter {
 public:
  explicit PromiseAwaiter(promise_detail::Ref<T> state) : state_(std::move(state)) {}
  PromiseAwaiter(const PromiseAwaiter&) = delete;
  ~PromiseAwaiter() {
    auto& rs = state_->reactions;
    for (auto it = rs.begin(); it != rs.end(); ++it) {
      if (it->frame != nullptr && it->frame == waiting_.frame()) {
        rs.erase(it);
        break;
      }
    }
  }
  bool await_ready() const noexcept { return false; }  // settled or not: one microtask turn
  template <class P>
  bool await_suspend(std::coroutine_handle<P> h) {
    waiting_.suspend(h);
    state_->handled = true;
    if (state_->result) return waiting_.suspend_for_one_turn();  // settled: still one turn
    state_->reactions.push_back({waiting_.frame(), nullptr});
    return true;
  }
  kio::Result<T> await_resume() {
    waiting_.resumed();
    return *state_->result;
  }

 private:
  promise_detail::Ref<T> state_;
  Waiting waiting_;
};

}  // namespace osn::loop
