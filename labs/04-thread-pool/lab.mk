LAB_04_DIR   := labs/04-thread-pool
LAB_04_FILES := pool/work_queue.cc pool/loop_work.cc
LAB_04_TSAN  := yes
