// kernel-io/errno_name.cc — errno numbers as the names a student finds in man pages.
//
// strerror() gives prose ("Too many open files"); a systems programmer searches for the
// symbol ("EMFILE"). glibc has strerrorname_np() but macOS does not, so we keep a small table
// of the values our wrappers can meet.
#include <cstdio>
#include <cstring>

#include "kernel-io/result.h"

namespace osn::kio {

namespace {

struct ErrnoEntry {
  int code;
  const char* name;
};

constexpr ErrnoEntry kErrnoNames[] = {
    {EPERM, "EPERM"},           {ENOENT, "ENOENT"},       {ESRCH, "ESRCH"},
    {EINTR, "EINTR"},           {EIO, "EIO"},             {ENXIO, "ENXIO"},
    {E2BIG, "E2BIG"},           {ENOEXEC, "ENOEXEC"},     {EBADF, "EBADF"},
    {ECHILD, "ECHILD"},         {EAGAIN, "EAGAIN"},       {ENOMEM, "ENOMEM"},
    {EACCES, "EACCES"},         {EFAULT, "EFAULT"},       {EBUSY, "EBUSY"},
    {EEXIST, "EEXIST"},         {ENODEV, "ENODEV"},       {ENOTDIR, "ENOTDIR"},
    {EISDIR, "EISDIR"},         {EINVAL, "EINVAL"},       {ENFILE, "ENFILE"},
    {EMFILE, "EMFILE"},         {ENOTTY, "ENOTTY"},       {EFBIG, "EFBIG"},
    {ENOSPC, "ENOSPC"},         {ESPIPE, "ESPIPE"},       {EROFS, "EROFS"},
    {EPIPE, "EPIPE"},           {ERANGE, "ERANGE"},       {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOSYS, "ENOSYS"},         {ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"},
    {ENOTSOCK, "ENOTSOCK"},     {EDESTADDRREQ, "EDESTADDRREQ"},
    {EMSGSIZE, "EMSGSIZE"},     {EPROTOTYPE, "EPROTOTYPE"},
    {ENOPROTOOPT, "ENOPROTOOPT"}, {EPROTONOSUPPORT, "EPROTONOSUPPORT"},
    {EOPNOTSUPP, "EOPNOTSUPP"}, {EAFNOSUPPORT, "EAFNOSUPPORT"},
    {EADDRINUSE, "EADDRINUSE"}, {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
    {ENETDOWN, "ENETDOWN"},     {ENETUNREACH, "ENETUNREACH"},
    {ECONNABORTED, "ECONNABORTED"}, {ECONNRESET, "ECONNRESET"},
    {ENOBUFS, "ENOBUFS"},       {EISCONN, "EISCONN"},     {ENOTCONN, "ENOTCONN"},
    {ETIMEDOUT, "ETIMEDOUT"},   {ECONNREFUSED, "ECONNREFUSED"},
    {EHOSTUNREACH, "EHOSTUNREACH"}, {EALREADY, "EALREADY"},
    {EINPROGRESS, "EINPROGRESS"}, {ECANCELED, "ECANCELED"},
};

}  // namespace

const char* errno_name(int err) {
  if (err == EWOULDBLOCK) return "EAGAIN";
  for (const ErrnoEntry& e : kErrnoNames)
    if (e.code == err) return e.name;
  return "E?";
}

std::string SysError::message() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %s (%s)", call, errno_name(code), std::strerror(code));
  return buf;
}

}  // namespace osn::kio
