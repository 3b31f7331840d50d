// redis/host_lookup.h — a Redis server's host name to addresses, without blocking the loop.
//
// Resolving a name (getaddrinfo: /etc/hosts, nsswitch, maybe a DNS server) is a blocking library
// call with no descriptor epoll could watch, so it runs on the pool, as Node's net.connect runs
// dns.lookup on libuv's pool before it connects (pool/dns.h). An address literal (127.0.0.1,
// ::1) needs no lookup: the Connection takes it as it is and never touches the pool.
// The answer comes on the loop thread, later, with every address in getaddrinfo's order (the
// Connection tries them in turn: "localhost" may be ::1 first and the server bound to
// 127.0.0.1 only), or an error naming the host: `cannot resolve host "nonexistent.invalid":
// getaddrinfo EAI_NONAME (Name or service not known)`.
// Ownership: destroying the HostLookup drops the answer (the pool's callback, which may still
// come, finds nobody to tell). Thread affinity: the loop's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kernel-io/result.h"
#include "kernel-io/socket.h"
#include "loop/loop.h"
#include "pool/work_queue.h"

namespace osn::redis {

class HostLookup {
 public:
  // On failure, the message names the host and says why; addresses are never empty on success.
  using Done = std::function<void(std::vector<kio::SocketAddress> addresses, std::string error)>;

  // Starts the lookup on the pool at once; `done` runs later on the loop thread, once.
  HostLookup(loop::Loop& loop, const std::string& host, uint16_t port, Done done);
  ~HostLookup();
  HostLookup(const HostLookup&) = delete;
  HostLookup& operator=(const HostLookup&) = delete;

 private:
  struct Waiter {
    Done done;  // emptied by ~HostLookup: the answer then goes nowhere
  };

  loop::Loop& loop_;
  std::shared_ptr<Waiter> waiter_;  // shared with the pool's callback, which may outlive us
  pool::WorkHandle work_;
};

}  // namespace osn::redis
