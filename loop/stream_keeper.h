// loop/stream_keeper.h — the streams a loop owns on the program's behalf.
//
// Node hands a server's connection callback a socket that lives until it closes; nobody has to
// keep it in a container and erase it on 'end' *and* on 'error'. The StreamKeeper is that
// owner for osnode: a table of std::unique_ptr<Stream> attached to the loop (Loop::attach, the
// same place the pool keeps its per-loop state). Stream::adopt puts a stream here; a closed
// stream is freed in the close phase *after* the one that ran its close callbacks — every
// close callback of that iteration may still name it; Stream::take moves one out. The table
// is a vector with each stream's index stored in the stream: O(1) in and out, no search.
// When the Loop is destroyed, so is its keeper, first, and every stream it still holds.
// Ownership: owns the streams in its table. Thread affinity: the loop's thread only.
#pragma once

#include <memory>
#include <vector>

#include "loop/loop.h"

namespace osn::loop {

class Stream;

class StreamKeeper final : public Loop::Attachment {
 public:
  // The loop's keeper, attached on first use.
  static StreamKeeper& of(Loop& loop);
  ~StreamKeeper() override;

  Stream& keep(std::unique_ptr<Stream> stream);
  std::unique_ptr<Stream> release(Stream& stream);  // hand it to the caller
  void destroy(Stream& stream) { (void)release(stream); }
  size_t size() const { return streams_.size(); }

 private:
  std::vector<std::unique_ptr<Stream>> streams_;
};

}  // namespace osn::loop
