// loop/listener.h — accepting connections on a listening socket.
//
// When a listening socket is readable its accept queue holds finished handshakes. We accept
// in a loop until EAGAIN (one wake-up may stand for many clients), each new descriptor
// non-blocking and close-on-exec, and hand it to the connection callback in one of two forms:
//   * a Stream& (the common case, Node's net.createServer): the loop owns the stream and keeps
//     it until it closes — after the peer's end, on an error, or by close(); Stream::take()
//     makes it yours (loop/stream.h);
//   * a kio::Fd: the descriptor is yours from then on (the HTTP server wraps it itself).
// listen_tcp() binds, listens and starts accepting: there is no separate start() to call.
// Running out of descriptors (EMFILE) is survived with the reserved-descriptor trick: we keep
// one spare fd open; when accept fails with EMFILE we close the spare, accept the connection,
// close it at once (the client sees a clean close rather than hanging in the queue), and
// reopen the spare. Without it the socket stays readable and the loop spins at 100% CPU.
// Errors go to on_error, or else to stderr at most once a second: the first at once, the ones
// after it counted and said in one line a second later ("... 146 more in the last second") —
// a flood of shed connections must not become a flood of log lines.
// Ownership: the Listener owns the listening Fd. Thread affinity: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kernel-io/fd.h"
#include "kernel-io/socket.h"
#include "loop/destroy_guard.h"
#include "loop/handle.h"
#include "loop/io_watcher.h"
#include "loop/loop.h"
#include "loop/stream.h"

namespace osn::loop {

class Listener final : public Handle {
 public:
  using StreamCallback = std::function<void(Stream& connection)>;     // the loop owns it
  using ConnectionCallback = std::function<void(kio::Fd connection)>;  // you own it
  using ErrorCallback = std::function<void(const kio::SysError&)>;

  // Over a listening socket someone else made; call start() to begin accepting.
  Listener(Loop& loop, kio::Fd listening_socket, StreamCallback on_connection);
  Listener(Loop& loop, kio::Fd listening_socket, ConnectionCallback on_connection);
  ~Listener() override;

  // socket + bind + listen + Listener + start(), in one step (port 0 picks a free port).
  static kio::Result<std::unique_ptr<Listener>> listen_tcp(Loop& loop, std::string_view host,
                                                           uint16_t port, StreamCallback on_connection);
  static kio::Result<std::unique_ptr<Listener>> listen_tcp(Loop& loop,
                                                           const kio::SocketAddress& address,
                                                           StreamCallback on_connection,
                                                           kio::ListenOptions options = {});
  static kio::Result<std::unique_ptr<Listener>> listen_tcp(Loop& loop,
                                                           const kio::SocketAddress& address,
                                                           ConnectionCallback on_connection,
                                                           kio::ListenOptions options = {});

  kio::Status start();
  void stop() { stop_watching(); }

  // Accept errors other than EAGAIN (EMFILE, ENFILE, ENOBUFS...). Logged to stderr if unset.
  void on_error(ErrorCallback cb) { on_error_ = std::move(cb); }
  // 0 (default): accept until EAGAIN. N: at most N per wake-up, leaving the rest for others.
  void set_max_accepts_per_wakeup(size_t n) { max_accepts_ = n; }

  int fd() const { return fd_.get(); }
  uint16_t port() const;
  uint64_t accepted() const { return accepted_; }
  uint64_t refused_emfile() const { return refused_emfile_; }

 private:
  void stop_watching() override;
  void accept_pending();
  void shed_one_connection();  // the EMFILE trick
  void report(const kio::SysError& error);
  void report_suppressed();

  kio::Fd fd_;
  IoWatcher watcher_;
  kio::Fd reserve_;  // a spare descriptor on /dev/null, freed when the table is full
  ConnectionCallback on_connection_;
  ErrorCallback on_error_;
  size_t max_accepts_ = 0;
  uint64_t accepted_ = 0;
  uint64_t refused_emfile_ = 0;
  uint64_t last_logged_ms_ = 0;
  bool logged_any_ = false;
  uint64_t suppressed_ = 0;      // errors since the last line, not yet said
  std::string suppressed_what_;  // the last of them
  TimerId log_timer_ = 0;        // says the suppressed count a second after the last line
  DestroyFlag destroy_flag_;  // a connection callback may destroy the Listener
};

}  // namespace osn::loop
