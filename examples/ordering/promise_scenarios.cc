// examples/ordering/promise_scenarios.cc — promises, microtasks and co_await against Node.
//
// Each function is the C++ twin of SCENARIO.js (read the .js for why Node prints what it
// prints; tests/integration/ordering_test.cc requires identical output). Tasks are spawn()ed:
// the loop owns their frames, as Node owns an async function nobody awaits.
#include "examples/ordering/promise_scenarios.h"

#include <string>

#include "kernel-io/result.h"
#include "loop/promise.h"
#include "loop/sleep.h"
#include "loop/task.h"
#include "pool/fs.h"

namespace ordering {

using osn::kio::Result;
using osn::kio::Status;
using osn::loop::Loop;
using osn::loop::Promise;
using osn::loop::spawn;
using osn::loop::Task;
using StatResult = Result<struct stat>;

void promise_then_tick_immediate(Loop& loop) {
  loop.set_immediate([] { say("immediate"); });
  Promise<>::settled(loop, Status()).then([](const Status&) { say("then"); });
  loop.next_tick([] { say("nextTick"); });
}

Task<> async_start_await_null(Loop& loop) {
  (void)loop;
  say("async start");
  co_await nullptr;  // await null
  say("after await");
}

void await_null(Loop& loop) {
  loop.set_immediate([] { say("immediate"); });
  spawn(async_start_await_null(loop));
  Promise<>::settled(loop, Status()).then([](const Status&) { say("then"); });
  loop.next_tick([] { say("nextTick"); });
  say("main");
}

void promise_in_fs_callback(Loop& loop) {
  osn::pool::fs::stat(loop, ".", [&loop](StatResult) {
    say("stat");
    loop.set_timeout(0, [] { say("timeout"); });
    loop.set_immediate([] { say("immediate"); });
    Promise<>::settled(loop, Status()).then([](const Status&) { say("then"); });
    loop.next_tick([] { say("nextTick"); });
  });
}

void microtask_tick_interleave(Loop& loop) {
  loop.set_immediate([] { say("immediate"); });
  loop.next_tick([&loop] {
    say("tick 1");
    loop.queue_microtask([&loop] {
      say("micro from tick");
      loop.next_tick([] { say("tick from micro from tick"); });
    });
    loop.next_tick([] { say("tick 2"); });
  });
  loop.queue_microtask([&loop] {
    say("micro 1");
    loop.next_tick([] { say("tick from micro 1"); });
    loop.queue_microtask([] { say("micro 2"); });
  });
}

Task<> three_awaits(Loop& loop) {
  (void)loop;
  for (int i = 1; i <= 3; ++i) {
    co_await nullptr;
    say(("await " + std::to_string(i)).c_str());
  }
}

void await_chain_vs_then_chain(Loop& loop) {
  spawn(three_awaits(loop));
  Promise<>::settled(loop, Status())
      .then([](const Status&) { say("then 1"); })
      .then([](const Status&) { say("then 2"); })
      .then([](const Status&) { say("then 3"); });
}

Task<> sleep_one(Loop& loop) {
  say("sleep start");
  co_await osn::loop::sleep(loop, 1);
  say("slept");
}

void await_timer_vs_immediate(Loop& loop) {
  osn::pool::fs::stat(loop, ".", [&loop](StatResult) {
    spawn(sleep_one(loop));
    loop.set_timeout(1, [] { say("timeout after"); });
    loop.set_immediate([] { say("immediate"); });
  });
}

Task<> catch_it(Loop& loop, Promise<int> p) {
  (void)loop;
  Result<int> v = co_await p;
  if (v.ok()) {
    say("no error?");
  } else {
    say((std::string("caught ") + osn::kio::errno_name(v.error().code)).c_str());
  }
}

void rejection_caught_by_await(Loop& loop) {
  Promise<int> p = Promise<int>::settled(loop, osn::kio::SysError{"open", ENOENT});
  spawn(catch_it(loop, p));
  loop.next_tick([] { say("nextTick"); });
  say("main");
}

Task<> next_in_line_child(Loop& loop) {
  (void)loop;
  co_await nullptr;
  say("child");
}

Task<> next_in_line_inner(Loop& loop) {
  (void)loop;
  say("inner 1");
  co_await nullptr;
  say("inner 2");
}

Task<> next_in_line_parent(Loop& loop) {
  say("parent 1");
  co_await nullptr;  // behind the microtask queued first: goes round the queue
  say("parent 2");
  co_await nullptr;  // inner's turn is queued: round again
  say("parent 3");
  loop.next_tick([] { say("tick from parent"); });
  co_await nullptr;  // nothing else queued: taken in place, still before the tick
  say("parent 4");
  spawn(next_in_line_child(loop));
  co_await nullptr;  // the child's turn is queued first
  say("parent 5");
}

void await_next_in_line(Loop& loop) {
  loop.queue_microtask([&loop] {
    spawn(next_in_line_inner(loop));
    say("after inner()");
  });
  spawn(next_in_line_parent(loop));
  say("main");
}

}  // namespace ordering
