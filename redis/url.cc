// redis/url.cc — parse_redis_url: scheme, optional credentials, host, port, database.
#include "redis/url.h"

#include <charconv>

namespace osn::redis {
namespace {

bool parse_number(std::string_view s, long max, long* out) {
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size() && *out >= 0 && *out <= max;
}

}  // namespace

std::string Endpoint::address() const {
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string parse_redis_url(std::string_view url, Endpoint* out) {
  const std::string quoted = "redis URL \"" + std::string(url) + "\": ";
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) return quoted + "must start with redis:// (redis://[:password@]host:port/db)";
  std::string_view rest = url.substr(kScheme.size());
  Endpoint e;
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    long db = 0;
    std::string_view db_text = rest.substr(slash + 1);
    if (!db_text.empty() && !parse_number(db_text, 1'000'000, &db)) {
      return quoted + "database \"" + std::string(db_text) + "\" is not a number";
    }
    e.db = static_cast<int>(db);
    rest = rest.substr(0, slash);
  }
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = credentials.find(':');
    if (colon == std::string_view::npos) return quoted + "credentials must be :password@ or user:password@";
    e.user = std::string(credentials.substr(0, colon));
    e.password = std::string(credentials.substr(colon + 1));
  }
  std::string_view host = rest, port_text;
  if (rest.starts_with("[")) {  // [::1]:6379
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return quoted + "unclosed [ in the host";
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty() && after[0] != ':') return quoted + "expected :port after ]";
    if (!after.empty()) port_text = after.substr(1);
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port_text = rest.substr(colon + 1);
  }
  if (host.empty()) return quoted + "no host";
  e.host = std::string(host);  // a name is resolved when connecting (redis/host_lookup.h)
  if (!port_text.empty() || rest.ends_with(":")) {
    long port = 0;
    if (!parse_number(port_text, 65535, &port) || port == 0) {
      return quoted + "port \"" + std::string(port_text) + "\" is not 1..65535";
    }
    e.port = static_cast<uint16_t>(port);
  }
  *out = std::move(e);
  return {};
}

}  // namespace osn::redis
