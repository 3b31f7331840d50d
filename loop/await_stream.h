// loop/await_stream.h — co_await on a Stream: read the next bytes, write with backpressure.
//
//   AwaitStream s(stream);
//   kio::Result<std::string> got = co_await s.read();   // "" once the peer has ended
//   kio::Status sent = co_await s.write(bytes);          // waits for 'drain' when it must
//
// Reading: bytes that arrive while no frame waits are kept; past kHighWater the stream stops
// reading (read_stop), so the kernel's receive buffer fills and the peer's sends slow down —
// the pull-based backpressure of Node's `for await (const chunk of socket)`. The next read()
// starts reading again. Writing: write() hands the bytes to Stream::write at once; if that
// returned true the frame resumes on the next microtask turn, if false (the queue is over the
// high-water mark) it resumes on 'drain' — Node's `if (!s.write(b)) await once(s, 'drain')`.
// An error (ECONNRESET, EPIPE) is the result of the read or write waiting, and of every later
// one. Each resumption is a microtask after the Stream's callback.
//
// Ownership: borrows the Stream, which must outlive it, and takes over its on_data, on_end,
// on_error and on_drain callbacks. One frame may wait on read() and one on write() at a time.
// A waiting frame that is destroyed takes its wait back (the awaiters' destructors). Loop
// thread only.
#pragma once

#include <coroutine>
#include <optional>
#include <string>
#include <string_view>

#include "kernel-io/result.h"
#include "loop/frame.h"
#include "loop/stream.h"

namespace osn::loop {

class AwaitStream {
 public:
  static constexpr size_t kHighWater = 64 * 1024;  // bytes kept for a reader before read_stop

  explicit AwaitStream(Stream& stream);
  ~AwaitStream();
  AwaitStream(const AwaitStream&) = delete;
  AwaitStream& operator=(const AwaitStream&) = delete;
  Stream& stream() const { return stream_; }
  Loop& loop() const { return stream_.loop(); }

  class Read {
   public:
    explicit Read(AwaitStream& s) : s_(s) {}
    Read(Read&& o) noexcept : s_(o.s_) {}
    ~Read();
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) {
      waiting_.suspend(h);
      s_.wait_to_read(waiting_.frame());
    }
    kio::Result<std::string> await_resume();

   private:
    AwaitStream& s_;
    Waiting waiting_;
  };

  class Write {
   public:
    Write(AwaitStream& s, std::string_view data) : s_(s), data_(data) {}
    Write(Write&& o) noexcept : s_(o.s_), data_(o.data_) {}
    ~Write();
    bool await_ready() const noexcept { return false; }
    template <class P>
    void await_suspend(std::coroutine_handle<P> h) {
      waiting_.suspend(h);
      s_.write_and_wait(data_, waiting_.frame());
    }
    kio::Status await_resume();

   private:
    AwaitStream& s_;
    std::string_view data_;
    Waiting waiting_;
  };

  Read read() { return Read(*this); }
  // `data` is copied by Stream::write as needed; it need only live until the co_await starts.
  Write write(std::string_view data) { return Write(*this, data); }
  // How many writes found the queue full and waited for 'drain' (what a benchmark or lab checks).
  uint64_t drain_waits() const { return drain_waits_; }

 private:
  void wait_to_read(TaskPromiseBase* frame);
  void write_and_wait(std::string_view data, TaskPromiseBase* frame);
  void on_data(std::string_view bytes);
  void wake_reader();
  void fail(const kio::SysError& error);

  Stream& stream_;
  std::string buffered_;
  bool ended_ = false;
  std::optional<kio::SysError> error_;
  TaskPromiseBase* reader_ = nullptr;  // waiting in read()
  TaskPromiseBase* writer_ = nullptr;  // waiting for 'drain'
  uint64_t drain_waits_ = 0;
};

}  // namespace osn::loop
