// loop/stream.h — a connected byte stream (TCP, Unix socket, pipe) driven by the loop.
//
// Reading: when the descriptor is readable the loop reads into its shared buffer and hands the
// bytes to on_data; 0 bytes means the peer half-closed (on_end). Writing: write() tries the
// system call at once, straight from the caller's bytes; only what the kernel's send buffer
// cannot take is copied into the queue and written when the socket becomes writable again (a
// *partial write* is normal, not an error). When the queue grows past the high-water mark
// write() returns false — backpressure, like Node's stream.write() — and on_drain fires once
// it empties. shutdown() half-closes (FIN) after the queue drains. Write callbacks never run
// inside write() itself: a write that completes at once reports in the next pending phase
// (as libuv does). Callbacks may close or destroy the Stream itself (loop/destroy_guard.h).
//
// Two ways to own one (docs/loop.md §8):
//   * Loop-owned, like a Node socket: Stream::adopt(loop, fd), or the Stream& a Listener
//     hands its connection callback. The loop keeps it until it closes, and it closes itself
//     after the peer's end (once its queued writes are out) and on an error; close() works as
//     usual. It is freed in the close phase after its close callbacks ran, so never keep the
//     reference past on_close. take() hands it to you instead (before it closes).
//   * Owned by you: a member, a local or a std::unique_ptr, as any handle. Nothing closes
//     by itself; destroying it closes the descriptor.
// Ownership: the Stream owns its Fd and closes it on close() or destruction.
// Thread affinity: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kernel-io/fd.h"
#include "loop/destroy_guard.h"
#include "loop/fifo.h"
#include "loop/handle.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"

namespace osn::loop {

class StreamKeeper;

class Stream final : public Handle {
 public:
  using DataCallback = std::function<void(std::string_view data)>;
  using WriteCallback = std::function<void(kio::Status)>;
  using ErrorCallback = std::function<void(const kio::SysError&)>;

  // A Stream you own.
  Stream(Loop& loop, kio::Fd fd);
  ~Stream() override;

  // A Stream the loop owns: it lives until it closes (see above).
  static Stream& adopt(Loop& loop, kio::Fd fd);
  // Takes a loop-owned Stream into your hands: from now on it is yours, and nothing closes it
  // by itself. nullptr if the loop does not own it (any more) or it is already closing.
  std::unique_ptr<Stream> take();
  bool loop_owned() const { return keeper_ != nullptr; }

  int fd() const { return fd_.get(); }

  // ---- reading ----
  void read_start(DataCallback on_data);
  void read_stop();
  bool is_reading() const { return reading_; }
  void on_end(Callback cb) { on_end_ = std::move(cb); }
  // Read or write failures (ECONNRESET, EPIPE, ...). Without one, an error closes the stream
  // (a loop-owned stream closes after it too).
  void on_error(ErrorCallback cb) { on_error_ = std::move(cb); }
  // Runs in the close phase once the stream closes, whoever closed it (Node's 'close').
  void on_close(Callback cb) { on_close_ = std::move(cb); }

  // ---- writing ----
  // Returns false when the queue is at or over the high-water mark: stop writing, wait for
  // on_drain. The data is sent or queued either way; `data` need not outlive the call.
  bool write(std::string_view data, WriteCallback done = {});
  void on_drain(Callback cb) { on_drain_ = std::move(cb); }
  size_t write_queue_bytes() const { return queued_bytes_; }
  void set_high_water_mark(size_t bytes) { high_water_ = bytes; }
  // Sends FIN once every queued byte is written; reading continues.
  void shutdown(WriteCallback done = {});

 private:
  friend class StreamKeeper;

  struct WriteRequest {
    std::string data;
    size_t offset;
    WriteCallback done;
  };

  void stop_watching() override;
  void handle_events(uint32_t events);
  void read_available();
  void reached_end();
  void enqueue(std::string_view bytes, WriteCallback done);
  void flush_write_queue();
  void finish_shutdown();
  void fail(const kio::SysError& error);
  void update_interest();
  // Runs a user callback; returns false if that callback destroyed this Stream.
  template <class F>
  bool call_out(F&& callback);

  kio::Fd fd_;
  IoWatcher watcher_;
  DataCallback on_data_;
  Callback on_end_, on_drain_, on_close_;
  ErrorCallback on_error_;
  Fifo<WriteRequest> write_queue_;  // costs nothing while empty (loop/fifo.h)
  size_t queued_bytes_ = 0;
  size_t high_water_ = 64 * 1024;  // Node's default writableHighWaterMark is 16 KiB
  bool reading_ = false;
  bool need_drain_ = false;
  bool shutdown_requested_ = false;
  bool write_side_closed_ = false;
  bool close_when_flushed_ = false;  // loop-owned, the peer ended: close once the queue is out
  WriteCallback shutdown_done_;
  StreamKeeper* keeper_ = nullptr;  // the loop's keeper when loop-owned
  size_t keeper_slot_ = 0;          // index in the keeper's table
  DestroyFlag destroy_flag_;        // see call_out()
};

}  // namespace osn::loop
