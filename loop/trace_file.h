// loop/trace_file.h — OSN_TRACE_FILE=trace.json: the loop's life as Chrome trace events.
//
// Perfetto (ui.perfetto.dev) and chrome://tracing draw a JSON array of trace events as one
// track per thread: here the loop thread (each phase that ran callbacks, each callback named
// by its label, the poll phase's kernel wait) and every pool thread (each work request).
// A "complete" event is {"ph":"X","ts":start_us,"dur":us,"pid","tid","name"}; nesting comes
// from time alone. Events go into a buffer under a mutex and reach the file with write(2)
// when it fills or the loop ends an iteration with 100 ms of events waiting — so a worker
// killed with SIGKILL loses at most that. The array's closing ']' is written when the loop
// that opened the file is destroyed (the format lets a trace end without it).
// Bounded: after OSN_TRACE_FILE_MB (default 64) megabytes, events are dropped, and a line on
// stderr says so. One file per process: a forked child (a cluster worker) writes
// NAME-PID.json (trace.json -> trace-4242.json); pthread_atfork drops the parent's buffer and
// descriptor in the child. docs/observability.md.
// Ownership: one per process (process()), never destroyed. Thread affinity: any thread.
#pragma once

#include <pthread.h>
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace osn::loop {

class TraceFile {
 public:
  // The process's trace file, opened on first call in this process; nullptr when
  // OSN_TRACE_FILE is unset, refused (`problem` says why) or cannot be opened.
  static TraceFile* process(std::string* problem = nullptr);

  // One complete event on the calling thread's track. `detail` (may be empty) goes in args.
  void complete(std::string_view name, std::string_view category, uint64_t start_ns, uint64_t end_ns,
                std::string_view detail = {});
  // The calling thread's track name (thread_name metadata event).
  void name_this_thread(std::string_view name);
  // Writes what is buffered when the last write is `every_ns` old (loop thread, per iteration).
  void flush_if_due(uint64_t now_ns, uint64_t every_ns = 100'000'000);
  void flush();
  // Writes the closing ']' and stops; later events are dropped.
  void finish();
  const std::string& path() const { return path_; }
  // true for the first caller only: that loop finishes the file when it is destroyed.
  bool claim() { return !claimed_.exchange(true); }

  TraceFile(std::string path, uint64_t limit_bytes);

 private:
  void append(std::string_view text);  // mutex held
  void write_out();                    // mutex held
  static void forget_in_child();

  std::string path_;
  uint64_t limit_bytes_;
  pthread_mutex_t mutex_ = PTHREAD_MUTEX_INITIALIZER;
  std::string buffer_;
  uint64_t written_bytes_ = 0;
  uint64_t last_flush_ns_ = 0;
  int fd_ = -1;
  bool first_event_ = true;
  bool stopped_ = false;  // limit reached or finished
  pid_t pid_ = 0;
  std::atomic<bool> claimed_{false};
};

// OSN_TRACE_FILE_MB: unset -> 64; else a whole number 1..4096.
std::string parse_trace_file_mb(std::string_view text, uint64_t* out);

}  // namespace osn::loop
