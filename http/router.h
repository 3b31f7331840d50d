// http/router.h — the smallest useful router: exact method + exact path -> handler.
//
// Lookup is a linear scan over the routes (a demo has a handful). A path that exists with
// other methods answers 405 with `Allow:` listing them (RFC 9110 §15.5.6); an unknown path
// answers 404. HEAD is served by the GET handler when no HEAD route exists (the Response
// drops the body). Use it as the Server's handler: Server(loop, options, router.handler()).
// Ownership: the Router must outlive the handler it returns. Loop thread only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/server.h"

namespace osn::http {

class Router {
 public:
  Router& add(std::string_view method, std::string_view path, Server::Handler handler);
  Router& get(std::string_view path, Server::Handler handler) { return add("GET", path, std::move(handler)); }
  Router& post(std::string_view path, Server::Handler handler) { return add("POST", path, std::move(handler)); }
  // A route whose handler takes the body as it arrives (http/body_stream.h). Wire the router
  // to the server with server.stream_bodies(router.stream_wanted(), router.stream_handler());
  // without that (or for a request without a body) route() feeds it the collected body.
  Router& stream(std::string_view method, std::string_view path, Server::StreamHandler handler);

  void route(const Request& request, Response& response) const;
  Server::Handler handler() const {
    return [this](const Request& request, Response& response) { route(request, response); };
  }
  bool streams(const Request& head) const;  // its route is a stream() route
  void route_stream(const Request& head, Response& response, BodyStream& body) const;
  std::function<bool(const Request&)> stream_wanted() const {
    return [this](const Request& head) { return streams(head); };
  }
  Server::StreamHandler stream_handler() const {
    return [this](const Request& head, Response& response, BodyStream& body) { route_stream(head, response, body); };
  }

 private:
  struct Route {
    std::string method;
    std::string path;
    Server::Handler handler;
    std::string label;
    Server::StreamHandler stream;  // set instead of handler for a stream() route  // "GET /block": what the watchdog and OSN_TRACE_FILE call its handler
  };
  const Route* find(std::string_view method, std::string_view path) const;

  std::vector<Route> routes_;
};

}  // namespace osn::http
