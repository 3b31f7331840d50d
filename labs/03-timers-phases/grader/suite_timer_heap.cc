// The loop's own tests/loop/timer_heap_test.cc, compiled into the grader so that it runs on the
// student's timer heap and queues (loop_suite_test.cc grades it; see labs/grading/run_suite.h).
#include "tests/loop/timer_heap_test.cc"
