// tests/support/headless_chromium.cc — starting the browser and the smallest WebSocket client.
#include "tests/support/headless_chromium.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "kernel-io/clock.h"
#include "tests/support/http_client.h"
#include "tests/support/mini_json.h"
#include "tests/support/run_program.h"

namespace osn::test {
namespace {

std::string read_whole(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void append_json_string(std::string& out, const std::string& text) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
}

}  // namespace

std::string find_chromium() {
  if (const char* given = std::getenv("CHROMIUM"); given != nullptr && *given != '\0') return given;
  for (const char* name : {"chromium", "chromium-browser"})
    if (on_path(name)) return name;
  return "";
}

HeadlessChromium::HeadlessChromium(const std::string& binary) {
  if (!profile_.ok()) {
    error_ = "no temporary directory";
    return;
  }
  const std::string log = profile_.file("stderr.log");
  pid_ = ::fork();
  if (pid_ == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::dup2(fd, STDOUT_FILENO);
    const std::string profile = "--user-data-dir=" + profile_.file("profile");
    ::execlp(binary.c_str(), binary.c_str(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--disable-extensions", "--remote-debugging-port=0", "--window-size=1100,800",
             profile.c_str(), "about:blank", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid_ < 0) {
    error_ = "fork failed";
    return;
  }
  ::setpgid(pid_, pid_);
  // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/..." (bounded: 60 s, a loaded CI).
  constexpr std::string_view kMark = "DevTools listening on ws://127.0.0.1:";
  const uint64_t give_up = kio::monotonic_ms() + 60'000;
  while (kio::monotonic_ms() < give_up) {
    const std::string text = read_whole(log);
    if (size_t at = text.find(kMark); at != std::string::npos) {
      const uint16_t port = static_cast<uint16_t>(std::atoi(text.c_str() + at + kMark.size()));
      if (!connect_to_page(port, 30'000)) error_ += "\nchromium said:\n" + text;
      return;
    }
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "chromium exited at start:\n" + text;
      return;
    }
    ::usleep(50'000);
  }
  error_ = "chromium did not open its DevTools port within 60 s:\n" + read_whole(log);
}

HeadlessChromium::~HeadlessChromium() {
  (void)socket_.close();
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

// /json/list names each target; the page's webSocketDebuggerUrl is ws://127.0.0.1:PORT/PATH.
bool HeadlessChromium::connect_to_page(uint16_t port, int timeout_ms) {
  std::string path;
  const uint64_t give_up = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  while (path.empty() && kio::monotonic_ms() < give_up) {
    if (auto client = HttpClient::connect(port)) {
      // DevTools answers only a Host that is an IP address or localhost.
      auto r = client->round_trip("GET /json/list HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5'000);
      Json list;
      if (r && r->status == 200 && parse_json(r->body, list))
        for (const Json& target : list.array)
          if (const Json* type = target.find("type"); type && type->string == "page")
            if (const Json* url = target.find("webSocketDebuggerUrl")) {
              size_t slash = url->string.find('/', std::string_view("ws://").size());
              if (slash != std::string::npos) path = url->string.substr(slash);
            }
    }
    if (path.empty()) ::usleep(100'000);
  }
  if (path.empty()) {
    error_ = "no page target in /json/list";
    return false;
  }
  auto client = HttpClient::connect(port);
  if (!client) {
    error_ = "cannot connect to the DevTools port";
    return false;
  }
  const std::string upgrade = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                              "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: b3Nub2RlLXRlc3Qta2V5IQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (!client->send(upgrade)) {
    error_ = "cannot send the WebSocket upgrade";
    return false;
  }
  socket_ = kio::Fd(::dup(client->fd()));
  client->close();
  while (inbox_.find("\r\n\r\n") == std::string::npos)
    if (!fill(10'000)) {
      error_ = "no answer to the WebSocket upgrade";
      (void)socket_.close();
      return false;
    }
  if (inbox_.compare(0, 12, "HTTP/1.1 101") != 0) {
    error_ = "upgrade refused: " + inbox_.substr(0, inbox_.find("\r\n"));
    (void)socket_.close();
    return false;
  }
  inbox_.erase(0, inbox_.find("\r\n\r\n") + 4);
  return true;
}

bool HeadlessChromium::fill(int timeout_ms) {
  pollfd p{socket_.get(), POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) <= 0) return false;
  char buf[65536];
  ssize_t n = ::read(socket_.get(), buf, sizeof buf);
  if (n <= 0) return false;
  inbox_.append(buf, static_cast<size_t>(n));
  return true;
}

// A client's frames are masked (RFC 6455 §5.3); a zero mask key is a valid key.
bool HeadlessChromium::send_text(const std::string& text) {
  std::string frame(1, static_cast<char>(0x81));  // FIN, text
  const uint64_t n = text.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(n >> 8);
    frame += static_cast<char>(n & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((n >> shift) & 0xff);
  }
  frame.append(4, '\0');  // the mask key
  frame += text;
  size_t done = 0;
  while (done < frame.size()) {
    ssize_t w = ::write(socket_.get(), frame.data() + done, frame.size() - done);
    if (w <= 0) return false;
    done += static_cast<size_t>(w);
  }
  return true;
}

// One whole message (continuation frames joined); control frames are skipped.
std::optional<std::string> HeadlessChromium::receive_text(int timeout_ms) {
  const uint64_t give_up = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  std::string message;
  for (;;) {
    if (inbox_.size() >= 2) {
      const auto* b = reinterpret_cast<const unsigned char*>(inbox_.data());
      const bool fin = b[0] & 0x80;
      const int opcode = b[0] & 0x0f;
      uint64_t length = b[1] & 0x7f;
      size_t header = 2;
      if (length == 126 && inbox_.size() >= 4) {
        length = (uint64_t{b[2]} << 8) | b[3];
        header = 4;
      } else if (length == 127 && inbox_.size() >= 10) {
        length = 0;
        for (int i = 0; i < 8; ++i) length = (length << 8) | b[2 + i];
        header = 10;
      }
      const bool have_length = (b[1] & 0x7f) < 126 || header > 2;
      if (have_length && inbox_.size() >= header + length) {
        std::string payload = inbox_.substr(header, length);
        inbox_.erase(0, header + length);
        if (opcode == 0x8) return std::nullopt;  // close
        if (opcode == 0x1 || opcode == 0x0) {
          message += payload;
          if (fin) return message;
        }
        continue;
      }
    }
    const int64_t left = static_cast<int64_t>(give_up) - static_cast<int64_t>(kio::monotonic_ms());
    if (left <= 0 || !fill(static_cast<int>(left))) return std::nullopt;
  }
}

std::optional<std::string> HeadlessChromium::call(const std::string& method, const std::string& params_json,
                                                  int timeout_ms) {
  if (!socket_.valid()) return std::nullopt;
  const int id = next_id_++;
  if (!send_text("{\"id\":" + std::to_string(id) + ",\"method\":\"" + method + "\",\"params\":" + params_json + "}"))
    return std::nullopt;
  const uint64_t give_up = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  while (kio::monotonic_ms() < give_up) {
    auto text = receive_text(static_cast<int>(give_up - kio::monotonic_ms()));
    if (!text) return std::nullopt;
    Json reply;
    if (!parse_json(*text, reply)) continue;
    if (const Json* got = reply.find("id"); got && static_cast<int>(got->number) == id) return text;
  }
  return std::nullopt;
}

bool HeadlessChromium::navigate(const std::string& url) {
  std::string params = "{\"url\":";
  append_json_string(params, url);
  params += "}";
  auto reply = call("Page.navigate", params, 30'000);
  return reply && reply->find("\"error\"") == std::string::npos;
}

std::optional<std::string> HeadlessChromium::evaluate(const std::string& expression, int timeout_ms) {
  std::string params = "{\"expression\":";
  append_json_string(params, expression);
  params += ",\"returnByValue\":true}";
  auto reply = call("Runtime.evaluate", params, timeout_ms);
  if (!reply) return std::nullopt;
  Json json;
  if (!parse_json(*reply, json)) return std::nullopt;
  const Json* result = json.find("result");
  const Json* inner = result ? result->find("result") : nullptr;
  const Json* value = inner ? inner->find("value") : nullptr;
  if (value == nullptr || value->type != Json::Type::kString) return std::nullopt;
  return value->string;
}

}  // namespace osn::test
