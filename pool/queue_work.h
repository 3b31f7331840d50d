// pool/queue_work.h — uv_queue_work: "run this on a pool thread, then that on the loop thread".
//
// Every asynchronous call of the pool layer (fs, dns, crypto) is built from this pair: the
// `work` half blocks or computes on a pool thread and may not touch the loop; the `after_work`
// half runs on the loop thread, where every callback runs, and gets a status: ok, or ECANCELED
// when cancel() took the request out of the queue before a thread started it.
// Ownership: the pool owns both callables until after_work has returned. Loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "kernel-io/result.h"
#include "loop/loop.h"
#include "pool/work_queue.h"

namespace osn::pool {

using WorkFn = std::function<void()>;
using AfterWorkFn = std::function<void(kio::Status)>;

WorkHandle queue_work(loop::Loop& loop, WorkFn work, AfterWorkFn after_work);

// A request that produces a value: `work` returns Result<T> on a pool thread; `done` receives
// it on the loop thread — or the request's error (ECANCELED, or why the pool could not start).
template <class T>
class ResultTask final : public Task {
 public:
  using Work = std::function<kio::Result<T>()>;
  using Done = std::function<void(kio::Result<T>)>;
  ResultTask(Work work, Done done) : work_(std::move(work)), done_(std::move(done)) {}

  void run() override { result_.emplace(work_()); }
  void finish(kio::Status status) override {
    if (!status.ok()) {
      done_(kio::Result<T>(status.error()));
    } else {
      done_(std::move(*result_));
    }
  }

 private:
  Work work_;
  Done done_;
  std::optional<kio::Result<T>> result_;  // written by run() on the pool thread
};

template <class T>
WorkHandle queue_result(loop::Loop& loop, typename ResultTask<T>::Work work,
                        typename ResultTask<T>::Done done) {
  return submit(loop, std::make_unique<ResultTask<T>>(std::move(work), std::move(done)));
}

}  // namespace osn::pool
