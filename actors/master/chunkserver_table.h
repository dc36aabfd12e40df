// ChunkserverTable: the master's view of every chunkserver it has heard of:
// where it is, how loaded, when it was last heard from, and whether it is up,
// suspect or dead.
//
// Liveness is state plus time: each heartbeat or registration stamps the node;
// CheckLiveness, called on a timer, moves silent nodes to suspect and then dead
// and returns what changed, so the caller can publish events and act. Pure
// logic: no I/O, time passed in. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/core/context.h"
#include "messages/events.h"
#include "messages/master_chunkserver.h"

namespace bucket::master {

using actors::Millis;
using messages::NodeState;

// What an administrator asked of a chunkserver, beside its liveness.
enum class AdminState : std::uint8_t {
  kNone,
  kDraining,     // its replicas are copied elsewhere; they do not count toward the factor
  kMaintenance,  // a planned restart: never declared dead, no re-replication meanwhile
};

struct ChunkserverInfo {
  std::uint32_t index = 0;  // small, stable for the master's lifetime: keys replica lists
  messages::NodeAddress address;
  messages::NodeLoad load;
  messages::NodeLoad previous_load;  // for rates
  Millis previous_load_at{0};
  std::uint64_t incarnation = 0;
  NodeState state = NodeState::kUp;
  Millis last_heard{0};
  Millis registered_at{0};
  std::uint32_t recent_creations = 0;  // chunks placed here lately (decays)
  AdminState admin = AdminState::kNone;
  bool drained = false;

  // Its replicas can be read (and used as clone sources).
  bool live() const {
    return admin == AdminState::kMaintenance || state == NodeState::kUp ||
           state == NodeState::kSuspect;
  }
  // Its replicas count toward a chunk's replication factor.
  bool counts() const { return live() && admin != AdminState::kDraining; }
  // Its replicas may take part in a lease (mutations).
  bool writable() const { return state == NodeState::kUp && admin != AdminState::kMaintenance; }
  // New replicas may be placed on it.
  bool usable() const {
    return state == NodeState::kUp && admin == AdminState::kNone && load.failed_disks == 0 &&
           load.free_bytes > 0;
  }
  // The state people see.
  NodeState shown() const {
    if (admin == AdminState::kMaintenance) return NodeState::kMaintenance;
    if (admin == AdminState::kDraining && state != NodeState::kDead) return NodeState::kDraining;
    return state;
  }
  double utilization() const {
    return load.capacity_bytes == 0
               ? 1.0
               : static_cast<double>(load.used_bytes) / static_cast<double>(load.capacity_bytes);
  }
};

// One change of state, for events.
struct StateChange {
  std::string node_id;
  std::string type;    // "joined", "restarted", "back", "suspect", "dead"
  std::string detail;
};

class ChunkserverTable {
 public:
  ChunkserverTable(Millis suspect_after, Millis dead_after)
      : suspect_after_(suspect_after), dead_after_(dead_after) {}

  // A registration: a new node joins, a dead one comes back, a restarted one
  // (new incarnation) is noted. Returns what changed.
  StateChange Register(const messages::RegisterRequest& request, Millis now);

  // A heartbeat. Returns false if the node is unknown or dead, in which case it
  // must register again (so that its chunk report is fresh); the heartbeat is
  // not otherwise used. A suspect node becomes up again ("back").
  bool OnHeartbeat(const messages::Heartbeat& heartbeat, Millis now,
                   std::optional<StateChange>* change);

  // Moves silent nodes to suspect and dead.
  std::vector<StateChange> CheckLiveness(Millis now);

  const ChunkserverInfo* Find(const std::string& node_id) const;
  ChunkserverInfo* FindMutable(const std::string& node_id);
  const ChunkserverInfo* ByIndex(std::uint32_t index) const;
  ChunkserverInfo* ByIndexMutable(std::uint32_t index);
  // Halves every node's recent-creation count (called on a timer).
  void DecayCreations();
  Status SetAdmin(const std::string& node_id, AdminState admin);
  const std::map<std::string, ChunkserverInfo>& all() const { return nodes_; }
  std::size_t CountInState(NodeState state) const;

  std::vector<messages::ChunkserverStatus> Snapshot(Millis now) const;

 private:
  Millis suspect_after_;
  Millis dead_after_;
  std::map<std::string, ChunkserverInfo> nodes_;
  std::vector<std::string> by_index_;  // index -> node id
};

}  // namespace bucket::master
