// loop/trace_file.cc — formatting trace events and getting them to the file.
//
// Each event is formatted straight into the buffer (no allocation once it has grown); names
// are JSON-escaped. Timestamps are CLOCK_MONOTONIC microseconds, the same clock every thread
// reads, so tracks line up.
#include "loop/trace_file.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "kernel-io/clock.h"

namespace osn::loop {

namespace {
constexpr uint64_t kDefaultLimitMb = 64;
constexpr size_t kBufferBytes = 64 * 1024;

// The one per process (made on first use; a child re-makes its own, see forget_in_child).
std::unique_ptr<TraceFile>& instance() {
  static std::unique_ptr<TraceFile> file;
  return file;
}

std::string name_for_pid(std::string path, pid_t pid, bool child) {
  if (!child) return path;
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  std::string suffix = "-" + std::to_string(static_cast<int>(pid));
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return path + suffix;
  return path.insert(dot, suffix);
}

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\u%04x", static_cast<unsigned>(c));
      out += hex;
    } else {
      out += c;
    }
  }
}

void append_us(std::string& out, uint64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%llu.%03llu", static_cast<unsigned long long>(ns / 1000),
                static_cast<unsigned long long>(ns % 1000));
  out += text;
}

long thread_id() { return static_cast<long>(::syscall(SYS_gettid)); }

pid_t first_pid = 0;  // the process that first opened a trace (children add -PID)
pthread_mutex_t open_mutex = PTHREAD_MUTEX_INITIALIZER;  // guards instance() and first_pid

struct OpenLock {
  OpenLock() { pthread_mutex_lock(&open_mutex); }
  ~OpenLock() { pthread_mutex_unlock(&open_mutex); }
};
}  // namespace

std::string parse_trace_file_mb(std::string_view text, uint64_t* out) {
  uint64_t value = 0;
  bool ok = !text.empty() && text.size() <= 4;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    else value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!ok || value < 1 || value > 4096)
    return "OSN_TRACE_FILE_MB=" + std::string(text) + ": expected a whole number of megabytes from 1 to 4096";
  *out = value;
  return "";
}

TraceFile* TraceFile::process(std::string* problem) {
  OpenLock lock;  // loops and pool threads may ask at once
  std::unique_ptr<TraceFile>& file = instance();
  if (file) return file.get();
  const char* path = std::getenv("OSN_TRACE_FILE");
  if (path == nullptr || *path == '\0') return nullptr;
  uint64_t mb = kDefaultLimitMb;
  if (const char* limit = std::getenv("OSN_TRACE_FILE_MB"); limit != nullptr && *limit != '\0') {
    std::string why = parse_trace_file_mb(limit, &mb);
    if (!why.empty()) {
      if (problem) *problem = why;
      return nullptr;
    }
  }
  const pid_t pid = ::getpid();
  if (first_pid == 0) first_pid = pid;
  std::string name = name_for_pid(path, pid, pid != first_pid);
  auto made = std::make_unique<TraceFile>(name, mb * 1024 * 1024);
  if (made->fd_ < 0) {
    if (problem) *problem = "OSN_TRACE_FILE=" + std::string(path) + ": cannot create " + name;
    return nullptr;
  }
  static bool registered = false;
  if (!registered) pthread_atfork(nullptr, nullptr, &TraceFile::forget_in_child);
  registered = true;
  file = std::move(made);
  return file.get();
}

// In a forked child (one thread, the parent's memory): the buffer is the parent's to write,
// the descriptor the parent's to close. Drop both; the child opens NAME-PID on first use.
void TraceFile::forget_in_child() {
  pthread_mutex_init(&open_mutex, nullptr);  // a parent's thread may have held it at fork
  std::unique_ptr<TraceFile>& file = instance();
  if (!file) return;
  if (file->fd_ >= 0) ::close(file->fd_);
  file->fd_ = -1;
  file->buffer_.clear();
  file->stopped_ = true;
  (void)file.release();  // its mutex may be held by a thread that does not exist here: never touch it
}

