// examples/ordering — which callback runs first? Node's ordering rules, one scenario each.
//
// Each scenario prints one label per line. Beside this file, SCENARIO.js is the same program
// for Node.js; tests/integration runs both and requires identical output. Scenarios whose
// order Node leaves to chance (a 0 ms timeout against an immediate queued by the main
// program: it depends on how long the loop took to start) are deliberately absent — see
// docs/loop.md.
//
//   build/bin/ordering nexttick-first        OSN_TRACE=loop build/bin/ordering immediate-in-io
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string_view>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "examples/ordering/promise_scenarios.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "pool/fs.h"

using osn::loop::Loop;

namespace {

// What a scenario must keep alive while the loop runs (owned by main, destroyed after run()).
struct Keep {
  osn::kio::Fd left, right;
  std::unique_ptr<osn::loop::IoWatcher> watcher;
  int runs = 0;
  osn::loop::TimerId interval = 0;
};

using ordering::say;

// An immediate, then a tick, both from the main program: the tick runs first.
void nexttick_first(Loop& loop, Keep&) {
  loop.set_immediate([] { say("immediate"); });
  loop.next_tick([] { say("nextTick"); });
}

// Inside an I/O callback, an immediate always beats a 0 ms timeout: the check phase comes
// right after the poll phase, the timers phase only in the next iteration.
void immediate_in_io(Loop& loop, Keep& keep) {
  auto pair = osn::kio::socket_pair();
  if (!pair) return;
  keep.left = std::move(pair->first);
  keep.right = std::move(pair->second);
  keep.watcher = std::make_unique<osn::loop::IoWatcher>(loop, keep.right.get(), [&](uint32_t) {
    char byte;
    (void)osn::kio::read_some(keep.right.get(), {&byte, 1});
    keep.watcher->stop();
    say("io");
    loop.set_timeout(0, [] { say("timeout"); });
    loop.set_immediate([] { say("immediate"); });
  });
  (void)keep.watcher->start(osn::loop::kReadable);
  (void)osn::kio::write_some(keep.left.get(), {"x", 1});
}

// Ticks that queue ticks that queue ticks: all of them run before the immediate.
void nested_nexttick(Loop& loop, Keep&) {
  loop.set_immediate([] { say("immediate"); });
  loop.next_tick([&loop] {
    say("tick 1");
    loop.next_tick([&loop] {
      say("tick 2");
      loop.next_tick([] { say("tick 3"); });
    });
  });
}

// An immediate queues an immediate and a tick: the tick right away, the new immediate in the
// next iteration's check phase.
void immediate_chain(Loop& loop, Keep&) {
  loop.set_immediate([&loop] {
    say("immediate 1");
    loop.set_immediate([] { say("immediate 2"); });
    loop.next_tick([] { say("tick"); });
  });
}

// Five timers with one deadline fire in the order they were created.
void timers_same_deadline(Loop& loop, Keep&) {
  static const char* kLabels[] = {"timer 1", "timer 2", "timer 3", "timer 4", "timer 5"};
  for (const char* label : kLabels) loop.set_timeout(5, [label] { say(label); });
}

// A tick queued in the first of two due timers runs before the second timer.
void tick_between_timers(Loop& loop, Keep&) {
  loop.set_timeout(2, [&loop] {
    say("timer 1");
    loop.next_tick([] { say("tick"); });
  });
  loop.set_timeout(2, [] { say("timer 2"); });
}

// An interval cleared on its third run fires exactly three times.
void interval_clear(Loop& loop, Keep& keep) {
  keep.interval = loop.set_interval(1, [&loop, &keep] {
    ++keep.runs;
    std::printf("interval %d\n", keep.runs);
    std::fflush(stdout);
    if (keep.runs == 3) loop.clear_timer(keep.interval);
  });
}

// A pool request chained from a pool callback, next to an immediate: the immediate runs first.
// The first stat's callback runs in the poll phase; the second stat may well be done before
// that callback returns, but the loop takes its done list once per wake-up (as libuv's
// uv__work_done), so "stat 2" waits for the next poll phase, after this check phase.
// Watch it: OSN_TRACE=loop build/bin/ordering pool-chain (both callbacks under poll).
void pool_chain(Loop& loop, Keep&) {
  using StatResult = osn::kio::Result<struct stat>;
  osn::pool::fs::stat(loop, ".", [&loop](StatResult) {
    say("stat 1");
    loop.set_immediate([] { say("immediate"); });
    osn::pool::fs::stat(loop, ".", [](StatResult) { say("stat 2"); });
  });
}

// The promise scenarios (promise_scenarios.cc) keep nothing: their Tasks are spawned.
template <void (*F)(Loop&)>
void promise_scenario(Loop& loop, Keep&) {
  F(loop);
}

struct Scenario {
  const char* name;
  void (*setup)(Loop&, Keep&);
};

constexpr Scenario kScenarios[] = {
    {"nexttick-first", nexttick_first},     {"immediate-in-io", immediate_in_io},
    {"nested-nexttick", nested_nexttick},   {"immediate-chain", immediate_chain},
    {"timers-same-deadline", timers_same_deadline},
    {"tick-between-timers", tick_between_timers},
    {"interval-clear", interval_clear},     {"pool-chain", pool_chain},
    {"promise-then-tick-immediate", promise_scenario<ordering::promise_then_tick_immediate>},
    {"await-null", promise_scenario<ordering::await_null>},
    {"promise-in-fs-callback", promise_scenario<ordering::promise_in_fs_callback>},
    {"microtask-tick-interleave", promise_scenario<ordering::microtask_tick_interleave>},
    {"await-chain-vs-then-chain", promise_scenario<ordering::await_chain_vs_then_chain>},
    {"await-timer-vs-immediate", promise_scenario<ordering::await_timer_vs_immediate>},
    {"rejection-caught-by-await", promise_scenario<ordering::rejection_caught_by_await>},
    {"await-next-in-line", promise_scenario<ordering::await_next_in_line>},
};

}  // namespace

void ordering::say(const char* label) {
  std::puts(label);
  std::fflush(stdout);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s SCENARIO\nscenarios:", argv[0]);
    for (const Scenario& s : kScenarios) std::fprintf(stderr, " %s", s.name);
    std::fputc('\n', stderr);
    return 64;
  }
  for (const Scenario& s : kScenarios) {
    if (std::strcmp(argv[1], s.name) != 0) continue;
    Loop loop;
    Keep keep;
    s.setup(loop, keep);
    loop.run();
    return 0;
  }
  std::fprintf(stderr, "ordering: unknown scenario '%s'\n", argv[1]);
  return 64;
}
