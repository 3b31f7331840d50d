// cluster/fork_child.h — osnode's child_process.fork(): another program, with a channel.
//
// Node's child_process.fork() is *not* fork(2): it starts a separate program (fork + exec,
// so nothing of the parent's memory survives) and gives it an IPC channel — one end of a
// socketpair that stays open across exec because it is not close-on-exec; the child learns
// its number from the environment (NODE_CHANNEL_FD in Node, OSN_CHANNEL_FD here). Both sides
// then speak the same framed Messages as the cluster (channel.h).
// Watch: strace -f -e clone,execve,socketpair ./build/bin/...; ls -l /proc/CHILD/fd.
// Ownership: ChildProcess owns the parent's channel end; ParentChannel the child's.
// Thread affinity: the loop thread.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cluster/channel.h"
#include "kernel-io/process.h"
#include "loop/loop.h"
#include "loop/signal.h"

namespace osn::cluster {

inline constexpr const char* kChannelFdVariable = "OSN_CHANNEL_FD";

// The parent's handle on a forked-and-exec'd child.
class ChildProcess {
 public:
  using MessageCallback = std::function<void(const Message&)>;
  using ExitCallback = std::function<void(const kio::ChildStatus&)>;

  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // child.send(): false on backpressure or a closed channel.
  bool send(const Message& message) { return channel_->send(message); }
  void on_message(MessageCallback cb) { on_message_ = std::move(cb); }
  void on_disconnect(std::function<void(const std::string& reason)> cb) { on_disconnect_ = std::move(cb); }
  // Runs once the child has exited and been reaped (waitpid on its own pid).
  void on_exit(ExitCallback cb) { on_exit_ = std::move(cb); }
  // child.disconnect(): closes our end; the child reads end-of-file.
  void disconnect() { channel_->close(); }
  bool connected() const { return channel_->is_open(); }
  bool exited() const { return exited_; }
  kio::Status kill(int signo) const;

  // Only fork_child can make a Key, so only it makes ChildProcess objects (std::make_unique).
  class Key {
    friend kio::Result<std::unique_ptr<ChildProcess>> fork_child(loop::Loop&, const std::string&,
                                                                  std::vector<std::string>);
    Key() = default;
  };
  ChildProcess(Key, loop::Loop& loop) : loop_(loop) {}

 private:
  friend kio::Result<std::unique_ptr<ChildProcess>> fork_child(loop::Loop&, const std::string&,
                                                                std::vector<std::string>);
  void check_exit();

  loop::Loop& loop_;
  pid_t pid_ = 0;
  std::unique_ptr<Channel> channel_;
  std::unique_ptr<loop::Signal> sigchld_;
  MessageCallback on_message_;
  std::function<void(const std::string&)> on_disconnect_;
  ExitCallback on_exit_;
  bool exited_ = false;
};

// fork + exec `program` (a path, or a name found in PATH) with `args`, the child's end of a
// socketpair inherited and its number in OSN_CHANNEL_FD.
kio::Result<std::unique_ptr<ChildProcess>> fork_child(loop::Loop& loop, const std::string& program,
                                                       std::vector<std::string> args = {});

// In the child: joins the channel named by OSN_CHANNEL_FD (and removes the variable, so the
// child's own children do not inherit it). ENOENT: not started by fork_child; EBADF: the
// number is not an open socket.
class ParentChannel {
 public:
  static kio::Result<std::unique_ptr<ParentChannel>> join(loop::Loop& loop);

  // process.send() / process.on('message') / process.on('disconnect').
  bool send(const Message& message) { return channel_.send(message); }
  void on_message(std::function<void(const Message&)> cb) { on_message_ = std::move(cb); }
  void on_disconnect(std::function<void(const std::string& reason)> cb) { on_disconnect_ = std::move(cb); }
  void close() { channel_.close(); }
  bool connected() const { return channel_.is_open(); }

  // Only join() can make a Key (std::make_unique needs a public constructor).
  class Key {
    friend class ParentChannel;
    Key() = default;
  };
  ParentChannel(Key, loop::Loop& loop, kio::Fd fd);

 private:

  Channel channel_;
  std::function<void(const Message&)> on_message_;
  std::function<void(const std::string&)> on_disconnect_;
};

}  // namespace osn::cluster
