// tests/support/http_client.h — a tiny blocking HTTP/1.1 client for tests, on raw sockets.
//
// Sends exactly the bytes a test gives it (malformed ones too) and reads one response at a
// time with the framing RFC 9112 §6.3 prescribes: no body for HEAD/1xx/204/304, chunked,
// Content-Length, or up to the server's close. Every read has a deadline (poll(2)), so a test
// never hangs on a server that stays silent. Deliberately independent of osn::http: it must
// not share a parser bug with the server it tests.
// Ownership: owns its socket. Thread affinity: one thread at a time (any thread).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kernel-io/fd.h"
#include "kernel-io/result.h"

namespace osn::test {

struct HttpResponse {
  int status = 0;
  std::string version;  // "HTTP/1.1"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;      // decoded (chunked framing removed)
  bool chunked = false;
  bool close_delimited = false;

  // The first field named `name` (case-insensitive), or "".
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:port.
  static kio::Result<HttpClient> connect(uint16_t port, int timeout_ms = 2'000);
  explicit HttpClient(kio::Fd fd) : fd_(std::move(fd)) {}

  int fd() const { return fd_.get(); }
  // Writes every byte (waits while the send buffer is full). false on error or timeout.
  bool send(std::string_view bytes, int timeout_ms = 2'000);
  // Reads one response. nullopt when the connection ended first, the deadline passed, or the
  // bytes are not a response. `head_request`: the response to a HEAD has no body.
  std::optional<HttpResponse> read_response(int timeout_ms = 2'000, bool head_request = false);
  // Sends a request and reads its response.
  std::optional<HttpResponse> round_trip(std::string_view request, int timeout_ms = 2'000);
  // True when the server closed the connection (EOF or reset) within timeout_ms. Bytes that
  // arrive first are kept for read_response()/pending().
  bool wait_closed(int timeout_ms = 2'000);
  // Bytes received and not yet returned as a response.
  const std::string& pending() const { return buf_; }
  // Sets SO_LINGER 0 and closes: the server sees a reset.
  void reset();
  void close() { (void)fd_.close(); }

 private:
  enum class Fill { kData, kEof, kTimeout, kError };
  Fill fill(uint64_t deadline_ms);
  bool read_line(std::string& line, uint64_t deadline_ms);
  bool read_exact_body(size_t n, std::string& out, uint64_t deadline_ms);
  bool read_chunked_body(std::string& out, uint64_t deadline_ms);

  kio::Fd fd_;
  std::string buf_;
  bool eof_ = false;
};

// "GET /path HTTP/1.1\r\nHost: t\r\n<extra>\r\n"
std::string get_request(std::string_view path = "/", std::string_view extra_fields = {});

}  // namespace osn::test
