// tests/support/line_app.cc — the raw-TCP application the test workers run, and its client.
//
// Keep-alive on purpose: one connection may carry many requests, so a worker's request
// counter and connection counter differ. On shutdown the app closes idle keep-alive
// connections at once and busy ones (a "slow" in progress) as soon as their answer is
// written. A connection that has not sent its first request yet is NOT idle — its client is
// about to send one — so it is answered once and then closed (or closed after a grace time).
#include <unistd.h>

#include <map>
#include <memory>

#include "cluster/frame.h"
#include "kernel-io/clock.h"
#include "kernel-io/io.h"
#include "kernel-io/socket.h"
#include "loop/stream.h"
#include "tests/support/line_app.h"

namespace osn::cluster::testing {

namespace {

class LineApp {
 public:
  explicit LineApp(WorkerContext& ctx) : ctx_(ctx) {}

  // The loop owns each connection's Stream (it closes after the client's end or an error);
  // the app keeps its own state per connection until the stream says it closed.
  void accept(kio::Fd fd) {
    const int key = next_key_++;
    loop::Stream& stream = loop::Stream::adopt(ctx_.loop(), std::move(fd));
    auto conn = std::make_unique<Conn>();
    conn->stream = &stream;
    conns_.emplace(key, std::move(conn));
    stream.on_close([this, key] { conns_.erase(key); });
    stream.read_start([this, key](std::string_view data) { on_data(key, data); });
  }

  void shutdown() {
    for (auto& [key, c] : conns_)
      if (!c->busy && c->served > 0) c->stream->close();  // idle: close
    ctx_.loop().set_timeout(kFirstRequestGraceMs, [this] {
      for (auto& [key, c] : conns_)
        if (c->served == 0) c->stream->close();
    });
  }

  void on_message(const Message& m) {
    if (m.type() == "big") {
      reply(big_waiter_, "big-ok " + std::to_string(m.get("data").size()));
    } else if (m.type() == "burst") {
      if (m.get_int("seq").value_or(-1) != burst_next_) burst_in_order_ = false;
      if (++burst_next_ == burst_total_)
        reply(burst_waiter_, burst_in_order_ ? "burst-ok " + std::to_string(burst_total_) : "burst-out-of-order");
    }
  }

 private:
  static constexpr uint64_t kFirstRequestGraceMs = 1000;

  struct Conn {
    loop::Stream* stream = nullptr;  // loop-owned; valid until its on_close erases this Conn
    std::string buffer;
    int served = 0;  // lines answered
    bool busy = false;
  };

  void on_data(int key, std::string_view data) {
    Conn* c = find(key);
    c->buffer.append(data);
    size_t nl;
    while ((c = find(key)) && (nl = c->buffer.find('\n')) != std::string::npos) {
      std::string line = c->buffer.substr(0, nl);
      c->buffer.erase(0, nl + 1);
      ctx_.count_request();
      command(key, line);
    }
  }

  void command(int key, const std::string& line) {
    const std::string pid = std::to_string(::getpid());
    if (line == "pid") {
      reply(key, "pid " + pid + " worker " + std::to_string(ctx_.id()));
    } else if (line.rfind("slow ", 0) == 0) {
      find(key)->busy = true;
      reply(key, "started");
      ctx_.loop().set_timeout(std::stoul(line.substr(5)), [this, key, pid] {
        if (Conn* c = find(key)) c->busy = false;
        reply(key, "done " + pid);
      });
    } else if (line == "cluster") {
      ctx_.query_cluster([this, key](std::vector<WorkerInfo> rows) {
        std::string text = "cluster " + std::to_string(rows.size());
        for (const WorkerInfo& w : rows)
          text += " " + std::to_string(w.id) + ":" + std::to_string(w.pid) + ":" + worker_state_name(w.state) +
                  ":" + std::to_string(w.connections) + ":" + std::to_string(w.requests);
        reply(key, text);
      });
    } else if (line.rfind("big ", 0) == 0) {
      big_waiter_ = key;
      ctx_.send(Message("big").set("data", std::string(std::stoul(line.substr(4)), 'x')));
    } else if (line.rfind("burst ", 0) == 0) {
      burst_waiter_ = key;
      burst_total_ = std::stol(line.substr(6));
      burst_next_ = 0;
      burst_in_order_ = true;
      for (long i = 0; i < burst_total_; ++i) ctx_.send(Message("burst").set_int("seq", i));
    } else if (line == "garbage") {
      ctx_.channel().send_raw_bytes(encode_frame("this-has-no-equals-sign"));
      reply(key, "garbage-sent");
    } else {
      reply(key, "unknown command");
    }
  }

  void reply(int key, const std::string& text) {
    Conn* c = find(key);
    if (!c) return;
    c->stream->write(text + "\n");
    ++c->served;
    if (ctx_.shutting_down() && !c->busy) c->stream->close();  // answered: now it may close
  }

  Conn* find(int key) {
    auto it = conns_.find(key);  // a closed connection is gone, though on_close has not run yet
    return it == conns_.end() || it->second->stream->is_closing() ? nullptr : it->second.get();
  }

  WorkerContext& ctx_;
  std::map<int, std::unique_ptr<Conn>> conns_;
  int next_key_ = 1;
  int big_waiter_ = 0, burst_waiter_ = 0;
  long burst_total_ = 0, burst_next_ = 0;
  bool burst_in_order_ = true;
};

}  // namespace

void line_app(WorkerContext& ctx) {
  auto app = std::make_shared<LineApp>(ctx);  // lives as long as the callbacks that hold it
  ctx.on_connection([app](kio::Fd fd) { app->accept(std::move(fd)); });
  ctx.on_shutdown([app] { app->shutdown(); });
  ctx.on_message([app](const Message& m) { app->on_message(m); });
}

void echo_app_messages(Primary& primary) {
  primary.on_message([](Worker& w, const Message& m) { w.send(m); });
}

// ---- clients ----------------------------------------------------------------------------------

LineClient::LineClient(uint16_t port, int timeout_ms) {
  auto addr = kio::SocketAddress::ip("127.0.0.1", port);
  if (!addr) return;
  auto fd = kio::connect_blocking(*addr, timeout_ms);
  if (fd) fd_ = std::move(*fd);
}

bool LineClient::send_line(std::string_view line) {
  std::string text(line);
  text += '\n';
  return fd_.valid() && kio::write_all(fd_.get(), text, 3000).ok();
}

std::string LineClient::read_line(int timeout_ms) {
  const uint64_t deadline = kio::monotonic_ms() + static_cast<uint64_t>(timeout_ms);
  for (;;) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    const uint64_t now = kio::monotonic_ms();
    if (!fd_.valid() || now >= deadline) return {};
    auto ready = kio::wait_readable(fd_.get(), static_cast<int>(deadline - now));
    if (!ready || !*ready) return {};
    char buf[4096];
    auto n = kio::read_some(fd_.get(), buf);
    if (!n || *n == 0) return {};
    buffer_.append(buf, *n);
  }
}

}  // namespace osn::cluster::testing
