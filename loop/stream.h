// loop/stream.h — a connected byte stream (TCP, Unix socket, pipe) driven by the loop.
//
// Reading: when the descriptor is readable the loop reads into its shared buffer and hands the
// bytes to on_data; 0 bytes means the peer half-closed (on_end). Writing: write() tries the
// system call at once; what the kernel's send buffer cannot take is queued and written when
// the socket becomes writable again (a *partial write* is normal, not an error). When the
// queue grows past the high-water mark write() returns false — backpressure, like Node's
// stream.write() — and on_drain fires once it empties. shutdown() half-closes (FIN) after the
// queue drains. Write callbacks never run inside write() itself: a write that completes at
// once reports in the next pending phase (as libuv does).
// Callbacks may close or destroy the Stream itself; it notices and touches nothing afterwards.
// Ownership: the Stream owns its Fd and closes it on close() or destruction.
// Thread affinity: loop thread only.
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "kernel-io/fd.h"
#include "loop/handle.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"

namespace osn::loop {

class Stream final : public Handle {
 public:
  using DataCallback = std::function<void(std::string_view data)>;
  using WriteCallback = std::function<void(kio::Status)>;
  using ErrorCallback = std::function<void(const kio::SysError&)>;

  Stream(Loop& loop, kio::Fd fd);
  ~Stream() override;

  int fd() const { return fd_.get(); }

  // ---- reading ----
  void read_start(DataCallback on_data);
  void read_stop();
  bool is_reading() const { return reading_; }
  void on_end(Callback cb) { on_end_ = std::move(cb); }
  // Read or write failures (ECONNRESET, EPIPE, ...). Without one, an error closes the stream.
  void on_error(ErrorCallback cb) { on_error_ = std::move(cb); }

  // ---- writing ----
  // Returns false when the queue is at or over the high-water mark: stop writing, wait for
  // on_drain. The data is queued either way.
  bool write(std::string data, WriteCallback done = {});
  void on_drain(Callback cb) { on_drain_ = std::move(cb); }
  size_t write_queue_bytes() const { return queued_bytes_; }
  void set_high_water_mark(size_t bytes) { high_water_ = bytes; }
  // Sends FIN once every queued byte is written; reading continues.
  void shutdown(WriteCallback done = {});

 private:
  struct WriteRequest {
    std::string data;
    size_t offset;
    WriteCallback done;
  };

  void stop_watching() override;
  void handle_events(uint32_t events);
  void read_available();
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
  Callback on_end_, on_drain_;
  ErrorCallback on_error_;
  std::deque<WriteRequest> write_queue_;
  size_t queued_bytes_ = 0;
  size_t high_water_ = 64 * 1024;  // Node's default writableHighWaterMark is 16 KiB
  bool reading_ = false;
  bool need_drain_ = false;
  bool shutdown_requested_ = false;
  bool write_side_closed_ = false;
  WriteCallback shutdown_done_;
  bool* destroyed_flag_ = nullptr;  // set while a callback runs; see call_out()
};

}  // namespace osn::loop
