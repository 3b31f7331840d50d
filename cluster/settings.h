// cluster/settings.h — how many workers, how they share the port, and the timing rules.
//
// Settings{} is the defaults, as in Node: one worker per CPU core (sysconf(_SC_NPROCESSORS_ONLN),
// what os.availableParallelism() reports) and round-robin distribution. The environment may
// override: WORKERS=N (1..1024), SCHED=rr|shared|reuseport, PORT=N. A bad value is refused
// with a message naming the variable, never silently replaced by a default. More workers than
// cores is allowed (up to 1024) but warned about: they take turns on the cores.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/respawn.h"

namespace osn::cluster {

// Three ways for several processes to serve one port — see docs/cluster.md.
enum class Scheduling {
  kRoundRobin,  // rr: the primary accepts and passes each connection (SCM_RIGHTS)
  kShared,      // shared: every worker accepts on one inherited listening socket
  kReusePort,   // reuseport: every worker binds its own socket with SO_REUSEPORT
};

const char* scheduling_name(Scheduling s);  // "rr", "shared", "reuseport"

size_t cpu_count();  // CPU cores online (at least 1)

struct Settings {
  std::string host = "127.0.0.1";
  uint16_t port = 0;  // 0: let the kernel pick (read it back with Primary::port())
  size_t workers = cpu_count();  // one per core
  Scheduling scheduling = Scheduling::kRoundRobin;
  RespawnPolicy respawn;
  uint64_t shutdown_timeout_ms = 10'000;  // then SIGKILL whoever is still running
  uint64_t stats_interval_ms = 250;       // workers report their counters this often
  size_t max_frame_bytes = 16 * 1024 * 1024;
  // shared/reuseport: accept at most this many connections per wake-up (0: until EAGAIN).
  // 1 leaves the rest of the accept queue to the other workers (try it with SCHED=shared).
  size_t accepts_per_wakeup = 0;
  bool log = true;  // lifecycle lines on stderr ("osnode cluster: worker 2 (pid 41) online")
};

// "" when settings.workers <= cpu_count(), else a warning the primary logs at start:
// "WORKERS=8 is more than the 2 CPU cores: ...".
std::string workers_warning(const Settings& settings);

// Applies WORKERS, SCHED and PORT from the environment. Returns "" on success, else a message
// such as "WORKERS=abc: expected a whole number from 1 to 1024".
std::string apply_environment(Settings& settings);

// The same rules, one variable at a time (for tests and for other front ends).
std::string parse_workers(std::string_view text, size_t* out);
std::string parse_scheduling(std::string_view text, Scheduling* out);
std::string parse_port(std::string_view text, uint16_t* out);

}  // namespace osn::cluster
