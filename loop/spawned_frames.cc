// loop/spawned_frames.cc — frames the loop owns: spawn()ed Tasks, and what ~Loop does to them.
//
// A spawned frame has no Task to own it (Node's `f();` without await). It runs on, and frees
// itself at its final suspend (task.h, FinalAwaiter). One that is still suspended when the
// loop is destroyed would leak, so the loop keeps every spawned frame in a list (an
// attachment, destroyed first in ~Loop) and destroys the ones left: their awaiters disarm
// (clear a timer, cancel a pool request), their locals are destroyed, nothing is resumed.
// The loop owns the list and destroys it first in ~Loop, before its attachments (the pool),
// so a frame's awaiters can still reach everything they registered with.
#include "loop/spawned_frames.h"

#include "loop/frame.h"
#include "loop/task.h"

namespace osn::loop {

SpawnedFrames::~SpawnedFrames() {
  while (head_.linked()) head_.next->frame->frame().destroy();  // each unlinks itself
}

void SpawnedFrames::add(TaskPromiseBase& frame) {
  SpawnLink& link = frame.spawn_link_;
  link.frame = &frame;
  link.prev = head_.prev;
  link.next = &head_;
  head_.prev->next = &link;
  head_.prev = &link;
}

void spawn_frame(TaskPromiseBase& frame) {
  frame.spawned_ = true;
  frame.loop().spawned_frames().add(frame);
}

TaskPromiseBase::~TaskPromiseBase() {
  if (woken_) loop_->cancel_resumption(self_);  // destroyed between its wake-up and its turn
  if (spawn_link_.linked()) spawn_link_.unlink();
}

}  // namespace osn::loop
