// tests/support/resp_outcome.h — run the RESP reply parser over an input cut into pieces, and
// describe what came out as one string, so that any two ways of feeding the same bytes can be
// compared with ==. Each piece is placed against a guard page (guard_page.h) before it is fed,
// so reading one byte past a piece crashes. Used by tests/redis and tests/fuzz. One thread.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "redis/reply_parser.h"
#include "tests/support/guard_page.h"

namespace osn::test {

// One line per reply (Reply::describe, with its type: "bulk \"bar\""), then "error: ..." when the
// parser refused the input, or "partial" when it stopped inside a reply. `cuts` are increasing
// offsets at which the input is split.
std::string run_reply_parser(std::string_view input, std::span<const std::size_t> cuts,
                             const redis::ReplyLimits& limits, GuardPage* guard);

}  // namespace osn::test
