// loop/stream.cc — non-blocking reads, the write queue, partial writes and backpressure.
//
// Lifetime while calling out: call_out() runs a user callback under a DestroyGuard
// (loop/destroy_guard.h) and reports whether the Stream survived it — a callback may delete
// the very object whose member function is running. call_out() also drains the next_tick
// queue after each callback: one readable event may mean several on_data calls (and one flush
// several write callbacks), and ticks run between them. A loop-owned Stream is never deleted
// inside its callbacks: the StreamKeeper frees it in a close phase (loop/stream_keeper.h).
#include "loop/stream.h"

#include <sys/uio.h>

#include <algorithm>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "loop/stream_keeper.h"

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
  watcher_.stop();
  set_active(false);
}

Stream& Stream::adopt(Loop& loop, kio::Fd fd) {
  return StreamKeeper::of(loop).keep(std::make_unique<Stream>(loop, std::move(fd)));
}

std::unique_ptr<Stream> Stream::take() {
  if (keeper_ == nullptr || is_closing()) return nullptr;
  close_when_flushed_ = false;  // yours now: nothing closes by itself
  return keeper_->release(*this);
}

template <class F>
bool Stream::call_out(F&& callback) {
  DestroyGuard guard(destroy_flag_);
  Loop& loop = this->loop();  // the Loop outlives us; `this` may not outlive the callback
  callback();
  loop.drain_ticks_and_microtasks();  // as after every callback (a tick may destroy this Stream too)
  return !guard.destroyed();
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
  // A socket that failed (a reset) says so even while nobody reads: every backend reports
  // kError on a watched fd (loop/backend.h). A pipe is not a socket: its end shows below.
  if (events & kError) {
    if (auto pending = kio::socket_error(fd_.get()))
      return fail(kio::SysError{"read", *pending != 0 ? *pending : ECONNRESET});
  }
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
    if (*n == 0) return reached_end();  // end of stream: the peer will send no more
    if (!call_out([&] { on_data_(std::string_view(buf.data(), *n)); })) return;
    if (*n < buf.size()) return;  // drained the socket: no need to try again now
  }
}

// The peer half-closed. A loop-owned stream then ends its side too, once what it still owes
// is written, as a Node socket does (allowHalfOpen: false); one you own waits for you.
void Stream::reached_end() {
  read_stop();
  if (on_end_ && !call_out([cb = on_end_] { cb(); })) return;
  if (keeper_ == nullptr || is_closing()) return;
  if (write_queue_.empty()) {
    close();
  } else {
    close_when_flushed_ = true;
  }
}

bool Stream::write(std::string_view data, WriteCallback done) {
  if (!fd_.valid() || write_side_closed_ || shutdown_requested_) {
    if (done) loop().defer_to_pending([done] { done(kio::SysError{"write", EPIPE}); });
    return false;
  }
  size_t offset = 0;
  if (write_queue_.empty()) {  // fast path: the system call, straight from the caller's bytes
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
  enqueue(data.substr(offset), std::move(done));
  update_interest();
  if (queued_bytes_ >= high_water_) need_drain_ = true;
  return queued_bytes_ < high_water_;
}

// Copies bytes the kernel did not take. A write joins the request queued before it when that
// one has no callback (one buffer, one iovec, one allocation less); the new write's callback,
// if any, becomes the joined request's and fires when its last byte is out — when it is due.
void Stream::enqueue(std::string_view bytes, WriteCallback done) {
  queued_bytes_ += bytes.size();
  if (!write_queue_.empty() && !write_queue_.back().done) {
    WriteRequest& last = write_queue_.back();
    last.data.append(bytes);
    last.done = std::move(done);
    return;
  }
  write_queue_.push_back(WriteRequest{std::string(bytes), 0, std::move(done)});
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
    while (!write_queue_.empty()) {
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
  if (close_when_flushed_ && write_queue_.empty() && !is_closing()) close();
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
  Fifo<WriteRequest> failed;
  failed.swap(write_queue_);
  queued_bytes_ = 0;
  for (WriteRequest& r : failed)
    if (r.done && !call_out([&] { r.done(error); })) return;
  if (on_error_ && !call_out([cb = on_error_, &error] { cb(error); })) return;
  if (!on_error_ || keeper_ != nullptr) {
    close();
  } else if (fd_.valid()) {
    update_interest();
  }
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
  if (Callback cb = std::move(on_close_)) loop().queue_close_callback(std::move(cb));
  if (keeper_ != nullptr) {
    // Loop-owned: freed in the next close phase, after this one has run every close callback
    // (Handle::close queues the caller's after this one, and it may still name the stream).
    Loop& loop = this->loop();
    loop.queue_close_callback([&loop, this] {
      loop.queue_close_callback([this] { keeper_->destroy(*this); });
    });
  }
}

}  // namespace osn::loop
