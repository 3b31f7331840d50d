// http/framing.h — from header fields to "where does this message end?" (RFC 9112 §6, §9).
//
// The body length of a request is decided by exactly two fields: Transfer-Encoding (chunked
// must be the final coding) or Content-Length (one decimal number). When two parsers in a
// chain disagree about that length, the bytes one calls "body" the other calls "the next
// request": that is request smuggling, so every ambiguous combination is an error here.
// Connection (close / keep-alive / upgrade) and Upgrade decide what happens after the message.
#pragma once

#include "http/message.h"

namespace osn::http {

// Fills head.framing, content_length, keep_alive, upgrade and connect from head.headers,
// head.method and head.version_minor. Returns an error (status 400/413/501) or status kOk.
ParseError interpret_framing(RequestHead& head, const ParserLimits& limits);

}  // namespace osn::http
