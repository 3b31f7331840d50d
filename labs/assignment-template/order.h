// order.h — the one idea of this template: who runs first in one turn of the event loop.
//
// record_order() makes a loop, schedules a timer, an immediate, a next_tick and a piece of pool
// work, runs the loop until nothing is left, and returns the names in the order their callbacks
// ran. Both app.cc (prints it) and test.cc (checks it) use it: replace it with your assignment.
#pragma once

#include <string>
#include <vector>

std::vector<std::string> record_order();
