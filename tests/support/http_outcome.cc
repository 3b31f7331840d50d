// tests/support/http_outcome.cc — the reference driver loop around RequestParser::next().
//
// The loop is the one every user of the parser writes: call next() with all unconsumed
// bytes, drop event.consumed, and on kNeedMore reveal the next piece (or stop at the end).
#include "tests/support/http_outcome.h"

#include <algorithm>
#include <vector>

#include "http/parser.h"
#include "tests/support/guard_page.h"

namespace osn::test {
namespace {

using osn::http::EventKind;

void append_fields(std::string& out, const char* prefix, std::span<const osn::http::Header> fields) {
  for (const auto& h : fields) {
    out += prefix;
    out.append(h.name);
    out += '=';
    out.append(h.value);
  }
}

}  // namespace

std::string run_request_parser(std::string_view input, std::span<const std::size_t> cuts,
                               const osn::http::ParserLimits& limits, GuardPage* guard) {
  std::vector<osn::http::Header> storage(limits.max_header_count);
  osn::http::RequestParser parser(storage, limits);
  std::string out, head_line, body;
  std::size_t pos = 0, next_cut = 0;
  std::size_t available = cuts.empty() ? input.size() : std::min(cuts[0], input.size());
  for (int guard_calls = 0; guard_calls < 10'000'000; ++guard_calls) {
    std::string_view window = input.substr(pos, available - pos);
    if (guard != nullptr) window = guard->place(window);
    const osn::http::Event event = parser.next(window);
    pos += event.consumed;
    switch (event.kind) {
      case EventKind::kNeedMore:
        if (available == input.size()) {
          const bool clean = pos == input.size() && parser.state() == osn::http::ParserState::kIdle;
          return out + (clean ? "end" : "incomplete");
        }
        ++next_cut;
        available = next_cut < cuts.size() ? std::max(available, std::min(cuts[next_cut], input.size()))
                                            : input.size();
        break;
      case EventKind::kHeadComplete: {
        const auto& head = parser.head();
        head_line = std::string(head.method) + " " + std::string(head.target) + " 1." +
                    std::to_string(head.version_minor);
        append_fields(head_line, " ", head.headers);
        head_line += head.keep_alive ? " ka" : " close";
        body.clear();
        break;
      }
      case EventKind::kBodyData: body.append(event.data); break;
      case EventKind::kMessageComplete:
        out += head_line;
        if (!body.empty()) out += " body=" + body;
        append_fields(out, " trailer ", parser.trailers());
        out += "\n";
        break;
      case EventKind::kStopped:
        return out + "stop " + std::string(osn::http::RequestParser::stop_reason_name(parser.stop_reason())) +
               " rest=" + std::to_string(input.size() - pos);
      case EventKind::kError:
        return out + "error " + std::to_string(osn::http::to_int(parser.error().status));
    }
  }
  return out + "no progress";
}

}  // namespace osn::test
