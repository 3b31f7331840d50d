// loop/timers.cc — setTimeout, setInterval, clearTimeout on a min-heap.
//
// A TimerId packs a slot index (low 32 bits) and that slot's generation (high 32 bits): when
// a slot is reused the generation changes, so a stale id can never cancel somebody else's
// timer. Deadlines are in loop time (milliseconds, cached per iteration), like libuv's.
// The timers phase pops every timer whose deadline has passed, in deadline order; an interval
// is put back before its callback runs so that the callback may clear it.
#include "kernel-io/clock.h"
#include "loop/loop.h"
#include "loop/trace_file.h"

namespace osn::loop {

namespace {
uint32_t slot_of(TimerId id) { return static_cast<uint32_t>(id & 0xffffffffu); }
uint32_t generation_of(TimerId id) { return static_cast<uint32_t>(id >> 32); }
TimerId make_id(uint32_t slot, uint32_t generation) {
  return (static_cast<TimerId>(generation) << 32) | slot;
}
}  // namespace

TimerId Loop::set_timeout(uint64_t delay_ms, Callback cb) {
  assert_in_loop_thread("Loop::set_timeout");
  return add_timer(delay_ms, 0, std::move(cb));
}

TimerId Loop::set_interval(uint64_t interval_ms, Callback cb) {
  assert_in_loop_thread("Loop::set_interval");
  if (interval_ms < 1) interval_ms = 1;
  return add_timer(interval_ms, interval_ms, std::move(cb));
}

TimerId Loop::add_timer(uint64_t delay_ms, uint64_t repeat_ms, Callback cb) {
  if (delay_ms < 1) delay_ms = 1;  // Node: setTimeout(fn, 0) means 1 ms
  uint32_t slot;
  if (!free_timer_slots_.empty()) {
    slot = free_timer_slots_.back();
    free_timer_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(timer_slots_.size());
    timer_slots_.emplace_back();
  }
  TimerSlot& t = timer_slots_[slot];
  t.cb = std::move(cb);
  t.repeat_ms = repeat_ms;
  t.in_use = true;
  t.refed = true;
  t.label = "timer";
  ++refed_timers_;
  timer_heap_.insert(slot, now_ms_ + delay_ms, timer_sequence_++);
  return make_id(slot, t.generation);
}

void Loop::label_timer(TimerId id, const char* label) {
  assert_in_loop_thread("Loop::label_timer");
  if (TimerSlot* t = find_timer(id)) t->label = label;
}

Loop::TimerSlot* Loop::find_timer(TimerId id) {
  uint32_t slot = slot_of(id);
  if (slot >= timer_slots_.size()) return nullptr;
  TimerSlot& t = timer_slots_[slot];
  if (!t.in_use || t.generation != generation_of(id)) return nullptr;
  return &t;
}

void Loop::free_timer_slot(uint32_t slot) {
  TimerSlot& t = timer_slots_[slot];
  if (t.refed) --refed_timers_;
  t.cb = nullptr;
  t.in_use = false;
  ++t.generation;
  if (t.generation == 0) t.generation = 1;  // ids are never 0
  timer_heap_.erase(slot);
  free_timer_slots_.push_back(slot);
}

bool Loop::clear_timer(TimerId id) {
  assert_in_loop_thread("Loop::clear_timer");
  if (find_timer(id) == nullptr) return false;
  free_timer_slot(slot_of(id));
  return true;
}

void Loop::unref_timer(TimerId id) {
  assert_in_loop_thread("Loop::unref_timer");
  TimerSlot* t = find_timer(id);
  if (t == nullptr || !t->refed) return;
  t->refed = false;
  --refed_timers_;
}

size_t Loop::run_timers_phase() {
  size_t fired = 0;
  while (!timer_heap_.empty() && timer_heap_.top_deadline() <= now_ms_) {
    uint32_t slot = timer_heap_.top_slot();
    // Lag: how late this timer runs compared with its deadline.
    uint64_t deadline_ns = timer_heap_.top_deadline() * 1'000'000u;
    uint64_t now_ns = kio::monotonic_ns();
    lag_.record(now_ns > deadline_ns ? now_ns - deadline_ns : 0);
    timer_heap_.pop();
    fire_timer(slot);
    ++fired;
  }
  return fired;
}

void Loop::fire_timer(uint32_t slot) {
  TimerSlot& t = timer_slots_[slot];
  uint32_t generation = t.generation;
  Callback cb = std::move(t.cb);  // the callback may clear or reuse this slot
  const char* label = t.label;
  if (t.repeat_ms > 0) {
    timer_heap_.insert(slot, now_ms_ + t.repeat_ms, timer_sequence_++);
  } else {
    free_timer_slot(slot);
  }
  activity_.label.store(label, std::memory_order_relaxed);
  const uint64_t start = trace_file_ ? kio::monotonic_ns() : 0;
  invoke(cb);
  if (trace_file_) trace_file_->complete(label, "timer", start, kio::monotonic_ns());
  // Still the same interval (not cleared by its callback)? Give it its callback back.
  TimerSlot& after = timer_slots_[slot];  // timer_slots_ may have grown: index again
  if (after.in_use && after.generation == generation) after.cb = std::move(cb);
}

}  // namespace osn::loop
