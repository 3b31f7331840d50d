// loop/stream_keeper.cc — the loop's table of streams it owns (see stream_keeper.h).
#include "loop/stream_keeper.h"

#include "loop/stream.h"

namespace osn::loop {

namespace {
const char kKeeperKey = 0;  // its address names the attachment
}  // namespace

StreamKeeper& StreamKeeper::of(Loop& loop) {
  if (Loop::Attachment* found = loop.find_attachment(&kKeeperKey)) return static_cast<StreamKeeper&>(*found);
  return static_cast<StreamKeeper&>(loop.attach(&kKeeperKey, std::make_unique<StreamKeeper>()));
}

StreamKeeper::~StreamKeeper() {
  // Newest first, and out of the table before each destructor runs (it may not look back).
  while (!streams_.empty()) (void)release(*streams_.back());
}

Stream& StreamKeeper::keep(std::unique_ptr<Stream> stream) {
  stream->keeper_ = this;
  stream->keeper_slot_ = streams_.size();
  streams_.push_back(std::move(stream));
  return *streams_.back();
}

std::unique_ptr<Stream> StreamKeeper::release(Stream& stream) {
  const size_t slot = stream.keeper_slot_;
  std::unique_ptr<Stream> out = std::move(streams_[slot]);
  if (slot + 1 != streams_.size()) {  // the last one fills the hole
    streams_[slot] = std::move(streams_.back());
    streams_[slot]->keeper_slot_ = slot;
  }
  streams_.pop_back();
  out->keeper_ = nullptr;
  return out;
}

}  // namespace osn::loop
