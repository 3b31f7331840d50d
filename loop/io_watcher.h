// loop/io_watcher.h — "tell me when this descriptor is readable or writable".
//
// The building block of every socket in osnode (like libuv's uv__io_t or muduo's Channel): it
// borrows a descriptor — it does NOT own or close it — and asks the loop's backend to watch
// it. In the poll phase the loop calls the callback with what happened (kReadable,
// kWritable, kError, kHangup). The owner must stop (or destroy) the watcher before closing the
// fd, or the backend would watch a number that may be reused.
//
// kError and kHangup come whatever the interest, even with none: start(0) keeps the fd
// watched for the end of the connection only, so an owner that has stopped reading and
// writing still learns that the peer reset it (loop/backend.h). With interest 0 that report
// comes once: the loop stops the watcher just before it calls back (a level-triggered hang-up
// nobody handles would otherwise wake the loop forever); start() again to watch again.
// Thread affinity: loop thread only.
#pragma once

#include <cstdint>
#include <functional>

#include "kernel-io/result.h"
#include "loop/backend.h"
#include "loop/handle.h"

namespace osn::loop {

class IoWatcher final : public Handle {
 public:
  using EventCallback = std::function<void(uint32_t events)>;

  IoWatcher(Loop& loop, int fd, EventCallback on_events);
  ~IoWatcher() override;

  // Watches for `interest` (kReadable | kWritable, or 0: kError / kHangup only). Calling
  // again changes the interest. Active (keeps the loop alive) only while interest != 0.
  kio::Status start(uint32_t interest);
  // Stops watching altogether: nothing more is reported.
  void stop() { stop_watching(); }

  int fd() const { return fd_; }
  uint32_t interest() const { return interest_; }
  bool is_watching() const { return watching_; }  // registered, with or without interest

 private:
  friend class Loop;
  void stop_watching() override;

  int fd_;
  uint32_t interest_ = 0;
  bool watching_ = false;
  EventCallback on_events_;
};

}  // namespace osn::loop
