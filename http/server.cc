// http/server.cc — accepting, the connection table, shutdown, and the ResponseHandle table.
//
// A closed Connection is not destroyed on the spot: we may be inside one of its own
// callbacks. It moves to closed_ and is destroyed in the check phase (one set_immediate),
// when no callback of it can be running.
#include "http/server.h"

#include "http/connection.h"
#include "http/connection_buffers.h"
#include "kernel-io/clock.h"
#include "kernel-io/socket.h"

namespace osn::http {

uint64_t ServerStats::parse_errors_total() const {
  uint64_t total = 0;
  for (const auto& [status, count] : parse_errors) total += count;
  return total;
}

Server::Server(loop::Loop& loop, ServerOptions options, Handler handler)
    : loop_(&loop),
      options_(std::move(options)),
      handler_(std::move(handler)),
      fields_(options_.limits.max_header_count) {}

Server::~Server() {
  // Connections first: their Responses unregister from responses_, which must still exist.
  connections_.clear();
  closed_.clear();
  spare_buffers_.clear();
  if (reaper_ != 0) loop_->clear_immediate(reaper_);
}

kio::Status Server::listen() {
  auto address = kio::SocketAddress::ip(options_.host, options_.port);
  if (!address) return address.error();
  auto fd = kio::tcp_listen(*address, {options_.backlog, options_.reuse_port});
  if (!fd) return fd.error();
  return listen_on(std::move(*fd));
}

kio::Status Server::listen_on(kio::Fd listening_socket) {
  listener_ = std::make_unique<loop::Listener>(*loop_, std::move(listening_socket),
                                               [this](kio::Fd fd) { on_accept(std::move(fd)); });
  return listener_->start();
}

void Server::serve(kio::Fd connection) { on_accept(std::move(connection)); }

uint16_t Server::port() const { return listener_ ? listener_->port() : 0; }

// Past max_connections the connection is closed at once: the kernel has already completed the
// handshake, so closing is the only refusal left, and it costs no descriptor for long.
void Server::on_accept(kio::Fd fd) {
  if (shutting_down_) return;
  if (connections_.size() >= options_.max_connections) {
    ++stats_.connections_refused;
    return;  // fd closes here
  }
  auto connection = std::make_unique<Connection>(*this, std::move(fd));
  connection->slot = connections_.size();
  Connection& started = *connection;
  connections_.push_back(std::move(connection));
  ++stats_.connections_total;
  stats_.connections_current = connections_.size();
  started.start();
}

std::unique_ptr<ConnectionBuffers> Server::lend_buffers() {
  ++stats_.buffers_lent;
  if (spare_buffers_.empty()) return std::make_unique<ConnectionBuffers>(fields_, options_.limits);
  std::unique_ptr<ConnectionBuffers> buffers = std::move(spare_buffers_.back());
  spare_buffers_.pop_back();
  return buffers;
}

// Kept for the next busy connection, with their capacity — unless a big body or answer grew
// them (that memory goes back to the allocator), or enough are kept already.
void Server::take_back_buffers(std::unique_ptr<ConnectionBuffers> buffers) {
  constexpr size_t kKeepAtMost = 64;
  constexpr size_t kLargeBuffer = 64 * 1024;
  --stats_.buffers_lent;
  if (spare_buffers_.size() >= kKeepAtMost) return;  // freed here
  for (std::string* text : {&buffers->in, &buffers->out, &buffers->body, &buffers->head_copy})
    if (text->capacity() > kLargeBuffer) std::string().swap(*text);
  buffers->in.clear();
  buffers->in_pos = 0;
  buffers->body.clear();
  buffers->request = Request{};
  spare_buffers_.push_back(std::move(buffers));
}

bool Server::reserve_body_bytes(size_t bytes) {
  if (stats_.body_bytes_buffered + bytes > options_.max_buffered_body_bytes) {
    ++stats_.body_budget_refusals;
    return false;
  }
  stats_.body_bytes_buffered += bytes;
  return true;
}

void Server::bury(Connection& connection) {
  const size_t slot = connection.slot;
  closed_.push_back(std::move(connections_[slot]));
  if (slot + 1 != connections_.size()) {
    connections_[slot] = std::move(connections_.back());
    connections_[slot]->slot = slot;
  }
  connections_.pop_back();
  stats_.connections_current = connections_.size();
  if (reaper_ == 0) {
    reaper_ = loop_->set_immediate([this] {
      reaper_ = 0;
      reap_closed();
    });
  }
}

void Server::reap_closed() { closed_.clear(); }

void Server::stream_bodies(std::function<bool(const Request& head)> wanted, StreamHandler handler) {
  stream_wanted_ = std::move(wanted);
  stream_handler_ = std::move(handler);
}

void Server::shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  grace_ends_ms_ = kio::monotonic_ms() + options_.shutdown_grace_ms;  // not the loop's now (connection_deadlines.cc)
  if (listener_) listener_->close();  // 1. stop accepting first
  std::vector<Connection*> live;
  for (auto& c : connections_) live.push_back(c.get());
  for (Connection* c : live) c->stop_after_current();  // may bury c: iterate over a copy
}

uint64_t Server::remember_response(Response* response) {
  const uint64_t id = next_response_id_++;
  responses_[id] = response;
  return id;
}

Response* Server::find_response(uint64_t id) const {
  auto it = responses_.find(id);
  return it == responses_.end() ? nullptr : it->second;
}

}  // namespace osn::http
