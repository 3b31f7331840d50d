// loop/unhandled_rejection.h — an error nobody handles is reported, never swallowed.
//
// Node prints "Unhandled promise rejection" when a promise is rejected and, by the time the
// microtask queue has drained, no then()/await has taken its error. osnode does the same for
// a Promise (checked at the end of the drain: Loop::at_end_of_drain), for a Task that finished
// with an error nobody awaited (when the Task is destroyed), and for a spawned Task that
// finished with an error (no one can await it). Each is one line on stderr and one count in
// Loop::unhandled_rejections(). Node 15+ then exits the process; osnode only reports (Node's
// --unhandled-rejections=warn), because a library must not end its host. Loop thread only.
#pragma once

#include "kernel-io/result.h"
#include "loop/loop.h"

namespace osn::loop {

// "osnode: unhandled rejection (WHAT): open: ENOENT (No such file or directory)"
void report_unhandled_rejection(Loop& loop, const kio::SysError& error, const char* what);

}  // namespace osn::loop