TraceFile::TraceFile(std::string path, uint64_t limit_bytes)
    : path_(std::move(path)), limit_bytes_(limit_bytes), pid_(::getpid()) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  buffer_.reserve(kBufferBytes * 2);
  buffer_ = "[\n";
  std::fprintf(stderr, "osnode trace: writing Chrome trace events to %s (at most %llu MB; open it in ui.perfetto.dev)\n",
               path_.c_str(), static_cast<unsigned long long>(limit_bytes_ / (1024 * 1024)));
}

void TraceFile::append(std::string_view text) {
  if (stopped_) return;
  // Counting the separator before the event and the closing "\n]\n": the file never passes
  // the limit, not even by those 5 bytes.
  if (written_bytes_ + buffer_.size() + 2 + text.size() + 3 > limit_bytes_) {
    stopped_ = true;
    std::fprintf(stderr, "osnode trace: %s reached %llu MB: later events are dropped (OSN_TRACE_FILE_MB raises the limit)\n",
                 path_.c_str(), static_cast<unsigned long long>(limit_bytes_ / (1024 * 1024)));
    buffer_ += "\n]\n";
    write_out();
    return;
  }
  if (!first_event_) buffer_ += ",\n";
  first_event_ = false;
  buffer_ += text;
  if (buffer_.size() >= kBufferBytes) write_out();
}

void TraceFile::write_out() {
  size_t done = 0;
  while (fd_ >= 0 && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      stopped_ = true;
      break;
    }
    done += static_cast<size_t>(n);
  }
  written_bytes_ += done;
  buffer_.clear();
  last_flush_ns_ = kio::monotonic_ns();
}

void TraceFile::complete(std::string_view name, std::string_view category, uint64_t start_ns, uint64_t end_ns,
                         std::string_view detail) {
  thread_local std::string event;  // reused: no allocation per event once grown
  event.clear();
  event += "{\"ph\":\"X\",\"name\":\"";
  append_escaped(event, name);
  event += "\",\"cat\":\"";
  append_escaped(event, category);
  event += "\",\"ts\":";
  append_us(event, start_ns);
  event += ",\"dur\":";
  append_us(event, end_ns > start_ns ? end_ns - start_ns : 0);
  event += ",\"pid\":" + std::to_string(static_cast<int>(pid_)) + ",\"tid\":" + std::to_string(thread_id());
  if (!detail.empty()) {
    event += ",\"args\":{\"detail\":\"";
    append_escaped(event, detail);
    event += "\"}";
  }
  event += '}';
  pthread_mutex_lock(&mutex_);
  append(event);
  pthread_mutex_unlock(&mutex_);
}

void TraceFile::name_this_thread(std::string_view name) {
  std::string event = "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" + std::to_string(static_cast<int>(pid_)) +
                      ",\"tid\":" + std::to_string(thread_id()) + ",\"args\":{\"name\":\"";
  append_escaped(event, name);
  event += "\"}}";
  pthread_mutex_lock(&mutex_);
  append(event);
  pthread_mutex_unlock(&mutex_);
}

void TraceFile::flush_if_due(uint64_t now_ns, uint64_t every_ns) {
  pthread_mutex_lock(&mutex_);
  if (!buffer_.empty() && now_ns - last_flush_ns_ >= every_ns) write_out();
  pthread_mutex_unlock(&mutex_);
}

void TraceFile::flush() {
  pthread_mutex_lock(&mutex_);
  write_out();
  pthread_mutex_unlock(&mutex_);
}

void TraceFile::finish() {
  pthread_mutex_lock(&mutex_);
  if (!stopped_) {
    buffer_ += "\n]\n";
    stopped_ = true;
  }
  write_out();
  pthread_mutex_unlock(&mutex_);
}

}  // namespace osn::loop
