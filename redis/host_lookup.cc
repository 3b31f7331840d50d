// redis/host_lookup.cc — pool::lookup, and the answer turned into socket addresses.
#include "redis/host_lookup.h"

#include "pool/dns.h"

namespace osn::redis {

HostLookup::HostLookup(loop::Loop& loop, const std::string& host, uint16_t port, Done done)
    : loop_(loop), waiter_(std::make_shared<Waiter>(Waiter{std::move(done)})) {
  work_ = pool::lookup(loop, host, [waiter = waiter_, host, port](pool::LookupResult found) {
    if (!waiter->done) return;  // the HostLookup is gone
    Done done = std::move(waiter->done);
    waiter->done = nullptr;
    if (!found) return done({}, "cannot resolve host \"" + host + "\": " + found.error().message());
    std::vector<kio::SocketAddress> addresses;
    for (const pool::LookupAddress& a : *found) {
      if (kio::Result<kio::SocketAddress> addr = kio::SocketAddress::ip(a.address, port)) addresses.push_back(*addr);
    }
    if (addresses.empty()) return done({}, "cannot resolve host \"" + host + "\": no IPv4 or IPv6 address");
    done(std::move(addresses), {});
  });
}

HostLookup::~HostLookup() {
  waiter_->done = nullptr;
  (void)pool::cancel(loop_, work_);  // still queued: taken out; running: its answer is dropped
}

}  // namespace osn::redis
