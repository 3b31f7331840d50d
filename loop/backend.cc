// loop/backend.cc — choosing a backend by name.
//
// The Makefile links every backend this machine can build (poll always, epoll on Linux, kqueue
// on BSD/macOS or with an emulation library) and names the default with BACKEND=... . Tests
// run the same suite once per entry of available_backends().
#include "loop/backend.h"

namespace osn::loop {

#ifndef OSN_DEFAULT_BACKEND
#define OSN_DEFAULT_BACKEND "poll"
#endif

std::vector<std::string_view> available_backends() {
  std::vector<std::string_view> names;
#ifdef OSN_HAVE_EPOLL
  names.push_back("epoll");
#endif
#ifdef OSN_HAVE_KQUEUE
  names.push_back("kqueue");
#endif
  names.push_back("poll");
  return names;
}

std::string_view default_backend() { return OSN_DEFAULT_BACKEND; }

kio::Result<std::unique_ptr<Backend>> make_backend(std::string_view name) {
  if (name.empty()) name = default_backend();
#ifdef OSN_HAVE_EPOLL
  if (name == "epoll") return make_epoll_backend();
#endif
#ifdef OSN_HAVE_KQUEUE
  if (name == "kqueue") return make_kqueue_backend();
#endif
  if (name == "poll") return make_poll_backend();
  return kio::SysError{"make_backend", EINVAL};
}

}  // namespace osn::loop
