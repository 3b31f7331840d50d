LAB_08_DIR   := labs/08-async-await
LAB_08_FILES := loop/task_queues.cc loop/sleep.cc pool/await_work.h
LAB_08_TSAN  := yes
