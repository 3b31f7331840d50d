// http/connection_buffers.h — what a connection needs only while it is busy, lent by the Server.
//
// An idle keep-alive connection waits for a request that may never come; 10,000 of them must
// not cost 10,000 parsers, requests, input and output buffers and spare responses. So those
// live here, in a ConnectionBuffers the Connection borrows from its Server when bytes arrive
// (Server::lend_buffers) and gives back when it is idle again — nothing owed, nothing buffered,
// the parser between messages (Server::take_back_buffers). The Server keeps a few given back,
// with their capacity, for the next busy connection: a keep-alive request costs no allocation.
// The header-field table the parser fills is the Server's too, shared by every connection: a
// head is parsed and handed to the handler within one callback on the one loop thread, so no
// two connections ever use it at once (a handler that goes async must copy what it needs from
// the Request, as it must anyway with pipelining). docs/http.md, "Memory per connection".
// Ownership: owned by one Connection while lent, else by the Server. Thread affinity: loop thread.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "http/body_stream.h"
#include "http/parser.h"
#include "http/request.h"
#include "http/response.h"

namespace osn::http {

struct ConnectionBuffers {
  ConnectionBuffers(std::span<Header> shared_fields, const ParserLimits& limits)
      : parser(shared_fields, limits) {}

  RequestParser parser;
  Request request;
  std::string in;                   // received, not yet consumed bytes start at in_pos
  size_t in_pos = 0;
  std::string head_copy;            // the head of a request with a body (see on_head_complete)
  std::vector<Header> head_fields;
  std::string body;
  // A body streamed to its handler (http/body_stream.h) instead of collected in `body`.
  BodyStream body_stream;
  Response* stream_response = nullptr;  // the answer to the request whose body streams
  bool streaming = false;
  std::string out;                  // output of this batch, written with one system call
  std::vector<std::unique_ptr<Response>> in_flight;  // answers owed, in request order
  std::vector<std::unique_ptr<Response>> spare;      // finished, for reuse
};

}  // namespace osn::http
