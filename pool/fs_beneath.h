// pool/fs_beneath.h — open a file beneath a folder, never following a link out of it.
//
// A file server joins a name from the network to its root and opens it. Refusing "../" in the
// name is not enough: a symbolic link *inside* the root may point anywhere (static/secret ->
// /etc/shadow), and open(2) follows it. The kernel can hold the walk inside the root itself:
// openat2(2) (Linux 5.6+) with RESOLVE_BENEATH refuses (EXDEV) any step — "..", an absolute
// link, a relative link climbing out — that would leave the starting directory, and
// RESOLVE_NO_MAGICLINKS refuses /proc/PID/fd-style links. Where openat2 is missing (older
// kernels, macOS, BSD), the walk is ours: one openat(2) per component from the root's
// descriptor with O_NOFOLLOW, so a symbolic link anywhere on the path fails (ELOOP) — stricter
// (links that stay inside are refused too), never looser. ".." and empty components are
// refused by both before any call (EACCES). docs/pool.md, "Opening beneath a root".
// Any thread (blocking calls: run them on the pool, as read_file_beneath does).
#pragma once

#include <string>

#include "kernel-io/fd.h"
#include "kernel-io/result.h"
#include "loop/loop.h"
#include "pool/fs.h"
#include "pool/work_queue.h"

namespace osn::pool::fs {

enum class BeneathMethod {
  kBest,     // openat2 where the kernel has it, else the component walk
  kOpenat2,  // openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) only (ENOSYS where missing)
  kWalk,     // openat(O_NOFOLLOW) one component at a time
};

// Opens root/relative read-only. Errors: EXDEV (openat2: the path leaves root), ELOOP or ENOTDIR
// (walk: a symbolic link as the file, or as a folder on the path), EACCES (".." or an empty component), ENOENT, ...
kio::Result<kio::Fd> open_beneath_sync(const std::string& root, const std::string& relative,
                                       BeneathMethod method = BeneathMethod::kBest);
// True when this kernel has openat2 (one probing call).
bool have_openat2();
// The whole file root/relative, opened as open_beneath_sync does, on the pool.
WorkHandle read_file_beneath(loop::Loop& loop, std::string root, std::string relative, FileCallback cb);

}  // namespace osn::pool::fs
