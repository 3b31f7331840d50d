// examples/blocking — the study note's last sentence, as an experiment:
//   "CPU 바운드 작업(암호화/복호화, 파일 처리)을 오래 돌리면 이벤트 루프가 막혀서 다른 요청들을
//    못 받을 수 있음." — run CPU-bound work (crypto, file processing) for long on the loop and
//   the event loop is blocked: it cannot take other requests.
//
// A 10 ms timer is the "heartbeat" (think: other clients' requests). The same PBKDF2 jobs run
// first on the loop thread, then on the pool; we print the heartbeat's worst delay for each.
// Then 8 concurrent jobs on pools of 1, 2, 4 and 8 threads. The pool's size is fixed per
// process once started, so each size runs in a child process of this program started with
// OSN_THREADPOOL_SIZE=N. Total run time: about 2-4 s. Read examples/blocking/README.md.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kernel-io/clock.h"
#include "kernel-io/process.h"
#include "loop/loop.h"
#include "pool/crypto_work.h"
#include "pool/crypto/pbkdf2.h"
#include "pool/work_queue.h"

namespace {

using osn::kio::monotonic_ns;
namespace loop = osn::loop;
namespace pool = osn::pool;

constexpr int kJobs = 8;
constexpr uint64_t kHeartbeatMs = 10;
constexpr double kJobTargetMs = 30.0;
const std::vector<uint8_t> kPassword = {'h', 'u', 'n', 't', 'e', 'r', '2'};
const std::vector<uint8_t> kSalt = {'s', 'a', 'l', 't'};

double ms_since(uint64_t start_ns) { return static_cast<double>(monotonic_ns() - start_ns) / 1e6; }

// How many iterations make one job take about kJobTargetMs on this machine. The fastest of
// five probes: being preempted only ever makes a probe slower.
uint32_t calibrate_iterations() {
  constexpr uint32_t kProbe = 10'000;
  double probe_ms = 1e9;
  for (int i = 0; i < 5; ++i) {
    uint64_t start = monotonic_ns();
    (void)pool::pbkdf2_hmac_sha256(kPassword, kSalt, kProbe, 32);
    probe_ms = std::min(probe_ms, ms_since(start));
  }
  return static_cast<uint32_t>(kProbe * (kJobTargetMs / (probe_ms > 0.01 ? probe_ms : 0.01)));
}

// Fires every 10 ms and remembers the worst lateness: how long the loop could not answer.
class Heartbeat {
 public:
  explicit Heartbeat(loop::Loop& l) : loop_(l) {
    last_ns_ = monotonic_ns();
    id_ = loop_.set_interval(kHeartbeatMs, [this] {
      uint64_t now = monotonic_ns();
      double late = static_cast<double>(now - last_ns_) / 1e6 - kHeartbeatMs;
      if (late > worst_ms_) worst_ms_ = late;
      last_ns_ = now;
    });
  }
  ~Heartbeat() { loop_.clear_timer(id_); }
  double worst_ms() const { return worst_ms_; }

