// examples/cluster-demo/store_setting.cc — parse STORE, and one blocking PING before any fork.
#include "examples/cluster-demo/store_setting.h"

#include <poll.h>

#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "pool/dns.h"
#include "redis/command.h"

namespace osn::demo {

std::string read_store_setting(StoreSetting* out) {
  const char* env = std::getenv("STORE");
  StoreSetting s;
  if (env == nullptr || std::string_view(env).empty() || std::string_view(env) == "memory") {
    *out = s;
    return {};
  }
  s.text = env;
  if (s.text == "redis") {
    return "STORE=redis: give the server's URL, e.g. STORE=redis://127.0.0.1:6379 "
           "(`make run STORE=redis` starts a local redis-server for you)";
  }
  if (!s.text.starts_with("redis://")) {
    return "STORE=" + s.text + ": must be memory (the default) or a URL redis://[:password@]host:port/db";
  }
  if (std::string problem = redis::parse_redis_url(s.text, &s.endpoint); !problem.empty()) {
    return "STORE=" + s.text + ": " + problem + " (or STORE=memory)";
  }
  s.use_redis = true;
  *out = s;
  return {};
}

std::string probe_store(const StoreSetting& setting) {
  if (!setting.use_redis) return {};
  const std::string where = "STORE=" + setting.text + ": redis at " + setting.endpoint.address() + " ";
  const std::string hint = " (start redis-server, or `make run STORE=redis` to have one started, or use STORE=memory)";
  // A name is resolved here with a blocking getaddrinfo: the primary has no loop running yet and
  // no pool thread (none may exist at fork). The workers resolve it again on their pool.
  std::vector<kio::SocketAddress> addresses;
  if (kio::Result<kio::SocketAddress> literal = kio::SocketAddress::ip(setting.endpoint.host, setting.endpoint.port)) {
    addresses.push_back(*literal);
  } else if (pool::LookupResult found = pool::lookup_sync(setting.endpoint.host); !found) {
    return where + "cannot be resolved: host \"" + setting.endpoint.host + "\": " + found.error().message() +
           " (check the host name, or use STORE=memory)";
  } else {
    for (const pool::LookupAddress& a : *found) {
      if (auto addr = kio::SocketAddress::ip(a.address, setting.endpoint.port)) addresses.push_back(*addr);
    }
  }
  kio::Result<kio::Fd> fd = kio::SysError{"connect", EADDRNOTAVAIL};
  for (const kio::SocketAddress& addr : addresses) {  // getaddrinfo's order, until one answers
    fd = kio::connect_blocking(addr, 2'000);
    if (fd) break;
  }
  if (!fd) return where + "is unreachable: " + fd.error().message() + hint;
  std::string ask;
  if (!setting.endpoint.password.empty()) {
    if (setting.endpoint.user.empty()) {
      redis::encode_command(ask, {"AUTH", setting.endpoint.password});
    } else {
      redis::encode_command(ask, {"AUTH", setting.endpoint.user, setting.endpoint.password});
    }
  }
  redis::encode_command(ask, {"PING"});
  kio::Result<size_t> sent = kio::write_some(fd->get(), std::span<const char>(ask.data(), ask.size()));
  if (!sent || *sent != ask.size()) return where + "took the connection but not the PING" + hint;
  std::string got;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline && got.find("PONG") == std::string::npos &&
         got.find('-') == std::string::npos) {
    pollfd p{fd->get(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[512];
    kio::Result<size_t> n = kio::read_some(fd->get(), std::span<char>(buf, sizeof buf));
    if (!n || *n == 0) return where + "closed the connection without answering PING" + hint;
    got.append(buf, *n);
  }
  if (size_t dash = got.find('-'); dash != std::string::npos) {
    return where + "refused: " + got.substr(dash + 1, got.find('\r', dash) - dash - 1) +
           " (a password goes in the URL: redis://:PASSWORD@host:port)";
  }
  if (got.find("PONG") == std::string::npos) return where + "did not answer PING within 2 s" + hint;
  return {};
}

}  // namespace osn::demo
