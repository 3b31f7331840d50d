// tests/integration/static_beneath_test.cc — the demo's /static/ never serves a file outside its
// folder, even through a symbolic link placed inside it (STATIC_DIR points the demo at a
// temporary folder holding such links). The name rule (static_files.h) cannot see a link; the
// open beneath the root (pool/fs_beneath.h) does.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "pool/fs.h"
#include "tests/integration/demo_process.h"
#include "tests/support/http_client.h"
#include "tests/support/net.h"
#include "tests/support/temp_dir.h"

namespace osn::test {
namespace {

std::optional<HttpResponse> get(uint16_t port, std::string_view path) {
  auto client = HttpClient::connect(port, 500);
  if (!client) return std::nullopt;
  return client->round_trip(get_request(path, "Connection: close\r\n"), 5'000);
}

TEST(StaticBeneath, ASymlinkInTheStaticFolderToAFileOutsideIsRefused) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string root = dir.file("static");
  ASSERT_EQ(::mkdir(root.c_str(), 0755), 0);
  ASSERT_TRUE(pool::fs::write_file_sync(root + "/index.html", "<p>inside</p>"));
  ASSERT_TRUE(pool::fs::write_file_sync(dir.file("secret.txt"), "secret"));
  ASSERT_EQ(::symlink(dir.file("secret.txt").c_str(), (root + "/leak.txt").c_str()), 0);
  ASSERT_EQ(::symlink("../secret.txt", (root + "/leak2.txt").c_str()), 0);

  const uint16_t port = free_tcp_port();
  DemoProcess demo({"PORT=" + std::to_string(port), "WORKERS=1", "STATIC_DIR=" + root});
  ASSERT_TRUE(demo.started());
  std::optional<HttpResponse> index;
  for (int i = 0; i < 500 && !index; ++i) {
    index = get(port, "/static/index.html");
    if (!index) ::usleep(20'000);
  }
  ASSERT_TRUE(index) << demo.output();
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->body, "<p>inside</p>");
  for (const char* leak : {"/static/leak.txt", "/static/leak2.txt"}) {
    auto r = get(port, leak);
    ASSERT_TRUE(r) << leak;
    EXPECT_EQ(r->status, 403) << leak << ": " << r->body;
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << leak;
  }
}

}  // namespace
}  // namespace osn::test
