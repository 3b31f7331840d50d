// labs/08-async-await/grader/random_program.h — random_program.js in C++, on our loop.
//
// The same xorshift32 draws build the same tree of actions; each action, when it runs, prints
// its label and schedules its children: 't' next_tick, 'm' queue_microtask, 'i' set_immediate,
// 'p' a settled Promise's then, 'a' a Task's `co_await nullptr`. Node's output for seeds 1..40
// is stored in node_orders.txt (made by `node random_program.js --table 1 40`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "loop/loop.h"
#include "loop/promise.h"
#include "loop/task.h"

namespace lab08 {

struct Action {
  int kind = 0;
  std::string label;
  std::vector<Action> children;
};

class Xorshift32 {
 public:
  explicit Xorshift32(uint32_t seed) : x_(seed ? seed : 1) {}
  uint32_t next() {
    x_ ^= x_ << 13;
    x_ ^= x_ >> 17;
    x_ ^= x_ << 5;
    return x_;
  }

 private:
  uint32_t x_;
};

inline std::vector<Action> generate(Xorshift32& r, int depth, const std::string& prefix) {
  uint32_t count = depth == 0 ? 2 + r.next() % 4 : 1 + r.next() % 3;
  std::vector<Action> actions;
  for (uint32_t i = 0; i < count; ++i) {
    Action a;
    a.kind = static_cast<int>(r.next() % 5);
    a.label = prefix + "tmipa"[a.kind] + std::to_string(i);
    if (depth < 3 && r.next() % 2 == 0) a.children = generate(r, depth + 1, a.label + ".");
    actions.push_back(std::move(a));
  }
  return actions;
}

void schedule(osn::loop::Loop& loop, const Action& a, std::vector<std::string>& out);

inline osn::loop::Task<> await_null_then(osn::loop::Loop& loop, const Action* a,
                                         std::vector<std::string>* out) {
  co_await nullptr;
  out->push_back(a->label);
  for (const Action& c : a->children) schedule(loop, c, *out);
}

inline void schedule(osn::loop::Loop& loop, const Action& a, std::vector<std::string>& out) {
  auto run = [&loop, &a, &out] {
    out.push_back(a.label);
    for (const Action& c : a.children) schedule(loop, c, out);
  };
  switch (a.kind) {
    case 0: loop.next_tick(run); break;
    case 1: loop.queue_microtask(run); break;
    case 2: loop.set_immediate(run); break;
    case 3:
      osn::loop::Promise<>::settled(loop, osn::kio::Status()).then([run](const osn::kio::Status&) {
        run();
      });
      break;
    default: osn::loop::spawn(await_null_then(loop, &a, &out)); break;
  }
}

// Runs program `seed` on `loop`; the labels in the order they ran, space-separated.
inline std::string run_program(osn::loop::Loop& loop, uint32_t seed) {
  Xorshift32 r(seed);
  std::vector<Action> program = generate(r, 0, "");
  std::vector<std::string> out;
  for (const Action& a : program) schedule(loop, a, out);
  // Bounded: a drain that never empties the microtask queue must fail, not hang.
  auto guard = loop.set_timeout(3'000, [&loop] { loop.stop(); });
  loop.unref_timer(guard);
  loop.run();
  loop.clear_timer(guard);
  std::string joined;
  for (const std::string& l : out) joined += (joined.empty() ? "" : " ") + l;
  return joined;
}

}  // namespace lab08
