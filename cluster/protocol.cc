// cluster/protocol.cc — state names and the worker table as message fields.
#include "cluster/protocol.h"

#include <charconv>

namespace osn::cluster {

namespace {

constexpr WorkerState kStates[] = {WorkerState::kForked, WorkerState::kOnline, WorkerState::kListening,
                                   WorkerState::kStopping, WorkerState::kExited};

template <class T>
bool parse_field(std::string_view& rest, T* out) {
  size_t comma = rest.find(',');
  std::string_view field = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  auto [end, err] = std::from_chars(field.data(), field.data() + field.size(), *out);
  return !field.empty() && err == std::errc() && end == field.data() + field.size();
}

bool parse_state(std::string_view& rest, WorkerState* out) {
  size_t comma = rest.find(',');
  std::string_view field = rest.substr(0, comma);
  rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  for (WorkerState s : kStates) {
    if (field == worker_state_name(s)) {
      *out = s;
      return true;
    }
  }
  return false;
}

}  // namespace

const char* worker_state_name(WorkerState s) {
  switch (s) {
    case WorkerState::kForked: return "forked";
    case WorkerState::kOnline: return "online";
    case WorkerState::kListening: return "listening";
    case WorkerState::kStopping: return "stopping";
    case WorkerState::kExited: return "exited";
  }
  return "?";
}

void encode_worker_table(const std::vector<WorkerInfo>& rows, Message& out) {
  out.set_int("count", static_cast<int64_t>(rows.size()));
  for (size_t i = 0; i < rows.size(); ++i) {
    const WorkerInfo& w = rows[i];
    out.set("w" + std::to_string(i), std::to_string(w.id) + "," + std::to_string(w.slot) + "," +
                                         std::to_string(w.pid) + "," + worker_state_name(w.state) + "," +
                                         std::to_string(w.connections) + "," + std::to_string(w.requests) +
                                         "," + std::to_string(w.restarts) + "," + std::to_string(w.report_age_ms));
  }
}

bool decode_worker_table(const Message& in, std::vector<WorkerInfo>* rows) {
  auto count = in.get_int("count");
  if (!count || *count < 0) return false;
  rows->clear();
  for (int64_t i = 0; i < *count; ++i) {
    std::string_view rest = in.get("w" + std::to_string(i));
    WorkerInfo w;
    if (!parse_field(rest, &w.id) || !parse_field(rest, &w.slot) || !parse_field(rest, &w.pid) ||
        !parse_state(rest, &w.state) || !parse_field(rest, &w.connections) ||
        !parse_field(rest, &w.requests) || !parse_field(rest, &w.restarts) ||
        !parse_field(rest, &w.report_age_ms) || !rest.empty())
      return false;
    rows->push_back(w);
  }
  return true;
}

}  // namespace osn::cluster
