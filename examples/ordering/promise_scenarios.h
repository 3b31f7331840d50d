// examples/ordering/promise_scenarios.h — the scenarios with promises and coroutines
// (promise_scenarios.cc); each has a SCENARIO.js twin beside it.
#pragma once

#include "loop/loop.h"

namespace ordering {

void say(const char* label);  // main.cc: one line on stdout, flushed

void promise_then_tick_immediate(osn::loop::Loop& loop);
void await_null(osn::loop::Loop& loop);
void promise_in_fs_callback(osn::loop::Loop& loop);
void microtask_tick_interleave(osn::loop::Loop& loop);
void await_chain_vs_then_chain(osn::loop::Loop& loop);
void await_timer_vs_immediate(osn::loop::Loop& loop);
void rejection_caught_by_await(osn::loop::Loop& loop);
void await_next_in_line(osn::loop::Loop& loop);

}  // namespace ordering
