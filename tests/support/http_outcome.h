// tests/support/http_outcome.h — run the request parser over an input cut into pieces, and
// describe everything it produced as one string.
//
// Incrementality is a property: however the bytes are cut, the messages, the error status and
// the stop must be the same. run_request_parser() reveals the input piece by piece the way a
// socket would (the caller's buffer keeps what the parser did not consume) and copies what
// the parser reports before the next call, so each call's bytes can sit against a guard page.
// describe() turns the result into lines a table of expectations can spell out:
//   "GET / 1.1 Host=a ka body=hello trailer X=y" (one line per message), then "end" | "incomplete" |
//   "error 400" | "stop close rest=2". Used by tests/http and tests/fuzz.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "http/message.h"

namespace osn::test {

class GuardPage;

// `cuts`: ascending offsets where a new piece begins (empty: the whole input at once). With a
// guard page, every call's unconsumed bytes are placed against it.
std::string run_request_parser(std::string_view input, std::span<const std::size_t> cuts,
                               const osn::http::ParserLimits& limits = {}, GuardPage* guard = nullptr);

}  // namespace osn::test
