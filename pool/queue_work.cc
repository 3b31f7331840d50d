// pool/queue_work.cc — two callables made into one Task.
#include "pool/queue_work.h"

namespace osn::pool {
namespace {

class FunctionTask final : public Task {
 public:
  FunctionTask(WorkFn work, AfterWorkFn after_work)
      : work_(std::move(work)), after_work_(std::move(after_work)) {}
  void run() override {
    if (work_) work_();
  }
  void finish(kio::Status status) override {
    if (after_work_) after_work_(status);
  }

 private:
  WorkFn work_;
  AfterWorkFn after_work_;
};

}  // namespace

WorkHandle queue_work(loop::Loop& loop, WorkFn work, AfterWorkFn after_work) {
  return submit(loop, std::make_unique<FunctionTask>(std::move(work), std::move(after_work)));
}

}  // namespace osn::pool
