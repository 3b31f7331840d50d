LAB_03_DIR   := labs/03-timers-phases
LAB_03_FILES := loop/timer_heap.cc loop/task_queues.cc
LAB_03_TSAN  := no
# The NodeOrder checks run build/bin/ordering (examples/ordering), so it must link your code too.
$(BUILD)/grade/03/grader: $(BUILD)/bin/ordering
