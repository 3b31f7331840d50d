LAB_06_DIR   := labs/06-cluster
LAB_06_FILES := cluster/round_robin.cc cluster/fd_handoff.cc cluster/respawn.cc cluster/primary_shutdown.cc
LAB_06_TSAN  := no
