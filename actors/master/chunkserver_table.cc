#include "actors/master/chunkserver_table.h"

namespace bucket::master {
namespace {

std::string Seconds(Millis ms) {
  return std::to_string(ms.count() / 1000) + "." + std::to_string((ms.count() % 1000) / 100) + "s";
}

double PerSecond(std::uint64_t now_count, std::uint64_t before, Millis elapsed) {
  if (elapsed.count() <= 0 || now_count < before) return 0;
  return static_cast<double>(now_count - before) * 1000.0 / static_cast<double>(elapsed.count());
}

}  // namespace

StateChange ChunkserverTable::Register(const messages::RegisterRequest& request, Millis now) {
  const std::string& id = request.address.node_id;
  auto it = nodes_.find(id);
  StateChange change{id, "joined", request.address.rpc_endpoint + " rack " + request.address.rack};
  if (it != nodes_.end()) {
    const ChunkserverInfo& old = it->second;
    if (old.state == NodeState::kDead || old.state == NodeState::kSuspect) {
      change.type = "back";
      change.detail = "after " + Seconds(now - old.last_heard) + " of silence";
    } else if (old.incarnation != request.incarnation) {
      change.type = "restarted";
      change.detail = "new incarnation";
    } else {
      change.type = "reregistered";
      change.detail = "";
    }
  }
  if (it == nodes_.end()) {
    ChunkserverInfo fresh;
    fresh.index = static_cast<std::uint32_t>(by_index_.size());
    by_index_.push_back(id);
    it = nodes_.emplace(id, std::move(fresh)).first;
  }
  ChunkserverInfo& info = it->second;
  info.address = request.address;
  info.load = request.load;
  info.previous_load = request.load;
  info.previous_load_at = now;
  info.incarnation = request.incarnation;
  info.state = NodeState::kUp;
  info.last_heard = now;
  info.registered_at = now;
  return change;
}

bool ChunkserverTable::OnHeartbeat(const messages::Heartbeat& heartbeat, Millis now,
                                   std::optional<StateChange>* change) {
  auto it = nodes_.find(heartbeat.address.node_id);
  if (it == nodes_.end()) return false;
  ChunkserverInfo& info = it->second;
  if (info.state == NodeState::kDead || info.incarnation != heartbeat.incarnation) return false;
  if (info.state == NodeState::kSuspect) {
    *change = StateChange{info.address.node_id, "back",
                          "heartbeats resumed after " + Seconds(now - info.last_heard)};
    info.state = NodeState::kUp;
  }
  info.previous_load = info.load;
  info.previous_load_at = info.last_heard;
  info.load = heartbeat.load;
  info.address = heartbeat.address;
  info.last_heard = now;
  return true;
}

std::vector<StateChange> ChunkserverTable::CheckLiveness(Millis now) {
  std::vector<StateChange> changes;
  for (auto& [id, info] : nodes_) {
    if (info.admin == AdminState::kMaintenance) continue;  // a planned restart: not dead
    const Millis silent = now - info.last_heard;
    if (info.state == NodeState::kUp && silent >= suspect_after_) {
      info.state = NodeState::kSuspect;
      changes.push_back({id, "suspect", "silent for " + Seconds(silent)});
    }
    if (info.state == NodeState::kSuspect && silent >= dead_after_) {
      info.state = NodeState::kDead;
      changes.push_back({id, "dead", "silent for " + Seconds(silent)});
    }
  }
  return changes;
}

const ChunkserverInfo* ChunkserverTable::Find(const std::string& node_id) const {
  auto it = nodes_.find(node_id);
  return it == nodes_.end() ? nullptr : &it->second;
}

ChunkserverInfo* ChunkserverTable::FindMutable(const std::string& node_id) {
  auto it = nodes_.find(node_id);
  return it == nodes_.end() ? nullptr : &it->second;
}

const ChunkserverInfo* ChunkserverTable::ByIndex(std::uint32_t index) const {
  return index < by_index_.size() ? Find(by_index_[index]) : nullptr;
}

ChunkserverInfo* ChunkserverTable::ByIndexMutable(std::uint32_t index) {
  return index < by_index_.size() ? FindMutable(by_index_[index]) : nullptr;
}

Status ChunkserverTable::SetAdmin(const std::string& node_id, AdminState admin) {
  auto it = nodes_.find(node_id);
  if (it == nodes_.end()) return Status::NotFound("no chunkserver " + node_id);
  it->second.admin = admin;
  it->second.drained = false;
  return Status::Ok();
}

void ChunkserverTable::DecayCreations() {
  for (auto& [id, info] : nodes_) info.recent_creations /= 2;
}

std::size_t ChunkserverTable::CountInState(NodeState state) const {
  std::size_t count = 0;
  for (const auto& [id, info] : nodes_) count += info.state == state ? 1 : 0;
  return count;
}

std::vector<messages::ChunkserverStatus> ChunkserverTable::Snapshot(Millis now) const {
  std::vector<messages::ChunkserverStatus> rows;
  rows.reserve(nodes_.size());
  for (const auto& [id, info] : nodes_) {
    messages::ChunkserverStatus row;
    row.address = info.address;
    row.state = info.shown();
    row.drained = info.drained;
    row.load = info.load;
    row.heartbeat_age_ms = static_cast<std::uint64_t>((now - info.last_heard).count());
    const Millis elapsed = info.last_heard - info.previous_load_at;
    row.read_ops_per_s = PerSecond(info.load.read_ops, info.previous_load.read_ops, elapsed);
    row.write_ops_per_s = PerSecond(info.load.write_ops, info.previous_load.write_ops, elapsed);
    row.read_bytes_per_s = PerSecond(info.load.read_bytes, info.previous_load.read_bytes, elapsed);
    row.write_bytes_per_s =
        PerSecond(info.load.write_bytes, info.previous_load.write_bytes, elapsed);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace bucket::master
