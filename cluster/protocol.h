// cluster/protocol.h — what the primary and its workers say to each other, and the table row.
//
// The cluster's own messages have types starting with "osn." (Node marks its internal ones
// with cmd: 'NODE_CLUSTER'); every other message belongs to the application and goes to its
// on_message. The conversation:
//   worker -> primary  osn.online                  the worker's loop is running
//                      osn.listening               it can take connections now
//                      osn.ack conn=ID accepted=1  rr: it took (1) or refused (0) connection ID
//                      osn.stats connections= requests=    its counters (periodically)
//                      osn.status? req=ID          "send me every worker's row"
//   primary -> worker  osn.shutdown                stop accepting, finish, exit
//                      osn.status req=ID count=N w0=...    the answer
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/message.h"

namespace osn::cluster {

namespace msg {
inline constexpr std::string_view kOnline = "osn.online";
inline constexpr std::string_view kListening = "osn.listening";
inline constexpr std::string_view kAck = "osn.ack";
inline constexpr std::string_view kStats = "osn.stats";
inline constexpr std::string_view kStatusQuery = "osn.status?";
inline constexpr std::string_view kShutdown = "osn.shutdown";
inline constexpr std::string_view kStatus = "osn.status";

inline bool is_internal(std::string_view type) { return type.starts_with("osn."); }
}  // namespace msg

// A worker's life as the primary sees it.
enum class WorkerState { kForked, kOnline, kListening, kStopping, kExited };
const char* worker_state_name(WorkerState s);  // "forked", "online", "listening", ...

// One row of the worker table, as reported to anyone who asks (GET /cluster in the demo).
struct WorkerInfo {
  int id = 0;           // unique for the primary's lifetime, like Node's worker.id
  size_t slot = 0;      // 0..workers-1; a replacement takes the slot of the worker it replaces
  pid_t pid = 0;
  WorkerState state = WorkerState::kForked;
  uint64_t connections = 0;  // connections this worker took
  uint64_t requests = 0;     // requests its application counted (keep-alive: >= connections)
  uint64_t restarts = 0;     // workers forked for this slot after the first one
  // connections and requests are the worker's last report (osn.stats, every
  // Settings::stats_interval_ms when they change): this many ms old. The asking worker's own
  // row is always fresh (0). kNeverReported: no report yet.
  uint64_t report_age_ms = 0;
};
inline constexpr uint64_t kNeverReported = UINT64_MAX;

// osn.status: count=N, then wI=id,slot,pid,state,connections,requests,restarts,report_age_ms.
void encode_worker_table(const std::vector<WorkerInfo>& rows, Message& out);
// false when a row does not parse.
bool decode_worker_table(const Message& in, std::vector<WorkerInfo>* rows);

}  // namespace osn::cluster
