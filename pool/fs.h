// pool/fs.h — asynchronous file I/O, the way Node's fs module does it: on the thread pool.
//
// Regular files are always "ready" for epoll (it refuses them: EPERM), and read(2) on a slow
// disk simply blocks the calling thread. So libuv runs file system calls on its thread pool,
// and Node's fs callbacks are those calls' results brought back to the loop thread. Each call
// here is the same pair: a *_sync function that makes the blocking system call (usable on any
// thread), and an async wrapper that runs it on a pool thread and calls back on the loop
// thread with a Result. Watch: strace -f -e openat,pread64,pwrite64 shows osn-pool threads
// making the calls. Loop thread only (the async wrappers).
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "kernel-io/fd.h"
#include "kernel-io/result.h"
#include "loop/loop.h"
#include "pool/work_queue.h"

namespace osn::pool::fs {

// ---- the blocking halves (any thread) ----
// open(2) with O_CLOEXEC added.
kio::Result<kio::Fd> open_sync(const std::string& path, int flags, mode_t mode = 0644);
// pread(2) at `offset`, or read(2) at the file position when offset < 0. 0 bytes = end of file.
kio::Result<size_t> read_sync(int fd, std::span<char> buffer, int64_t offset = -1);
// pwrite(2) / write(2) likewise; may write fewer bytes than given.
kio::Result<size_t> write_sync(int fd, std::span<const char> data, int64_t offset = -1);
kio::Result<struct stat> stat_sync(const std::string& path);
// The whole file (open, fstat for a size hint, read until end of file, close).
kio::Result<std::string> read_file_sync(const std::string& path);
// The rest of an open file, until end of file (fstat for a size hint); closes it.
kio::Result<std::string> read_whole_sync(kio::Fd fd);
// Creates or truncates `path` (mode 0644) and writes all of `data`; close errors count.
kio::Status write_file_sync(const std::string& path, std::string_view data);

// ---- the asynchronous calls: the callback runs on the loop thread ----
using OpenCallback = std::function<void(kio::Result<kio::Fd>)>;
using SizeCallback = std::function<void(kio::Result<size_t>)>;
using StatusCallback = std::function<void(kio::Status)>;
using StatCallback = std::function<void(kio::Result<struct stat>)>;
using FileCallback = std::function<void(kio::Result<std::string>)>;

WorkHandle open(loop::Loop& loop, std::string path, int flags, mode_t mode, OpenCallback cb);
// `buffer` (`data`) is borrowed: it must stay valid until the callback has run.
WorkHandle read(loop::Loop& loop, int fd, std::span<char> buffer, int64_t offset,
                SizeCallback cb);
WorkHandle write(loop::Loop& loop, int fd, std::span<const char> data, int64_t offset,
                 SizeCallback cb);
// Takes ownership of `fd`; it is closed even if the request is cancelled.
WorkHandle close(loop::Loop& loop, kio::Fd fd, StatusCallback cb);
WorkHandle stat(loop::Loop& loop, std::string path, StatCallback cb);
WorkHandle read_file(loop::Loop& loop, std::string path, FileCallback cb);
WorkHandle write_file(loop::Loop& loop, std::string path, std::string data, StatusCallback cb);

}  // namespace osn::pool::fs
