// The loop's own tests/loop/async_test.cc, compiled into the grader so that it runs on the
// student's backend (loop_suite_test.cc grades it; labs/grading/run_suite.h says how).
#include "tests/loop/async_test.cc"
