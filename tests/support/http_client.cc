// tests/support/http_client.cc — reading responses with deadlines.
#include "tests/support/http_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstdlib>

#include "kernel-io/io.h"
#include "kernel-io/socket.h"

namespace osn::test {

namespace {
uint64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1'000'000;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}
}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (same_name(n, name)) return v;
  return {};
}

bool HttpResponse::has_header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (same_name(n, name)) return true;
  return false;
}

kio::Result<HttpClient> HttpClient::connect(uint16_t port, int timeout_ms) {
  auto address = kio::SocketAddress::ip("127.0.0.1", port);
  if (!address) return address.error();
  auto fd = kio::connect_blocking(*address, timeout_ms);
  if (!fd) return fd.error();
  return HttpClient(std::move(*fd));
}

bool HttpClient::send(std::string_view bytes, int timeout_ms) {
  return kio::write_all(fd_.get(), bytes, timeout_ms).ok();
}

HttpClient::Fill HttpClient::fill(uint64_t deadline_ms) {
  if (eof_) return Fill::kEof;
  const uint64_t now = now_ms();
  if (now >= deadline_ms) return Fill::kTimeout;
  auto ready = kio::wait_readable(fd_.get(), static_cast<int>(deadline_ms - now));
  if (!ready) return Fill::kError;
  if (!*ready) return Fill::kTimeout;
  char chunk[16 * 1024];
  auto n = kio::read_some(fd_.get(), chunk);
  if (!n) {
    if (n.error().would_block()) return Fill::kData;  // spurious wake-up: try again
    eof_ = true;  // ECONNRESET and friends end the stream too
    return Fill::kError;
  }
  if (*n == 0) {
    eof_ = true;
    return Fill::kEof;
  }
  buf_.append(chunk, *n);
  return Fill::kData;
}

bool HttpClient::read_line(std::string& line, uint64_t deadline_ms) {
  for (;;) {
    const size_t end = buf_.find("\r\n");
    if (end != std::string::npos) {
      line = buf_.substr(0, end);
      buf_.erase(0, end + 2);
      return true;
    }
    if (fill(deadline_ms) != Fill::kData) return false;
  }
}

bool HttpClient::read_exact_body(size_t n, std::string& out, uint64_t deadline_ms) {
  while (buf_.size() < n)
    if (fill(deadline_ms) != Fill::kData) return false;
  out.append(buf_, 0, n);
  buf_.erase(0, n);
  return true;
}

bool HttpClient::read_chunked_body(std::string& out, uint64_t deadline_ms) {
  for (;;) {
    std::string size_line;
    if (!read_line(size_line, deadline_ms)) return false;
    char* end = nullptr;
    const unsigned long size = std::strtoul(size_line.c_str(), &end, 16);
    if (end == size_line.c_str()) return false;
    if (size == 0) {
      std::string trailer;
      do {  // trailer fields, up to the empty line
        if (!read_line(trailer, deadline_ms)) return false;
      } while (!trailer.empty());
      return true;
    }
    if (!read_exact_body(size, out, deadline_ms)) return false;
    std::string crlf;
    if (!read_line(crlf, deadline_ms) || !crlf.empty()) return false;
  }
}

std::optional<HttpResponse> HttpClient::read_response(int timeout_ms, bool head_request) {
  const uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
  HttpResponse r;
  std::string line;
  if (!read_line(line, deadline)) return std::nullopt;
  // "HTTP/1.1 200 OK"
  if (line.size() < 12 || line.compare(0, 5, "HTTP/") != 0 || line[8] != ' ') return std::nullopt;
  r.version = line.substr(0, 8);
  r.status = std::atoi(line.c_str() + 9);
  for (;;) {
    if (!read_line(line, deadline)) return std::nullopt;
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    r.headers.emplace_back(line.substr(0, colon), trim(std::string_view(line).substr(colon + 1)));
  }
  const bool no_body = head_request || r.status < 200 || r.status == 204 || r.status == 304;
  if (no_body) return r;
  if (same_name(r.header("transfer-encoding"), "chunked")) {
    r.chunked = true;
    if (!read_chunked_body(r.body, deadline)) return std::nullopt;
  } else if (r.has_header("content-length")) {
    const size_t n = std::strtoull(r.header("content-length").c_str(), nullptr, 10);
    if (!read_exact_body(n, r.body, deadline)) return std::nullopt;
  } else {
    r.close_delimited = true;
    Fill f;
    while ((f = fill(deadline)) == Fill::kData) {
    }
    if (f == Fill::kTimeout) return std::nullopt;
    r.body.swap(buf_);
    buf_.clear();
  }
  return r;
}

std::optional<HttpResponse> HttpClient::round_trip(std::string_view request, int timeout_ms) {
  if (!send(request, timeout_ms)) return std::nullopt;
  return read_response(timeout_ms, request.substr(0, 5) == "HEAD ");
}

bool HttpClient::wait_closed(int timeout_ms) {
  const uint64_t deadline = now_ms() + static_cast<uint64_t>(timeout_ms);
  for (;;) {
    const Fill f = fill(deadline);
    if (f == Fill::kEof || f == Fill::kError) return true;
    if (f == Fill::kTimeout) return false;
  }
}

void HttpClient::reset() {
  linger lg{1, 0};
  (void)::setsockopt(fd_.get(), SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close();
}

std::string get_request(std::string_view path, std::string_view extra_fields) {
  std::string r = "GET ";
  r.append(path).append(" HTTP/1.1\r\nHost: t\r\n").append(extra_fields).append("\r\n");
  return r;
}

}  // namespace osn::test
