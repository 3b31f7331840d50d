// order.cc — record_order (order.h), written against the installed osnode headers.
#include "order.h"

#include <pthread.h>

#include "loop/loop.h"
#include "pool/queue_work.h"

std::vector<std::string> record_order() {
  osn::loop::Loop loop;
  std::vector<std::string> ran;
  const pthread_t loop_thread = pthread_self();
  bool work_ran_elsewhere = false;

  loop.set_timeout(0, [&] { ran.push_back("timeout"); });
  loop.set_immediate([&] { ran.push_back("immediate"); });
  loop.next_tick([&] { ran.push_back("next_tick"); });
  osn::pool::queue_work(
      loop, [&] { work_ran_elsewhere = !pthread_equal(pthread_self(), loop_thread); },
      [&](osn::kio::Status status) {
        // after_work runs on the loop thread, like every callback.
        ran.push_back(status.ok() && work_ran_elsewhere ? "after_work" : "after_work (wrong thread?)");
      });
  loop.run();
  return ran;
}
