// http/router.cc — route lookup, 404, and 405 with Allow.
#include "http/router.h"

#include "loop/loop.h"

namespace osn::http {

Router& Router::add(std::string_view method, std::string_view path, Server::Handler handler) {
  std::string label = std::string(method) + " " + std::string(path);
  routes_.push_back(Route{std::string(method), std::string(path), std::move(handler), std::move(label), nullptr});
  return *this;
}

Router& Router::stream(std::string_view method, std::string_view path, Server::StreamHandler handler) {
  add(method, path, nullptr);
  routes_.back().stream = std::move(handler);
  return *this;
}

bool Router::streams(const Request& head) const {
  const Route* route = find(head.method, head.path);
  return route != nullptr && route->stream != nullptr;
}

void Router::route_stream(const Request& head, Response& response, BodyStream& body) const {
  const Route* r = find(head.method, head.path);
  if (r == nullptr || r->stream == nullptr) return route(head, response);  // streams() said no
  if (loop::Loop* loop = loop::Loop::running_on_this_thread()) loop->label_callback(r->label.c_str());
  r->stream(head, response, body);
}

const Router::Route* Router::find(std::string_view method, std::string_view path) const {
  for (const Route& r : routes_)
    if (r.method == method && r.path == path) return &r;
  return nullptr;
}

void Router::route(const Request& request, Response& response) const {
  const Route* route = find(request.method, request.path);
  if (!route && request.method == "HEAD") route = find("GET", request.path);
  if (route) {
    // Name the running callback for the loop's watchdog and trace file (loop/watchdog.h).
    if (loop::Loop* loop = loop::Loop::running_on_this_thread()) loop->label_callback(route->label.c_str());
    if (route->stream) {  // a stream() route given a collected body: one piece, then the end
      BodyStream body;
      body.start_detached();
      route->stream(request, response, body);
      if (!request.body.empty()) body.deliver(request.body);
      body.end_now();
      return;
    }
    route->handler(request, response);
    return;
  }
  std::string allow;
  for (const Route& r : routes_) {
    if (r.path != request.path) continue;
    if (!allow.empty()) allow.append(", ");
    allow.append(r.method);
  }
  response.add_header("Content-Type", "text/plain");
  if (allow.empty()) {
    response.set_status(404);
    response.end("404 Not Found\n");
  } else {
    response.set_status(405);
    response.add_header("Allow", allow);
    response.end("405 Method Not Allowed\n");
  }
}

}  // namespace osn::http
