// pool/queue_work.cc — uv_queue_work: the two callables go into the request's reused slot
// (as libuv's uv_work_t holds work_cb and after_work_cb), so no Task is allocated for them.
#include "pool/queue_work.h"

#include "pool/loop_work.h"

namespace osn::pool {

WorkHandle queue_work(loop::Loop& loop, WorkFn work, AfterWorkFn after_work) {
  loop.assert_in_loop_thread("pool::submit");
  return LoopWork::of(loop).submit(nullptr, std::move(work), std::move(after_work));
}

}  // namespace osn::pool
