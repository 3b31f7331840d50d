// loop/stream.cc — non-blocking reads, the write queue, partial writes and backpressure.
//
// Lifetime while calling out: call_out() points destroyed_flag_ at a local bool that the
// destructor sets. After every user callback we check it and return at once if the Stream is
// gone — a callback may delete the very object whose member function is running. call_out()
// also drains the next_tick queue after each callback: one readable event may mean several
// on_data calls (and one flush several write callbacks), and ticks run between them.
#include "loop/stream.h"

#include <sys/uio.h>

#include <algorithm>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"

namespace osn::loop {

namespace {
constexpr int kMaxReadsPerEvent = 16;  // then let other descriptors have a turn
constexpr size_t kMaxIovecs = 64;
}  // namespace

Stream::Stream(Loop& loop, kio::Fd fd)
    : Handle(loop), fd_(std::move(fd)), watcher_(loop, fd_.get(), [this](uint32_t events) {
        handle_events(events);
      }) {
  watcher_.unref();  // the Stream's own active state keeps the loop alive, not the watcher
}

Stream::~Stream() {
  if (destroyed_flag_) *destroyed_flag_ = true;
  watcher_.stop();
  set_active(false);
}

template <class F>
bool Stream::call_out(F&& callback) {
  bool destroyed = false;
  bool* outer = destroyed_flag_;
  destroyed_flag_ = &destroyed;
  Loop& loop = this->loop();  // the Loop outlives us; `this` may not outlive the callback
  callback();
  loop.drain_ticks();  // as after every callback (a tick may destroy this Stream too)
  if (destroyed) {
    if (outer) *outer = true;  // tell every enclosing call_out too
    return false;
  }
  destroyed_flag_ = outer;
  return true;
}

void Stream::read_start(DataCallback on_data) {
  on_data_ = std::move(on_data);
  reading_ = true;
  update_interest();
}

void Stream::read_stop() {
  reading_ = false;
  update_interest();
}

void Stream::update_interest() {
  if (!fd_.valid()) return;
  uint32_t interest = (reading_ ? uint32_t{kReadable} : 0u) | (write_queue_.empty() ? 0u : uint32_t{kWritable});
  set_active(interest != 0);
  if (auto status = watcher_.start(interest); !status) fail(status.error());
}

void Stream::handle_events(uint32_t events) {
  if (reading_ && (events & (kReadable | kHangup | kError))) {
    if (!call_out([&] { read_available(); })) return;
  }
  if (!write_queue_.empty() && (events & (kWritable | kHangup | kError))) flush_write_queue();
}

void Stream::read_available() {
  for (int i = 0; i < kMaxReadsPerEvent && reading_ && fd_.valid(); ++i) {
    std::span<char> buf = loop().read_buffer();
    auto n = kio::read_some(fd_.get(), buf);
    if (!n) {
      if (!n.error().would_block()) fail(n.error());
      return;
    }
    if (*n == 0) {  // end of stream: the peer will send no more
      read_stop();
      if (on_end_) {
        Callback cb = on_end_;
        cb();
      }
      return;
    }
    if (!call_out([&] { on_data_(std::string_view(buf.data(), *n)); })) return;
    if (*n < buf.size()) return;  // drained the socket: no need to try again now
  }
}

bool Stream::write(std::string data, WriteCallback done) {
  if (!fd_.valid() || write_side_closed_ || shutdown_requested_) {
    if (done) loop().defer_to_pending([done] { done(kio::SysError{"write", EPIPE}); });
    return false;
  }
  size_t offset = 0;
  if (write_queue_.empty()) {  // fast path: try the system call right away
    auto n = kio::write_some(fd_.get(), data);
    if (n && *n == data.size()) {
      if (done) loop().defer_to_pending([done = std::move(done)] { done({}); });
      return true;
    }
    // A partial write queues the rest. A hard error (EPIPE, ECONNRESET) queues everything: the
    // socket reports itself writable at once and flush_write_queue() meets the same error,
    // so it is reported from the loop, never from inside write().
    if (n) offset = *n;
  }
  queued_bytes_ += data.size() - offset;
  write_queue_.push_back(WriteRequest{std::move(data), offset, std::move(done)});
  update_interest();
  if (queued_bytes_ >= high_water_) need_drain_ = true;
  return queued_bytes_ < high_water_;
}

void Stream::flush_write_queue() {
  while (!write_queue_.empty()) {
    iovec iov[kMaxIovecs];
    size_t count = std::min(write_queue_.size(), kMaxIovecs);
    for (size_t i = 0; i < count; ++i) {
      WriteRequest& r = write_queue_[i];
      iov[i] = iovec{r.data.data() + r.offset, r.data.size() - r.offset};
    }
    auto n = kio::writev_some(fd_.get(), {iov, count});
    if (!n) {
      if (!n.error().would_block()) fail(n.error());
      return;  // EAGAIN: the watcher stays interested in kWritable
    }
    size_t written = *n;
    queued_bytes_ -= written;
    while (written > 0) {
      WriteRequest& front = write_queue_.front();
      size_t left = front.data.size() - front.offset;
      if (written < left) {  // partial: this request stays first in line
        front.offset += written;
        break;
      }
      written -= left;
      WriteCallback done = std::move(front.done);
      write_queue_.pop_front();
      if (done && (!call_out([&] { done({}); }) || !fd_.valid())) return;
    }
  }
  update_interest();
  if (need_drain_) {
    need_drain_ = false;
    if (on_drain_ && !call_out([cb = on_drain_] { cb(); })) return;
  }
  if (shutdown_requested_ && write_queue_.empty()) finish_shutdown();
}

void Stream::shutdown(WriteCallback done) {
  if (shutdown_requested_ || write_side_closed_ || !fd_.valid()) {
    if (done) loop().defer_to_pending([done] { done(kio::SysError{"shutdown", ENOTCONN}); });
    return;
  }
  shutdown_requested_ = true;
  shutdown_done_ = std::move(done);
  if (write_queue_.empty()) finish_shutdown();
}

void Stream::finish_shutdown() {
  if (write_side_closed_ || !fd_.valid()) return;
  write_side_closed_ = true;
  kio::Status status = kio::shutdown_write(fd_.get());
  if (WriteCallback done = std::move(shutdown_done_))
    loop().defer_to_pending([done = std::move(done), status] { done(status); });
}

// A read or write failed for good: cancel queued writes, tell the owner (or close).
void Stream::fail(const kio::SysError& error) {
  if (!fd_.valid()) return;
  reading_ = false;
  std::deque<WriteRequest> failed;
  failed.swap(write_queue_);
  queued_bytes_ = 0;
  for (WriteRequest& r : failed)
    if (r.done && !call_out([&] { r.done(error); })) return;
  if (on_error_) {
    if (!call_out([cb = on_error_, &error] { cb(error); })) return;
  } else {
    close();
  }
  if (fd_.valid()) update_interest();
}

void Stream::stop_watching() {
  // close(): stop watching and close the descriptor now, so the peer sees FIN (or RST) at once.
  // Queued writes are cancelled; their callbacks run (ECANCELED) before the close callback.
  for (WriteRequest& r : write_queue_)
    if (r.done)
      loop().queue_close_callback([done = std::move(r.done)] {
        done(kio::SysError{"write", ECANCELED});
      });
  write_queue_.clear();
  queued_bytes_ = 0;
  reading_ = false;
  watcher_.stop();
  set_active(false);
  (void)fd_.close();
}

}  // namespace osn::loop
