// labs/06-cluster/grader/cluster_rig.cc — the real-process harness of tests/cluster, in this grader.
//
// ClusterUnderTest (fork a primary running run_cluster, read its lifecycle events from a pipe,
// kill and reap everything afterwards) and line_app (the workers' line protocol: pid, slow
// <ms>, ...) are the ones tests/cluster uses; see tests/cluster/harness.h. The grader build
// links tests/support/ but not tests/cluster/, so their two sources are compiled here.
#include "tests/cluster/harness.cc"
#include "tests/cluster/line_app.cc"
