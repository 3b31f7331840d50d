// examples/cluster-demo/cpu_work.h — CPU-bound work, and the `ms=N` parameter that sizes it.
//
// The seed note's last sentence: CPU-bound work that runs long on the event loop blocks it,
// and other requests are not taken. burn_cpu() is such work: it computes SHA-256 rounds until
// N milliseconds of the monotonic clock have passed, so it costs the same on any machine.
// GET /block runs it on the loop thread (the worker stops answering); GET /offload runs it on
// a pool thread (pool::queue_work) and the loop stays free.
// Any thread (burn_cpu is what a pool thread runs).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace osn::demo {

inline constexpr uint64_t kMaxWorkMs = 5'000;  // GET /block?ms=N and /offload?ms=N: N <= this

// Spins for `ms` milliseconds of CPU work; returns how many SHA-256 rounds it did.
uint64_t burn_cpu(uint64_t ms);

// The value of `name` in a query string ("ms=300&x=1" -> "300"); false if absent.
bool find_query_param(std::string_view query, std::string_view name, std::string_view* value);

// Parses `ms` from a query: "" on success (with *ms set), else the reason for a 400 answer.
std::string parse_work_ms(std::string_view query, uint64_t* ms);

}  // namespace osn::demo
