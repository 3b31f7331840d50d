// tests/kernel-io/spawn_inherit_test.cc — spawn_process when an inherited fd's target number
// is the one its own exec-error pipe happens to get.
#include <fcntl.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "kernel-io/pipe.h"
#include "kernel-io/process.h"

namespace osn::kio {
namespace {

TEST(SpawnInherit, ExecFailureIsReportedEvenWhenATargetIsTheReportPipesNumber) {
  auto keep = make_pipe();  // something to inherit
  ASSERT_TRUE(keep.ok());
  // The next pipe2() takes the two lowest free numbers: find them.
  int probe1 = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int probe2 = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(probe1, 0);
  ASSERT_GE(probe2, 0);
  ::close(probe1);
  ::close(probe2);
  SpawnOptions options;
  options.program = "/nonexistent/osn-program";
  options.inherit = {{keep->write_end.get(), probe2}};  // probe2 will be the report write end
  auto pid = spawn_process(options);
  ASSERT_FALSE(pid.ok()) << "exec failed, but the error report was lost (pid " << (pid ? *pid : 0) << ")";
  EXPECT_TRUE(pid.error().is(ENOENT)) << pid.error().message();
}

}  // namespace
}  // namespace osn::kio
