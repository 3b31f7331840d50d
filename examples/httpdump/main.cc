// examples/httpdump — a window into the HTTP/1.1 request parser's state machine.
//
// Reads raw bytes on stdin and shows what osn::http::RequestParser makes of them: each
// message (method, target, fields, decoded body, trailers, keep-alive), where parsing stopped
// on purpose (Connection: close, upgrade, CONNECT) and why it failed. `--split N` feeds the
// bytes N at a time, as a slow network would; `--trace` prints, for each call of next() that
// reports something or changes state, the state before -> after and the event.
//   printf 'GET / HTTP/1.1\r\nHost: a\r\n\r\n' | build/bin/httpdump --trace
// Exit status: 0 parsed to the end or stopped on purpose, 1 error, 2 input ended mid-message,
// 64 bad usage. See docs/http.md.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/parser.h"

namespace {

using osn::http::EventKind;
using osn::http::Header;
using osn::http::RequestParser;

struct Options {
  bool json = false;
  bool trace = false;
  std::size_t split = 0;  // 0: feed everything at once
};

using Fields = std::vector<std::pair<std::string, std::string>>;

// One parsed message, copied out of the input so it can be printed after the fact.
struct Message {
  std::string method, target, version, body;
  Fields headers, trailers;
  bool keep_alive = true;
};

int usage() {
  std::cerr << "usage: httpdump [--json] [--trace] [--split N]   (raw request bytes on stdin)\n"
               "  --json     one JSON object per message / error / stop, for test harnesses\n"
               "  --trace    print every state change of the parser\n"
               "  --split N  feed the input N bytes at a time (N >= 1)\n";
  return 64;
}

bool parse_options(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--json") {
      options.json = true;
    } else if (arg == "--trace") {
      options.trace = true;
    } else if (arg == "--split" && i + 1 < argc) {
      char* end = nullptr;
      const long n = std::strtol(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || n < 1) return false;
      options.split = static_cast<std::size_t>(n);
    } else {
      return false;
    }
  }
  return true;
}

// Bytes one to one as code points: printable ASCII as itself, everything else as \u00XX.
std::string json_string(std::string_view bytes) {
  std::string out = "\"";
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '"' || u == '\\') {
      out += '\\';
      out += c;
    } else if (u >= 0x20 && u < 0x7F) {
      out += c;
    } else {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", u);
      out += escape;
    }
  }
  return out + "\"";
}

std::string json_fields(const Fields& fields) {
  std::string out = "[";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out += ",";
    out += "[" + json_string(name) + "," + json_string(value) + "]";
  }
  return out + "]";
}

// Human form: C-style escapes for anything not printable.
std::string visible(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (u >= 0x20 && u < 0x7F) out += c;
    else {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", u);
      out += escape;
    }
  }
  return out;
}

void print_message(const Message& m, int number, bool json) {
  if (json) {
    std::cout << "{\"method\":" << json_string(m.method) << ",\"target\":" << json_string(m.target)
              << ",\"version\":" << json_string(m.version) << ",\"headers\":" << json_fields(m.headers)
              << ",\"body\":" << json_string(m.body) << ",\"keep_alive\":" << (m.keep_alive ? "true" : "false")
              << ",\"trailers\":" << json_fields(m.trailers) << "}\n";
    return;
  }
  std::cout << "message " << number << ": " << visible(m.method) << " " << visible(m.target) << " HTTP/"
            << m.version << (m.keep_alive ? "  (keep-alive)" : "  (close after this)") << "\n";
  for (const auto& [name, value] : m.headers) std::cout << "  " << visible(name) << ": " << visible(value) << "\n";
  std::cout << "  body: " << m.body.size() << " bytes";
  if (!m.body.empty()) std::cout << " \"" << visible(m.body.substr(0, 200)) << (m.body.size() > 200 ? "..." : "") << "\"";
  std::cout << "\n";
  for (const auto& [name, value] : m.trailers) std::cout << "  trailer " << visible(name) << ": " << visible(value) << "\n";
}

Fields copy_fields(std::span<const Header> fields) {
  Fields out;
  for (const Header& h : fields) out.emplace_back(h.name, h.value);
  return out;
}

Message copy_head(const osn::http::RequestHead& head) {
  Message m;
  m.method = head.method;
  m.target = head.target;
  m.version = "1." + std::to_string(head.version_minor);
  m.headers = copy_fields(head.headers);
  m.keep_alive = head.keep_alive;
  return m;
}

std::string_view event_name(EventKind kind) {
  switch (kind) {
    case EventKind::kNeedMore: return "need-more";
    case EventKind::kHeadComplete: return "head-complete";
    case EventKind::kBodyData: return "body-data";
    case EventKind::kMessageComplete: return "message-complete";
    case EventKind::kStopped: return "stopped";
    case EventKind::kError: return "error";
  }
  return "?";
}

// The final line: where parsing stopped on purpose (exit 0) or why it failed (exit 1).
int print_end(const RequestParser& parser, std::size_t rest, bool json) {
  if (parser.state() == osn::http::ParserState::kStopped) {
    const std::string_view reason = RequestParser::stop_reason_name(parser.stop_reason());
    if (json) std::cout << "{\"stop\":\"" << reason << "\",\"rest\":" << rest << "}\n";
    else std::cout << "stop: " << reason << ", " << rest << " bytes left unparsed\n";
    return 0;
  }
  const int status = osn::http::to_int(parser.error().status);
  if (json) {
    std::cout << "{\"error\":" << status << ",\"reason\":" << json_string(parser.error().reason) << "}\n";
  } else {
    std::cout << "error: " << status << " " << osn::http::reason_phrase(status) << " — " << parser.error().reason
              << " (" << rest << " bytes not consumed)\n";
  }
  return 1;
}

// Runs the parser over all of `input`, revealing it `split` bytes at a time.
int dump(const std::string& input, const Options& options) {
  std::array<Header, 100> storage;
  RequestParser parser(storage);
  std::ostream& trace_out = options.json ? std::cerr : std::cout;
  const std::size_t step = options.split == 0 ? input.size() : options.split;
  std::size_t pos = 0, available = std::min(step, input.size());
  Message message;
  int number = 0;
  for (;;) {
    const std::string before(parser.state_name());
    const osn::http::Event event = parser.next(std::string_view(input).substr(pos, available - pos));
    pos += event.consumed;
    if (options.trace && (before != parser.state_name() || event.kind != EventKind::kNeedMore)) {
      trace_out << "trace: " << before << " -> " << parser.state_name() << "  " << event_name(event.kind)
                << ", consumed " << event.consumed << ", at byte " << pos << "\n";
    }
    switch (event.kind) {
      case EventKind::kNeedMore:
        if (available == input.size()) {
          if (pos == input.size() && parser.state() == osn::http::ParserState::kIdle) return 0;
          std::cout << (options.json ? "{\"incomplete\":true}\n" : "incomplete: input ended inside a message\n");
          return 2;
        }
        available = std::min(available + step, input.size());
        break;
      case EventKind::kHeadComplete: message = copy_head(parser.head()); break;
      case EventKind::kBodyData: message.body.append(event.data); break;
      case EventKind::kMessageComplete:
        message.trailers = copy_fields(parser.trailers());
        print_message(message, ++number, options.json);
        break;
      case EventKind::kStopped:
      case EventKind::kError:
        return print_end(parser, input.size() - pos, options.json);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!parse_options(argc, argv, options)) return usage();
  const std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return dump(input, options);
}
