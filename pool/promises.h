// pool/promises.h — the pool's requests as awaitables, Node's fs.promises / dns.promises.
//
//   kio::Result<std::string> text = co_await promises::read_file(loop, "/etc/hostname");
//   kio::Result<std::vector<uint8_t>> key = co_await promises::pbkdf2(loop, pw, salt, 1000, 32);
//
// Each is the callback request of fs.h / dns.h / crypto_work.h behind AwaitWork (await_work.h):
// the work on a pool thread, the resumption on the loop thread, as a microtask. Buffers passed
// to read/write must stay valid until the co_await resumes (they are the caller's, as in Node).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kernel-io/result.h"
#include "pool/await_work.h"
#include "pool/crypto_work.h"
#include "pool/dns.h"
#include "pool/fs.h"
#include "pool/queue_work.h"

namespace osn::pool::promises {

inline AwaitWork<kio::Result<struct stat>> stat(loop::Loop& loop, std::string path) {
  return {loop, [path = std::move(path)](loop::Loop& l, auto done) {
            return fs::stat(l, path, std::move(done));
          }};
}

inline AwaitWork<kio::Result<std::string>> read_file(loop::Loop& loop, std::string path) {
  return {loop, [path = std::move(path)](loop::Loop& l, auto done) {
            return fs::read_file(l, path, std::move(done));
          }};
}

inline AwaitWork<kio::Status> write_file(loop::Loop& loop, std::string path, std::string data) {
  return {loop, [path = std::move(path), data = std::move(data)](loop::Loop& l, auto done) {
            return fs::write_file(l, path, data, std::move(done));
          }};
}

inline AwaitWork<kio::Result<size_t>> read(loop::Loop& loop, int fd, std::span<char> buffer,
                                           int64_t offset = -1) {
  return {loop, [=](loop::Loop& l, auto done) {
            return fs::read(l, fd, buffer, offset, std::move(done));
          }};
}

inline AwaitWork<kio::Result<size_t>> write(loop::Loop& loop, int fd,
                                            std::span<const char> data, int64_t offset = -1) {
  return {loop, [=](loop::Loop& l, auto done) {
            return fs::write(l, fd, data, offset, std::move(done));
          }};
}

inline AwaitWork<LookupResult> lookup(loop::Loop& loop, std::string host,
                                      LookupOptions options = {}) {
  return {loop, [host = std::move(host), options](loop::Loop& l, auto done) {
            return pool::lookup(l, host, std::move(done), options);
          }};
}

inline AwaitWork<kio::Result<std::vector<uint8_t>>> pbkdf2(loop::Loop& loop,
                                                           std::vector<uint8_t> password,
                                                           std::vector<uint8_t> salt,
                                                           uint32_t iterations, size_t key_length) {
  return {loop, [=](loop::Loop& l, auto done) {
            return pool::pbkdf2(l, password, salt, iterations, key_length, std::move(done));
          }};
}

// Any function, run on a pool thread: `co_await promises::work<int>(loop, [] { return 6 * 7; })`.
template <class T>
AwaitWork<kio::Result<T>> work(loop::Loop& loop, std::function<kio::Result<T>()> fn) {
  return {loop, [fn = std::move(fn)](loop::Loop& l, auto done) {
            return queue_result<T>(l, fn, std::move(done));
          }};
}

}  // namespace osn::pool::promises
