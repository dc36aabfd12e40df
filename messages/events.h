// What the master publishes on its events PUB, for monitors, scripts and clients.
//
// Grammar (topic frame first, so that a SUB can filter by prefix):
//   "state"           M:ClusterState   every master heartbeat interval: the whole picture,
//                                       so a subscriber that joins late is current within
//                                       one interval
//   "event.<type>"    M:ClusterEvent   as things happen (joined, suspect, dead, back, ...)
//   "heartbeat.<id>"  CS:Heartbeat     each chunkserver heartbeat the master received
//   C:ClusterStatusRequest ( M:ClusterStatusResponse )   the same state, on request
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kind.h"
#include "messages/master_chunkserver.h"

namespace bucket::messages {

inline constexpr char kTopicState[] = "state";
inline constexpr char kTopicEvent[] = "event.";
inline constexpr char kTopicHeartbeat[] = "heartbeat.";

enum class NodeState : std::uint8_t {
  kUp = 0,
  kSuspect = 1,  // heartbeats late; still used for reads, not for new chunks
  kDead = 2,     // silent past the dead timeout; its replicas left the locations
  kMaintenance = 3,
  kDraining = 4,
};

const char* NodeStateName(NodeState state);

struct ChunkserverStatus {
  NodeAddress address;
  NodeState state = NodeState::kUp;
  NodeLoad load;
  std::uint64_t heartbeat_age_ms = 0;
  // Rates over the last heartbeat interval, derived by the master from the counters.
  double read_ops_per_s = 0;
  double write_ops_per_s = 0;
  double read_bytes_per_s = 0;
  double write_bytes_per_s = 0;
  bool drained = false;  // draining, and every chunk it held now has its replicas elsewhere
  MSGPACK_DEFINE(address, state, load, heartbeat_age_ms, read_ops_per_s, write_ops_per_s,
                 read_bytes_per_s, write_bytes_per_s, drained);
};

// Counts of chunks needing attention; filled in as the healing machinery grows.
struct ClusterHealth {
  std::uint64_t under_replicated = 0;
  std::uint64_t being_repaired = 0;
  std::uint64_t corrupt = 0;
  std::uint64_t stale = 0;
  std::uint64_t orphaned = 0;
  std::uint64_t pending_deletion = 0;
  std::uint64_t lost = 0;
  MSGPACK_DEFINE(under_replicated, being_repaired, corrupt, stale, orphaned, pending_deletion,
                 lost);
};

struct MasterStatus {
  std::string master_id;
  std::string rpc_endpoint;
  std::uint64_t uptime_ms = 0;
  bool safe_mode = false;
  std::uint64_t files = 0;
  std::uint64_t directories = 0;
  std::uint64_t chunks = 0;
  std::uint64_t oplog_bytes = 0;
  std::uint64_t last_checkpoint_unix_ms = 0;
  MSGPACK_DEFINE(master_id, rpc_endpoint, uptime_ms, safe_mode, files, directories, chunks,
                 oplog_bytes, last_checkpoint_unix_ms);
};

struct ClusterState {
  static constexpr Kind kKind = Kind::kClusterState;
  std::uint64_t unix_ms = 0;
  MasterStatus master;
  std::vector<ChunkserverStatus> chunkservers;
  ClusterHealth health;
  MSGPACK_DEFINE(unix_ms, master, chunkservers, health);
};

// One thing that happened. `type` is a short stable word ("joined", "dead", ...);
// `node_id` names the chunkserver concerned, if any; `chunk` the chunk, if any.
struct ClusterEvent {
  static constexpr Kind kKind = Kind::kClusterEvent;
  std::uint64_t unix_ms = 0;
  std::string type;
  std::string node_id;
  std::uint64_t chunk = 0;
  std::string detail;
  MSGPACK_DEFINE(unix_ms, type, node_id, chunk, detail);
};

struct ClusterStatusRequest {
  static constexpr Kind kKind = Kind::kClusterStatusRequest;
  MSGPACK_DEFINE();
};

struct ClusterStatusResponse {
  static constexpr Kind kKind = Kind::kClusterStatusResponse;
  ClusterState state;
  MSGPACK_DEFINE(state);
};

}  // namespace bucket::messages

MSGPACK_ADD_ENUM(bucket::messages::NodeState);
