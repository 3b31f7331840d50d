// tests/support/temp_dir.h — a private directory that disappears with the test.
//
// Unix-domain sockets live in the file system (bind(2) creates the socket file), so tests
// that use them need a place nobody else writes to. TempDir makes one with mkdtemp(3) under
// $TMPDIR (or /tmp) and removes it, with everything inside, in its destructor.
// Keep paths short: a Unix socket path must fit in sockaddr_un.sun_path (108 bytes on Linux).
// Ownership: the object owns the directory; not copyable. Any thread.
#pragma once

#include <string>
#include <string_view>

namespace osn::test {

class TempDir {
 public:
  TempDir();  // on failure path() is empty (check ok())
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string file(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace osn::test
