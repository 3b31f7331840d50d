// pool/dns.cc — getaddrinfo, and its EAI_* errors as values.
#include "pool/dns.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>

#include "pool/queue_work.h"

namespace osn::pool {
namespace {

struct GaiName {
  int code;
  const char* call;  // becomes SysError::call: names the EAI code and says what it means
  int nearest_errno;
};

constexpr GaiName kGaiNames[] = {
    {EAI_NONAME, "getaddrinfo EAI_NONAME (Name or service not known)", ENOENT},
#ifdef EAI_NODATA
    {EAI_NODATA, "getaddrinfo EAI_NODATA (No address associated with hostname)", ENOENT},
#endif
#ifdef EAI_ADDRFAMILY
    {EAI_ADDRFAMILY, "getaddrinfo EAI_ADDRFAMILY (No address in the requested family)", ENOENT},
#endif
    {EAI_AGAIN, "getaddrinfo EAI_AGAIN (Temporary failure in name resolution)", EAGAIN},
    {EAI_FAIL, "getaddrinfo EAI_FAIL (Non-recoverable failure in name resolution)", EIO},
    {EAI_MEMORY, "getaddrinfo EAI_MEMORY (Memory allocation failure)", ENOMEM},
    {EAI_FAMILY, "getaddrinfo EAI_FAMILY (Address family not supported)", EAFNOSUPPORT},
    {EAI_SERVICE, "getaddrinfo EAI_SERVICE (Service not supported for socket type)", EINVAL},
    {EAI_SOCKTYPE, "getaddrinfo EAI_SOCKTYPE (Socket type not supported)", EINVAL},
    {EAI_BADFLAGS, "getaddrinfo EAI_BADFLAGS (Bad value for ai_flags)", EINVAL},
    {EAI_SYSTEM, "getaddrinfo EAI_SYSTEM (System error)", 0},
};

struct FreeAddrinfo {
  void operator()(addrinfo* list) const { freeaddrinfo(list); }
};

}  // namespace

kio::SysError gai_error(int gai_code, int saved_errno) {
  for (const GaiName& name : kGaiNames) {
    if (name.code != gai_code) continue;
    int code = gai_code == EAI_SYSTEM ? saved_errno : name.nearest_errno;
    return kio::SysError{name.call, code};
  }
  return kio::SysError{"getaddrinfo (unknown EAI code)", EINVAL};
}

LookupResult lookup_sync(const std::string& host, LookupOptions options) {
  addrinfo hints{};
  hints.ai_family = options.family == 4 ? AF_INET : options.family == 6 ? AF_INET6 : AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
  hints.ai_flags = AI_ADDRCONFIG | (options.numeric_host ? AI_NUMERICHOST : 0);
  addrinfo* raw = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &raw);
  if (rc != 0) return gai_error(rc, errno);
  std::unique_ptr<addrinfo, FreeAddrinfo> list(raw);
  std::vector<LookupAddress> found;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* where = ai->ai_family == AF_INET
                            ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr)
                            : static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr);
    if (inet_ntop(ai->ai_family, where, text, sizeof text) == nullptr) continue;
    LookupAddress address{text, ai->ai_family == AF_INET ? 4 : 6};
    auto same = [&](const LookupAddress& a) { return a.address == address.address; };
    if (std::none_of(found.begin(), found.end(), same)) found.push_back(std::move(address));
  }
  if (found.empty()) return gai_error(EAI_NONAME);
  return found;
}

WorkHandle lookup(loop::Loop& loop, std::string host, std::function<void(LookupResult)> cb,
                  LookupOptions options) {
  return queue_result<std::vector<LookupAddress>>(
      loop, [host = std::move(host), options] { return lookup_sync(host, options); },
      std::move(cb));
}

}  // namespace osn::pool
