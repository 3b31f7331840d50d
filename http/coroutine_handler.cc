// http/coroutine_handler.cc — copy the request, spawn the coroutine (see the header).
#include "http/coroutine_handler.h"

#include "http/char_class.h"

namespace osn::http {

OwnedRequest OwnedRequest::copy_of(const Request& request) {
  OwnedRequest owned;
  owned.method = request.method;
  owned.target = request.target;
  owned.path = request.path;
  owned.query = request.query;
  owned.body = request.body;
  owned.version_minor = request.version_minor;
  owned.keep_alive = request.keep_alive;
  owned.headers.reserve(request.headers.size());
  for (const Header& h : request.headers) owned.headers.emplace_back(h.name, h.value);
  return owned;
}

std::string_view OwnedRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (equals_ignore_case(n, name)) return v;
  return {};
}

Server::Handler coroutine_handler(CoroutineHandler handler) {
  return [handler = std::move(handler)](const Request& request, Response& response) {
    // The body runs at once, up to its first co_await; the loop owns the frame after that.
    loop::spawn(handler(response.loop(), OwnedRequest::copy_of(request), response.handle()));
  };
}

}  // namespace osn::http
