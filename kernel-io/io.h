// kernel-io/io.h — read(2), write(2) and writev(2) that tell the truth.
//
// On a non-blocking descriptor these calls do what they can *now*: a read may return fewer
// bytes than asked (or EAGAIN when nothing is there), a write may take only part of the buffer
// (a "partial write") when the socket's send buffer is full. The wrappers retry EINTR (a
// signal interrupted the call; nothing happened) and report EAGAIN as an error value so the
// caller — the event loop — decides to wait for readiness.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <span>

#include "kernel-io/result.h"

namespace osn::kio {

// Bytes read; 0 means end of file (the peer closed its writing side).
Result<size_t> read_some(int fd, std::span<char> buf);

// Bytes written; may be fewer than buf.size(). MSG_NOSIGNAL is used on sockets so a peer
// that went away gives EPIPE, not a SIGPIPE that kills the process.
Result<size_t> write_some(int fd, std::span<const char> buf);

// Gathers several buffers in one system call; may write only a prefix of them.
Result<size_t> writev_some(int fd, std::span<const iovec> bufs);

// Blocking helpers for tests and tools: loop until all of buf is written / until n bytes are
// read or EOF. On a non-blocking fd they wait with poll(2), up to timeout_ms in total.
Status write_all(int fd, std::span<const char> buf, int timeout_ms = 10'000);
Result<size_t> read_exact(int fd, std::span<char> buf, int timeout_ms = 10'000);

// Waits (poll(2)) until fd is readable/writable or timeout_ms passes. true = ready.
Result<bool> wait_readable(int fd, int timeout_ms);
Result<bool> wait_writable(int fd, int timeout_ms);

}  // namespace osn::kio
