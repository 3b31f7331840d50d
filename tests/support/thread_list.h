// tests/support/thread_list.h — this process's threads, as ps -L and pstree -t show them.
//
// Every thread of a process is a directory /proc/self/task/TID; its comm file holds the name
// pthread_setname_np gave it (`osn-pool-0`), its status file its signal mask (SigBlk). Tests
// read them to check mechanisms, not output: how many pool threads run, that they block every
// signal. Used by tests/pool and lab 04's grader.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osn::test {

struct ThreadInfo {
  long tid;
  std::string name;  // /proc/self/task/TID/comm: what ps -L shows
};

std::vector<ThreadInfo> threads_of_this_process();

// The threads whose name starts with `prefix` ("osn-pool-").
int count_threads_named(std::string_view prefix);

// After pthread_join a thread's /proc entry can outlive it by a moment: waits (at most `ms`)
// until no thread's name starts with `prefix`, and returns how many are left.
int threads_named_left_after(std::string_view prefix, uint64_t ms);

// SigBlk of one thread of this process: the signals it blocks (bit N-1 is signal N).
uint64_t blocked_signals_of(long tid);

// The calling thread's id (gettid), as in /proc/self/task.
long this_thread_id();

}  // namespace osn::test
