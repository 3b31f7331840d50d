// tests/support/fd_table.h — looking at this process's descriptor table from the inside.
//
// /proc/self/fd has one symlink per open descriptor; its target names the open file
// ("pipe:[1234]", "socket:[5678]", "anon_inode:[eventfd]", a path). Tests use it to see
// that a descriptor arrived (SCM_RIGHTS), that two numbers share one open file, or that
// nothing leaked. Linux only (returns empty results elsewhere). Any thread.
#pragma once

#include <string>
#include <vector>

namespace osn::test {

// Every open descriptor number, ascending, without the one used to read the directory.
std::vector<int> open_fds();

// readlink("/proc/self/fd/N"); empty when fd is not open.
std::string fd_target(int fd);

}  // namespace osn::test
