// loop/spawned_frames.h — the frames the loop owns (spawn()ed Tasks), destroyed first in ~Loop.
//
// An intrusive list through each frame's SpawnLink (frame.h): adding and a frame leaving it
// (when it finishes or is destroyed) cost no allocation and no search. Loop thread only.
#pragma once

#include "loop/frame.h"

namespace osn::loop {

class SpawnedFrames {
 public:
  SpawnedFrames() = default;
  SpawnedFrames(const SpawnedFrames&) = delete;
  SpawnedFrames& operator=(const SpawnedFrames&) = delete;
  ~SpawnedFrames();  // destroys every frame still suspended
  void add(TaskPromiseBase& frame);

 private:
  SpawnLink head_;
};

}  // namespace osn::loop
