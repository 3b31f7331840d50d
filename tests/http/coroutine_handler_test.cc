// tests/http/coroutine_handler_test.cc — HTTP handlers written as coroutines
// (http/coroutine_handler.h): co_await a timer and pool work inside a handler, and pipelined
// requests whose coroutines finish out of order are still answered in request order.
#include <gtest/gtest.h>

#include <string>

#include "http/coroutine_handler.h"
#include "loop/sleep.h"
#include "pool/fs.h"
#include "pool/promises.h"
#include "tests/http/server_harness.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

namespace osn::http {
namespace {

using loop::Loop;
using loop::Task;
using test::get_request;
using test::HttpClient;
using test::ServerThread;

// /sleep/N answers after N ms; /file?PATH answers with the file read on a pool thread;
// anything else answers at once, without any co_await.
Task<> handle(Loop& loop, OwnedRequest req, ResponseHandle res) {
  std::string answer;
  if (req.path.rfind("/sleep/", 0) == 0) {
    co_await loop::sleep(loop, std::stoul(req.path.substr(7)));
    answer = "slept " + req.path.substr(7);
  } else if (req.path == "/file") {
    kio::Result<std::string> text = co_await pool::promises::read_file(loop, req.query);
    answer = text ? *text : text.error().message();
  } else {
    answer = "at once " + req.path;
  }
  if (Response* r = res.get()) r->end(answer);  // nullptr if the client went away meanwhile
}

TEST(CoroutineHandler, PipelinedCoroutinesFinishingOutOfOrderAreAnsweredInOrder) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  ASSERT_TRUE(pool::fs::write_file_sync(dir.file("f.txt"), "file body").ok());
  ServerThread server({}, coroutine_handler(handle));
  ASSERT_TRUE(server.ok());
  auto client = HttpClient::connect(server.port());
  ASSERT_TRUE(client.ok());
  std::string batch = get_request("/sleep/60") + get_request("/now") + get_request("/sleep/1") +
                      get_request("/file?" + dir.file("f.txt")) + get_request("/sleep/20");
  ASSERT_TRUE(client->send(batch));
  const char* expected[] = {"slept 60", "at once /now", "slept 1", "file body", "slept 20"};
  for (const char* body : expected) {
    auto r = client->read_response();
    ASSERT_TRUE(r) << body;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, body);
  }
}

TEST(CoroutineHandler, AClientThatLeavesBeforeTheAnswerIsNotAnError) {
  ServerThread server({}, coroutine_handler(handle));
  ASSERT_TRUE(server.ok());
  {
    auto client = HttpClient::connect(server.port());
    ASSERT_TRUE(client.ok());
    ASSERT_TRUE(client->send(get_request("/sleep/50")));
  }  // gone before the coroutine resumes: res.get() is nullptr then
  ASSERT_TRUE(server.wait_for_no_connections(10'000));
  auto again = HttpClient::connect(server.port());
  ASSERT_TRUE(again.ok());
  auto r = again->round_trip(get_request("/sleep/1"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "slept 1");
}

}  // namespace
}  // namespace osn::http
