// pool/fs_beneath.cc — openat2(RESOLVE_BENEATH), and the O_NOFOLLOW walk where it is missing.
#include "pool/fs_beneath.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string_view>
#include <utility>

#ifdef __linux__
#include <linux/openat2.h>
#endif

#include "pool/queue_work.h"

namespace osn::pool::fs {
namespace {

// Refused before any system call: "..", "." and empty components, and an absolute path.
bool is_plain_relative(std::string_view path) {
  if (path.empty() || path.front() == '/') return false;
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    const std::string_view part = path.substr(start, slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

kio::Result<kio::Fd> open_directory(const std::string& root) {
  int fd;
  do {
    fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return kio::last_error("open");
  return kio::Fd(fd);
}

kio::Result<kio::Fd> open_with_openat2(int root_fd, const std::string& relative) {
#if defined(__linux__) && defined(SYS_openat2)
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = ::syscall(SYS_openat2, root_fd, relative.c_str(), &how, sizeof how);
  } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
  if (fd < 0) return kio::last_error("openat2");
  return kio::Fd(static_cast<int>(fd));
#else
  (void)root_fd;
  (void)relative;
  return kio::SysError{"openat2", ENOSYS};
#endif
}

// One component at a time: every directory on the way and the file itself are opened with
// O_NOFOLLOW from the descriptor of the one before, so no symbolic link is ever followed.
kio::Result<kio::Fd> open_with_walk(kio::Fd dir, const std::string& relative) {
  size_t start = 0;
  for (;;) {
    const size_t slash = relative.find('/', start);
    const bool last = slash == std::string::npos;
    const std::string part = relative.substr(start, last ? std::string::npos : slash - start);
    const int flags = O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (last ? 0 : O_DIRECTORY);
    int fd;
    do {
      fd = ::openat(dir.get(), part.c_str(), flags);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return kio::last_error("openat");
    if (last) return kio::Fd(fd);
    dir = kio::Fd(fd);
    start = slash + 1;
  }
}

}  // namespace

bool have_openat2() {
  auto probe = open_with_openat2(AT_FDCWD, ".");
  return probe || !probe.error().is(ENOSYS);
}

kio::Result<kio::Fd> open_beneath_sync(const std::string& root, const std::string& relative,
                                       BeneathMethod method) {
  if (!is_plain_relative(relative)) return kio::SysError{"open_beneath", EACCES};
  auto dir = open_directory(root);
  if (!dir) return dir.error();
  if (method == BeneathMethod::kWalk) return open_with_walk(std::move(*dir), relative);
  auto fd = open_with_openat2(dir->get(), relative);
  if (fd || method == BeneathMethod::kOpenat2 || !fd.error().is(ENOSYS)) return fd;
  return open_with_walk(std::move(*dir), relative);  // an older kernel: our own walk
}

WorkHandle read_file_beneath(loop::Loop& loop, std::string root, std::string relative, FileCallback cb) {
  return queue_result<std::string>(
      loop,
      [root = std::move(root), relative = std::move(relative)]() -> kio::Result<std::string> {
        auto fd = open_beneath_sync(root, relative);
        if (!fd) return fd.error();
        return read_whole_sync(std::move(*fd));
      },
      std::move(cb));
}

}  // namespace osn::pool::fs
