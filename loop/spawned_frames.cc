// loop/spawned_frames.cc — frames the loop owns: spawn()ed Tasks, and what ~Loop does to them.
//
// A spawned frame has no Task to own it (Node's `f();` without await). It runs on, and frees
// itself at its final suspend (task.h, FinalAwaiter). One that is still suspended when the
// loop is destroyed would leak, so the loop keeps every spawned frame in a list (an
// attachment, destroyed first in ~Loop) and destroys the ones left: their awaiters disarm
// (clear a timer, forget a pool completion), their locals are destroyed, nothing is resumed.
#include <memory>

#include "loop/frame.h"
#include "loop/task.h"

namespace osn::loop {

class SpawnedFrames final : public Loop::Attachment {
 public:
  static SpawnedFrames& of(Loop& loop) {
    static const int key = 0;
    if (auto* found = loop.find_attachment(&key)) return static_cast<SpawnedFrames&>(*found);
    return static_cast<SpawnedFrames&>(loop.attach(&key, std::make_unique<SpawnedFrames>()));
  }
  ~SpawnedFrames() override {
    while (head_.linked()) head_.next->frame->frame().destroy();  // unlinks itself
  }
  void add(TaskPromiseBase& frame) {
    SpawnLink& link = frame.spawn_link_;
    link.frame = &frame;
    link.prev = head_.prev;
    link.next = &head_;
    head_.prev->next = &link;
    head_.prev = &link;
  }

 private:
  SpawnLink head_;
};

void spawn_frame(TaskPromiseBase& frame) {
  frame.spawned_ = true;
  SpawnedFrames::of(frame.loop()).add(frame);
}

TaskPromiseBase::~TaskPromiseBase() {
  if (woken_) loop_->cancel_resumption(self_);  // destroyed between its wake-up and its turn
  if (spawn_link_.linked()) spawn_link_.unlink();
}

}  // namespace osn::loop
