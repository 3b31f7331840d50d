LAB_02_DIR   := labs/02-reactor
LAB_02_FILES := loop/backend_epoll.cc
LAB_02_TSAN  := no
