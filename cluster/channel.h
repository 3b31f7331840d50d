// cluster/channel.h — one end of an IPC channel: framed Messages over a loop::Stream.
//
// The channel is one end of a socketpair(2) (or any stream socket). Sending encodes the
// Message and queues one frame on the Stream, which writes what the kernel takes now and the
// rest when the socket is writable again (partial writes). send() returns false when the
// write queue is over its high-water mark — backpressure: stop sending until on_drain.
// Receiving collects bytes in a FrameDecoder (partial reads) and delivers whole Messages.
// A frame that is too large or does not decode closes the channel and reports why; nothing
// the peer sends can crash this process.
// Ownership: the Channel owns its Stream and therefore the descriptor. Callbacks may destroy
// the Channel. Thread affinity: loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cluster/frame.h"
#include "cluster/message.h"
#include "kernel-io/fd.h"
#include "loop/destroy_guard.h"
#include "loop/loop.h"
#include "loop/stream.h"

namespace osn::cluster {

class Channel {
 public:
  using MessageCallback = std::function<void(const Message&)>;
  // Why the channel closed: "peer closed the channel", "frame of N bytes exceeds ...", ...
  using CloseCallback = std::function<void(const std::string& reason)>;

  Channel(loop::Loop& loop, kio::Fd fd, size_t max_frame_bytes = kDefaultMaxFrameBytes);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  // Starts reading. on_close runs once, whoever closed the channel (not after close()).
  void start(MessageCallback on_message, CloseCallback on_close);

  // Queues one message. false: closed (dropped), too large (dropped), or over the high-water
  // mark (queued — wait for on_drain before sending more).
  bool send(const Message& message);
  // Writes raw bytes as they are: only for tests that play a misbehaving peer.
  void send_raw_bytes(std::string bytes);
  void on_drain(std::function<void()> cb);

  // Closes now (no callback). Queued frames that were not yet written are dropped.
  void close();
  bool is_open() const { return stream_ != nullptr; }
  int fd() const { return stream_ ? stream_->fd() : -1; }
  size_t queued_bytes() const { return stream_ ? stream_->write_queue_bytes() : 0; }

  // An unreferenced channel does not keep its loop alive (a worker that is done exits even
  // though its channel is still open).
  void ref();
  void unref();

 private:
  void on_data(std::string_view bytes);
  void fail(const std::string& reason);  // close and report

  std::unique_ptr<loop::Stream> stream_;
  FrameDecoder decoder_;
  MessageCallback on_message_;
  CloseCallback on_close_;
  bool refed_ = true;
  loop::DestroyFlag destroy_flag_;  // on_message may destroy the Channel
};

}  // namespace osn::cluster
