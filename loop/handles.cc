// loop/handles.cc — how handles register with their loop, and how they leave it.
//
// The loop keeps plain pointers to registered handles. A handle that stops (or is destroyed)
// sets its slot to null instead of erasing it, so a phase that is iterating over the list
// never skips or revisits an entry; the nulls are compacted after the phase. Handles started
// during a phase are appended past the end the phase recorded, so they run next iteration.
#include <algorithm>

#include "loop/async.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "loop/phase_handle.h"

namespace osn::loop {

// ---- Handle ------------------------------------------------------------------------------

Handle::~Handle() {
  if (active_ && refed_) loop_->add_alive_handles(-1);
}

void Handle::set_active(bool active) {
  if (active == active_) return;
  loop_->assert_in_loop_thread(active ? "a handle's start" : "a handle's stop");
  active_ = active;
  if (refed_) loop_->add_alive_handles(active ? 1 : -1);
}

void Handle::ref() {
  loop_->assert_in_loop_thread("Handle::ref");
  if (refed_) return;
  refed_ = true;
  if (active_) loop_->add_alive_handles(1);
}

void Handle::unref() {
  loop_->assert_in_loop_thread("Handle::unref");
  if (!refed_) return;
  refed_ = false;
  if (active_) loop_->add_alive_handles(-1);
}

void Handle::close(std::function<void()> on_close) {
  loop_->assert_in_loop_thread("Handle::close");
  if (closing_) return;
  closing_ = true;
  stop_watching();
  // The close callback is queued even when empty, so a closing handle keeps the loop alive
  // until its close phase, as in libuv.
  loop_->queue_close_callback(on_close ? std::move(on_close) : [] {});
}

void Loop::queue_close_callback(Callback cb) {
  assert_in_loop_thread("Handle::close");
  closing_.push_back(std::move(cb));
}

// ---- IoWatcher -----------------------------------------------------------------------------

IoWatcher::IoWatcher(Loop& loop, int fd, EventCallback on_events)
    : Handle(loop), fd_(fd), on_events_(std::move(on_events)) {}

IoWatcher::~IoWatcher() { stop_watching(); }

kio::Status IoWatcher::start(uint32_t interest) {
  interest &= kReadable | kWritable;
  if (watching_ && interest == interest_) return {};
  auto status = loop().watch_fd(this, watching_, interest);
  if (!status) return status;
  watching_ = true;
  interest_ = interest;
  set_active(interest != 0);  // waiting only for a hang-up keeps nobody's loop alive
  return {};
}

void IoWatcher::stop_watching() {
  if (!watching_) return;
  loop().unwatch_fd(this);
  watching_ = false;
  interest_ = 0;
  set_active(false);
}

kio::Status Loop::watch_fd(IoWatcher* watcher, bool already_watched, uint32_t interest) {
  assert_in_loop_thread("IoWatcher::start/stop");  // streams and listeners too
  int fd = watcher->fd();
  if (fd < 0) return kio::SysError{"watch_fd", EBADF};
  if (already_watched) return backend_->modify(fd, interest);
  if (static_cast<size_t>(fd) >= watchers_.size()) watchers_.resize(fd + 1, nullptr);
  if (watchers_[fd] != nullptr) return kio::SysError{"watch_fd", EEXIST};  // one per fd
  auto status = backend_->add(fd, interest);
  if (!status) return status;
  watchers_[fd] = watcher;
  ++watched_fds_;
  return {};
}

void Loop::unwatch_fd(IoWatcher* watcher) {
  assert_in_loop_thread("IoWatcher::start/stop");
  int fd = watcher->fd();
  if (fd < 0 || static_cast<size_t>(fd) >= watchers_.size() || watchers_[fd] != watcher) return;
  watchers_[fd] = nullptr;
  --watched_fds_;
  (void)backend_->remove(fd);
}

// ---- idle / prepare / check handles ----------------------------------------------------------

void PhaseHandle::start(Callback cb) {
  cb_ = std::move(cb);
  if (is_active()) return;
  loop().add_phase_handle(this);
  set_active(true);
}

void PhaseHandle::stop_watching() {
  if (!is_active()) return;
  loop().remove_phase_handle(this);
  set_active(false);
}

std::vector<PhaseHandle*>& Loop::phase_list(Phase phase) {
  if (phase == Phase::kIdle) return idle_handles_;
  if (phase == Phase::kPrepare) return prepare_handles_;
  return check_handles_;
}

void Loop::add_phase_handle(PhaseHandle* handle) {
  assert_in_loop_thread("PhaseHandle::start");
  phase_list(handle->phase()).push_back(handle);
}

void Loop::remove_phase_handle(PhaseHandle* handle) {
  assert_in_loop_thread("PhaseHandle::stop");
  auto& list = phase_list(handle->phase());
  std::replace(list.begin(), list.end(), handle, static_cast<PhaseHandle*>(nullptr));
}

size_t Loop::active_idle_handles() const {
  return static_cast<size_t>(
      std::count_if(idle_handles_.begin(), idle_handles_.end(), [](auto* h) { return h; }));
}

void Loop::compact(std::vector<PhaseHandle*>& list) {
  list.erase(std::remove(list.begin(), list.end(), nullptr), list.end());
}

size_t Loop::run_phase_handles(std::vector<PhaseHandle*>& list) {
  size_t ran = 0;
  const size_t end = list.size();  // handles started during this phase wait one iteration
  for (size_t i = 0; i < end; ++i) {
    PhaseHandle* h = list[i];
    if (h == nullptr || !h->cb_) continue;  // no callback: it is running (re-entrant run())
    // The callback may stop, restart or destroy its own handle, so it must not live inside
    // the handle while it runs. Borrow it instead of copying it (a copy of a larger lambda
    // allocates, and this runs every iteration), and hand it back if the handle is still
    // registered here and was not given a new callback meanwhile.
    Callback cb = std::move(h->cb_);
    invoke(cb);
    if (list[i] == h && !h->cb_) h->cb_ = std::move(cb);
    ++ran;
  }
  compact(list);
  return ran;
}

// ---- Async ----------------------------------------------------------------------------------

Async::Async(Loop& loop, Callback cb) : Handle(loop), cb_(std::move(cb)) {
  loop.add_async(this);
  set_active(true);
}

Async::~Async() { stop_watching(); }

void Async::send() {
  // Only the first send() after the loop consumed the flag needs to wake the loop.
  if (!pending_.exchange(true, std::memory_order_acq_rel)) loop().wakeup();
}

void Async::stop_watching() {
  if (!is_active()) return;
  loop().remove_async(this);
  set_active(false);
}

void Loop::add_async(Async* async) {
  assert_in_loop_thread("Async::Async");
  asyncs_.push_back(async);
}

void Loop::remove_async(Async* async) {
  assert_in_loop_thread("Async::close");
  std::replace(asyncs_.begin(), asyncs_.end(), async, static_cast<Async*>(nullptr));
}

void Loop::run_async_callbacks() {
  wakeup_.drain();
  const size_t end = asyncs_.size();
  for (size_t i = 0; i < end; ++i) {
    Async* a = asyncs_[i];
    if (a == nullptr || !a->pending_.exchange(false, std::memory_order_acq_rel)) continue;
    Callback cb = a->cb_;  // a copy: the callback may close or destroy its own Async
    invoke(cb);
  }
  asyncs_.erase(std::remove(asyncs_.begin(), asyncs_.end(), nullptr), asyncs_.end());
}

}  // namespace osn::loop