 private:
  loop::Loop& loop_;
  loop::TimerId id_;
  uint64_t last_ns_;
  double worst_ms_ = 0;
};

// Each job is one callback on the loop thread, one after another (set_immediate), so the
// heartbeat can run between jobs but never during one.
void jobs_on_the_loop(uint32_t iterations) {
  loop::Loop l;
  int left = kJobs;
  uint64_t start = monotonic_ns();
  double elapsed = 0;
  {
    Heartbeat heartbeat(l);
    std::function<void()> job = [&] {
      (void)pool::pbkdf2_hmac_sha256(kPassword, kSalt, iterations, 32);
      if (--left > 0) {
        l.set_immediate(job);
      } else {
        elapsed = ms_since(start);
        l.stop();
      }
    };
    l.set_timeout(25, [&] { l.set_immediate(job); });  // let the heartbeat settle first
    l.run();
    std::printf("  on the loop thread: %d jobs in %6.0f ms, heartbeat worst delay %6.1f ms"
                "  <- the loop was blocked\n", kJobs, elapsed, heartbeat.worst_ms());
  }
}

bool jobs_on_the_pool(uint32_t iterations) {
  loop::Loop l;
  int left = kJobs;
  bool failed = false;
  uint64_t start = 0;
  double elapsed = 0;
  Heartbeat heartbeat(l);
  l.set_timeout(25, [&] {
    start = monotonic_ns();
    for (int i = 0; i < kJobs; ++i) {
      pool::pbkdf2(l, kPassword, kSalt, iterations, 32, [&](auto key) {
        if (!key) {
          std::fprintf(stderr, "blocking: %s\n", key.error().message().c_str());
          failed = true;
        }
        if (--left == 0) {
          elapsed = ms_since(start);
          l.stop();
        }
      });
    }
  });
  l.run();
  if (failed) return false;
  std::printf("  on the pool       : %d jobs in %6.0f ms, heartbeat worst delay %6.1f ms\n", kJobs,
              elapsed, heartbeat.worst_ms());
  return true;
}

// Child mode: 8 concurrent jobs on this process's pool (sized by OSN_THREADPOOL_SIZE).
int scaling_child(uint32_t iterations) {
  loop::Loop l;
  int left = kJobs;
  uint64_t start = monotonic_ns();
  for (int i = 0; i < kJobs; ++i)
    pool::pbkdf2(l, kPassword, kSalt, iterations, 32, [&](auto) { --left; });
  l.run();
  pool::PoolStats stats = pool::pool_stats();
  if (left != 0 || stats.completed != kJobs) return 1;
  std::printf("  %2zu threads: %d jobs in %5.0f ms   queue wait p50 %5.0f ms, p99 %5.0f ms\n",
              stats.threads, kJobs, ms_since(start), stats.wait_p50_ns / 1e6,
              stats.wait_p99_ns / 1e6);
  return 0;
}

// This program's own path (so the child is called "blocking" in ps, not "exe").
std::string own_path() {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  return n > 0 ? std::string(path, static_cast<size_t>(n)) : std::string("/proc/self/exe");
}

bool run_scaling_child(int threads, uint32_t iterations) {
  std::fflush(stdout);
  osn::kio::SpawnOptions options;
  options.program = own_path();
  options.args = {"--scaling-child", std::to_string(iterations)};
  options.extra_env = {"OSN_THREADPOOL_SIZE=" + std::to_string(threads)};
  auto pid = osn::kio::spawn_process(options);
  if (!pid) {
    std::fprintf(stderr, "blocking: %s\n", pid.error().message().c_str());
    return false;
  }
  auto status = osn::kio::wait_child_for(*pid, 30'000);
  return status && status->exited && status->exit_code == 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::strcmp(argv[1], "--scaling-child") == 0)
    return scaling_child(static_cast<uint32_t>(std::strtoul(argv[2], nullptr, 10)));
  auto size = pool::pool_size();
  if (!size) {
    std::fprintf(stderr, "blocking: %s\n", pool::pool_size_problem().c_str());
    return 2;
  }
  uint32_t iterations = calibrate_iterations();
  std::printf("blocking: %d PBKDF2-HMAC-SHA256 jobs of %u iterations (~%.0f ms each), "
              "heartbeat every %llu ms, pool of %zu threads, %u CPUs\n",
              kJobs, iterations, kJobTargetMs, static_cast<unsigned long long>(kHeartbeatMs),
              *size, std::thread::hardware_concurrency());
  jobs_on_the_loop(iterations);
  if (!jobs_on_the_pool(iterations)) return 1;
  std::printf("%d concurrent jobs on pools of 1, 2, 4, 8 threads (child processes with "
              "OSN_THREADPOOL_SIZE=N):\n", kJobs);
  for (int threads : {1, 2, 4, 8})
    if (!run_scaling_child(threads, iterations)) return 1;
  return 0;
}
