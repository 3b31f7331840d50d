// pool/dns.h — dns.lookup: getaddrinfo(3) on a pool thread.
//
// getaddrinfo reads /etc/hosts and nsswitch.conf, may ask a DNS server and wait for its
// answer — a blocking library call with no descriptor to hand to epoll. So Node's
// dns.lookup runs it on libuv's thread pool; four slow lookups occupy all four threads, and
// every file read queued behind them waits too (pool_stats().wait_p99_ns shows it).
//
// Errors: getaddrinfo does not use errno; it returns EAI_* codes. We carry one in a SysError
// whose `call` names the code ("getaddrinfo EAI_NONAME (Name or service not known)") and
// whose `code` is the nearest errno (ENOENT, EAGAIN, ENOMEM, ...), so callers can test
// error().is(ENOENT) and messages stay readable. EAI_SYSTEM carries the real errno.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kernel-io/result.h"
#include "loop/loop.h"
#include "pool/work_queue.h"

namespace osn::pool {

struct LookupAddress {
  std::string address;  // "127.0.0.1", "::1"
  int family = 0;       // 4 or 6, as Node reports it
};

struct LookupOptions {
  int family = 0;             // 0: any, 4: IPv4 only, 6: IPv6 only
  bool numeric_host = false;  // AI_NUMERICHOST: only accept an address literal, never resolve
};

using LookupResult = kio::Result<std::vector<LookupAddress>>;

// The blocking half (any thread). Addresses in getaddrinfo's order, without duplicates.
LookupResult lookup_sync(const std::string& host, LookupOptions options = {});

// The SysError for an EAI_* code (see above).
kio::SysError gai_error(int gai_code, int saved_errno = 0);

// Resolves `host` on a pool thread; cb runs on the loop thread. Loop thread only.
WorkHandle lookup(loop::Loop& loop, std::string host, std::function<void(LookupResult)> cb,
                  LookupOptions options = {});

}  // namespace osn::pool
