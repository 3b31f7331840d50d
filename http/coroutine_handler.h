// http/coroutine_handler.h — an HTTP handler written as a coroutine: co_await inside it.
//
//   Server server(loop, {}, coroutine_handler([](Loop& loop, OwnedRequest req,
//                                                ResponseHandle res) -> loop::Task<> {
//     auto text = co_await pool::promises::read_file(loop, "index.html");
//     if (Response* r = res.get()) r->end(text ? *text : "not found");
//   }));
//
// The server calls the handler with a Request whose views point into the connection's buffer
// and are valid only during the call; a coroutine lives on across co_await, so it gets an
// OwnedRequest (a copy) and a ResponseHandle (get() is nullptr once the client has gone —
// check it after every co_await). Each request's Task is spawned on the loop (loop/task.h):
// the loop owns its frame until it finishes. Pipelined requests still leave in request order:
// a response that finishes early waits in its own buffer for the ones before it
// (http/response.h). A coroutine that ends without answering leaves the client waiting (the
// server's timeouts close it), as a Node handler that never calls res.end(). As for every
// ResponseHandle, the Server must outlive the handlers' frames (destroy it after the loop has
// run them out, or with the loop). Loop thread only.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/request.h"
#include "http/response.h"
#include "http/server.h"
#include "loop/loop.h"
#include "loop/task.h"

namespace osn::http {

// A Request that owns its bytes: safe to keep across co_await.
struct OwnedRequest {
  std::string method, target, path, query, body;
  std::vector<std::pair<std::string, std::string>> headers;
  int version_minor = 1;
  bool keep_alive = true;

  static OwnedRequest copy_of(const Request& request);
  // The first field named `name` (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const;
};

using CoroutineHandler = std::function<loop::Task<>(loop::Loop&, OwnedRequest, ResponseHandle)>;

// A Server::Handler that starts `handler` as a spawned Task for every request.
Server::Handler coroutine_handler(CoroutineHandler handler);

}  // namespace osn::http
