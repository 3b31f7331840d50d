// tests/support/headless_chromium.h — a real browser for tests: headless Chromium, driven
// over its DevTools protocol.
//
// The browser starts in its own process group with a throw-away profile and
// --remote-debugging-port=0; it prints "DevTools listening on ws://127.0.0.1:PORT/..." on
// stderr. GET /json/list on that port names the page's WebSocket; we speak just enough
// WebSocket (RFC 6455: the upgrade, masked text frames out, unmasked frames in) to send
// DevTools commands (Page.navigate, Runtime.evaluate) and read their answers. Every wait is
// bounded. The destructor SIGKILLs the group and reaps the browser. find_chromium() is ""
// where no chromium is installed: the caller skips, saying so.
// Ownership: owns the browser process, its profile directory and the socket. One thread.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "kernel-io/fd.h"
#include "tests/support/temp_dir.h"

namespace osn::test {

// "chromium" or "chromium-browser" on PATH (or $CHROMIUM), else "".
std::string find_chromium();

class HeadlessChromium {
 public:
  explicit HeadlessChromium(const std::string& binary);
  ~HeadlessChromium();
  HeadlessChromium(const HeadlessChromium&) = delete;
  HeadlessChromium& operator=(const HeadlessChromium&) = delete;

  // Started and connected to its page (bounded); why not, in error().
  bool ready() const { return socket_.valid(); }
  const std::string& error() const { return error_; }

  bool navigate(const std::string& url);
  // Runs `expression` in the page; its value, which must be a string (wrap others in
  // JSON.stringify or String), or nullopt on a protocol error or timeout.
  std::optional<std::string> evaluate(const std::string& expression, int timeout_ms = 10'000);

 private:
  std::optional<std::string> call(const std::string& method, const std::string& params_json, int timeout_ms);
  bool send_text(const std::string& text);
  std::optional<std::string> receive_text(int timeout_ms);
  bool fill(int timeout_ms);
  bool connect_to_page(uint16_t port, int timeout_ms);

  TempDir profile_;
  pid_t pid_ = -1;
  kio::Fd socket_;
  std::string inbox_;  // bytes read, not yet parsed into frames
  std::string error_;
  int next_id_ = 1;
};

}  // namespace osn::test
