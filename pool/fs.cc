// pool/fs.cc — file system calls, made on pool threads.
#include "pool/fs.h"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

#include "pool/queue_work.h"

namespace osn::pool::fs {

// ---- blocking halves ----------------------------------------------------------------------

kio::Result<kio::Fd> open_sync(const std::string& path, int flags, mode_t mode) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return kio::last_error("open");
  return kio::Fd(fd);
}

kio::Result<size_t> read_sync(int fd, std::span<char> buffer, int64_t offset) {
  ssize_t n;
  do {
    n = offset < 0 ? ::read(fd, buffer.data(), buffer.size())
                   : ::pread(fd, buffer.data(), buffer.size(), offset);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return kio::last_error(offset < 0 ? "read" : "pread");
  return static_cast<size_t>(n);
}

kio::Result<size_t> write_sync(int fd, std::span<const char> data, int64_t offset) {
  ssize_t n;
  do {
    n = offset < 0 ? ::write(fd, data.data(), data.size())
                   : ::pwrite(fd, data.data(), data.size(), offset);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return kio::last_error(offset < 0 ? "write" : "pwrite");
  return static_cast<size_t>(n);
}

kio::Result<struct stat> stat_sync(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) < 0) return kio::last_error("stat");
  return st;
}

kio::Result<std::string> read_file_sync(const std::string& path) {
  auto fd = open_sync(path, O_RDONLY);
  if (!fd) return fd.error();
  return read_whole_sync(std::move(*fd));
}

kio::Result<std::string> read_whole_sync(kio::Fd fd) {
  struct stat st {};
  if (::fstat(fd.get(), &st) < 0) return kio::last_error("fstat");
  std::string data;
  // st_size is a hint only (/proc files say 0; a file may grow): read until read() says 0.
  data.resize(st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 4096);
  size_t used = 0;
  for (;;) {
    if (used == data.size()) data.resize(data.size() * 2);
    auto n = read_sync(fd.get(), std::span<char>(data).subspan(used));
    if (!n) return n.error();
    if (*n == 0) break;
    used += *n;
  }
  data.resize(used);
  if (auto closed = fd.close(); !closed) return closed.error();
  return data;
}

kio::Status write_file_sync(const std::string& path, std::string_view data) {
  auto fd = open_sync(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!fd) return fd.error();
  size_t done = 0;
  while (done < data.size()) {  // a regular file may still take a partial write (disk full)
    auto n = write_sync(fd->get(), std::span<const char>(data).subspan(done));
    if (!n) return n.error();
    done += *n;
  }
  return fd->close();  // NFS reports some write errors only at close
}

// ---- asynchronous calls -------------------------------------------------------------------

WorkHandle open(loop::Loop& loop, std::string path, int flags, mode_t mode, OpenCallback cb) {
  return queue_result<kio::Fd>(
      loop, [path = std::move(path), flags, mode] { return open_sync(path, flags, mode); },
      std::move(cb));
}

WorkHandle read(loop::Loop& loop, int fd, std::span<char> buffer, int64_t offset,
                SizeCallback cb) {
  return queue_result<size_t>(
      loop, [fd, buffer, offset] { return read_sync(fd, buffer, offset); }, std::move(cb));
}

WorkHandle write(loop::Loop& loop, int fd, std::span<const char> data, int64_t offset,
                 SizeCallback cb) {
  return queue_result<size_t>(
      loop, [fd, data, offset] { return write_sync(fd, data, offset); }, std::move(cb));
}

WorkHandle close(loop::Loop& loop, kio::Fd fd, StatusCallback cb) {
  int raw = fd.release();  // the request owns it now (std::function needs copyable state)
  return queue_result<void>(
      loop, [raw] { return kio::Fd(raw).close(); },
      [raw, cb = std::move(cb)](kio::Status status) {
        if (!status.ok() && status.error().is(ECANCELED)) (void)kio::Fd(raw).close();
        if (cb) cb(status);
      });
}

WorkHandle stat(loop::Loop& loop, std::string path, StatCallback cb) {
  return queue_result<struct stat>(
      loop, [path = std::move(path)] { return stat_sync(path); }, std::move(cb));
}

WorkHandle read_file(loop::Loop& loop, std::string path, FileCallback cb) {
  return queue_result<std::string>(
      loop, [path = std::move(path)] { return read_file_sync(path); }, std::move(cb));
}

WorkHandle write_file(loop::Loop& loop, std::string path, std::string data, StatusCallback cb) {
  return queue_result<void>(
      loop, [path = std::move(path), data = std::move(data)] { return write_file_sync(path, data); },
      std::move(cb));
}

}  // namespace osn::pool::fs
