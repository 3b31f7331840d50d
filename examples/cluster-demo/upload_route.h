// examples/cluster-demo/upload_route.h — POST /upload: a body hashed as it arrives, never held.
//
// The route takes its body as a stream (http/body_stream.h): each piece is copied once into
// the upload's one piece buffer and hashed (SHA-256) on a pool thread while the stream is
// paused — the connection stops reading, TCP's window closes, the client waits. When the pool
// work is done the stream resumes. So a 1 GB upload costs this worker one piece of memory
// (≤ 64 KiB) and never blocks its loop on hashing; the answer is
// {"pid":..,"bytes":N,"sha256":"..."} — compare with `sha256sum`:
//   head -c 50000000 /dev/urandom > /tmp/u; curl -T /tmp/u -X POST localhost:8000/upload; sha256sum /tmp/u
// Loop thread only (the hash is touched by one pool thread at a time, while the stream is
// paused; the loop reads it only after the last piece's work is done).
#pragma once

#include "http/body_stream.h"
#include "http/request.h"
#include "http/response.h"
#include "loop/loop.h"

namespace osn::demo {

void stream_upload(loop::Loop& loop, const http::Request& head, http::Response& response, http::BodyStream& body);

}  // namespace osn::demo
