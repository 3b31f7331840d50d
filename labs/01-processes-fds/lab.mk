LAB_01_DIR   := labs/01-processes-fds
LAB_01_FILES := kernel-io/spawn.cc kernel-io/fd_passing.cc
LAB_01_TSAN  := no     # one thread: fork, exec and SCM_RIGHTS; no data race to look for
