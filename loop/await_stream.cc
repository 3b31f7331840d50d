// loop/await_stream.cc — a Stream's callbacks turned into wake-ups of one reader and one writer.
//
// Every path ends in TaskPromiseBase::wake(): the frame resumes as a microtask after the
// callback that woke it (see await_stream.h for the rules and the backpressure).
#include "loop/await_stream.h"

#include <utility>

namespace osn::loop {

AwaitStream::AwaitStream(Stream& stream) : stream_(stream) {
  stream_.on_end([this] {
    ended_ = true;
    wake_reader();
  });
  stream_.on_error([this](const kio::SysError& e) { fail(e); });
  stream_.on_drain([this] {
    if (writer_ != nullptr) std::exchange(writer_, nullptr)->wake();
  });
}

AwaitStream::~AwaitStream() {
  stream_.read_stop();
  stream_.on_end({});
  stream_.on_error({});
  stream_.on_drain({});
}

void AwaitStream::on_data(std::string_view bytes) {
  buffered_.append(bytes);
  if (buffered_.size() >= kHighWater) stream_.read_stop();  // nobody takes it: stop pulling
  wake_reader();
}

void AwaitStream::wake_reader() {
  if (reader_ != nullptr) std::exchange(reader_, nullptr)->wake();
}

void AwaitStream::fail(const kio::SysError& error) {
  error_ = error;
  wake_reader();
  if (writer_ != nullptr) std::exchange(writer_, nullptr)->wake();
}

void AwaitStream::wait_to_read(TaskPromiseBase* frame) {
  if (!buffered_.empty() || ended_ || error_) {
    frame->wake();  // something is here already: still one microtask turn
    return;
  }
  reader_ = frame;
  if (!stream_.is_reading()) stream_.read_start([this](std::string_view b) { on_data(b); });
}

kio::Result<std::string> AwaitStream::Read::await_resume() {
  waiting_.resumed();
  if (!s_.buffered_.empty()) return std::exchange(s_.buffered_, {});
  if (s_.error_) return *s_.error_;
  return std::string();  // the peer ended
}

AwaitStream::Read::~Read() {
  if (s_.reader_ == waiting_.frame()) s_.reader_ = nullptr;
}

void AwaitStream::write_and_wait(std::string_view data, TaskPromiseBase* frame) {
  if (error_ || stream_.write(data)) {
    frame->wake();  // under the high-water mark (or failed): go on
    return;
  }
  ++drain_waits_;
  writer_ = frame;  // over it: wait for 'drain'
}

kio::Status AwaitStream::Write::await_resume() {
  waiting_.resumed();
  if (s_.error_) return *s_.error_;
  return {};
}

AwaitStream::Write::~Write() {
  if (s_.writer_ == waiting_.frame()) s_.writer_ = nullptr;
}

}  // namespace osn::loop
