// cluster/settings.cc — the core count, and the environment variables that override defaults.
#include "cluster/settings.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>

namespace osn::cluster {

namespace {

constexpr size_t kMaxWorkers = 1024;

bool parse_number(std::string_view text, uint64_t* out) {
  auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && err == std::errc() && end == text.data() + text.size();
}

}  // namespace

const char* scheduling_name(Scheduling s) {
  switch (s) {
    case Scheduling::kRoundRobin: return "rr";
    case Scheduling::kShared: return "shared";
    case Scheduling::kReusePort: return "reuseport";
  }
  return "?";
}

size_t cpu_count() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<size_t>(n) : 1;
}

std::string workers_warning(const Settings& settings) {
  const size_t cores = cpu_count();
  if (settings.workers <= cores) return {};
  return "warning: WORKERS=" + std::to_string(settings.workers) + " is more than the " + std::to_string(cores) +
         " CPU cores: the workers take turns on the cores (more processes, more memory, no more CPU)";
}

std::string parse_workers(std::string_view text, size_t* out) {
  uint64_t n = 0;
  if (!parse_number(text, &n) || n < 1 || n > kMaxWorkers)
    return "WORKERS=" + std::string(text) + ": expected a whole number from 1 to " + std::to_string(kMaxWorkers);
  *out = static_cast<size_t>(n);
  return {};
}

std::string parse_scheduling(std::string_view text, Scheduling* out) {
  for (Scheduling s : {Scheduling::kRoundRobin, Scheduling::kShared, Scheduling::kReusePort}) {
    if (text == scheduling_name(s)) {
      *out = s;
      return {};
    }
  }
  return "SCHED=" + std::string(text) + ": expected rr, shared or reuseport";
}

std::string parse_port(std::string_view text, uint16_t* out) {
  uint64_t n = 0;
  if (!parse_number(text, &n) || n > 65535) return "PORT=" + std::string(text) + ": expected a port number from 0 to 65535";
  *out = static_cast<uint16_t>(n);
  return {};
}

std::string apply_environment(Settings& settings) {
  if (const char* v = std::getenv("WORKERS"))
    if (std::string e = parse_workers(v, &settings.workers); !e.empty()) return e;
  if (const char* v = std::getenv("SCHED"))
    if (std::string e = parse_scheduling(v, &settings.scheduling); !e.empty()) return e;
  if (const char* v = std::getenv("PORT"))
    if (std::string e = parse_port(v, &settings.port); !e.empty()) return e;
  return {};
}

}  // namespace osn::cluster
