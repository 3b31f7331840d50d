// examples/cluster-demo/upload_route.cc — POST /upload: stream, pause, hash on the pool, resume.
#include "examples/cluster-demo/upload_route.h"

#include <unistd.h>

#include <memory>
#include <string>

#include "examples/cluster-demo/json.h"
#include "pool/crypto/hex.h"
#include "pool/crypto/sha256.h"
#include "pool/queue_work.h"

namespace osn::demo {

namespace {

// One upload in progress. Shared by the stream's callbacks and the pool work in flight, so it
// lives until the last of them is done — also when the client hangs up meanwhile.
struct Upload {
  pool::Sha256 hash;
  std::string piece;  // the piece being hashed: the only copy of the body this worker holds
  http::ResponseHandle response;
};

void answer_upload(http::Response& response, const Upload& upload, uint64_t bytes, std::string_view digest) {
  response.set_status(200);
  response.add_header("Content-Type", "application/json");
  response.end(JsonObject()
                   .add("pid", static_cast<int64_t>(::getpid()))
                   .add("bytes", bytes)
                   .add("sha256", digest)
                   .add("largest_piece_held", static_cast<uint64_t>(upload.piece.capacity()))
                   .str() +
               "\n");
}

}  // namespace

void stream_upload(loop::Loop& loop, const http::Request&, http::Response& response, http::BodyStream& body) {
  auto upload = std::make_shared<Upload>();
  upload->response = response.handle();
  body.on_data([&loop, &body, upload](std::string_view piece) {
    body.pause();  // no more pieces (and no more reading) until this one is hashed
    if (!body.paused()) return upload->hash.update(piece);  // a body already collected: no waiting
    upload->piece.assign(piece);  // the view is valid during this call only
    pool::queue_work(
        loop, [upload] { upload->hash.update(upload->piece); },
        [upload](kio::Status) {
          if (http::Response* r = upload->response.get())
            if (http::BodyStream* b = r->body()) b->resume();  // else: the client went away
        });
  });
  body.on_end([&body, upload] {  // after the last piece's work: nothing touches the hash now
    http::Response* r = upload->response.get();
    if (r != nullptr) answer_upload(*r, *upload, body.bytes_received(), pool::to_hex(upload->hash.finish()));
  });
  body.on_error([](int, std::string_view) {});  // the server answers the status itself
}

}  // namespace osn::demo
