#include "actors/master/chunk_table.h"

#include <algorithm>

namespace bucket::master {

void ChunkTable::Add(ChunkHandle handle, std::uint64_t version) {
  ChunkInfo& info = chunks_[handle];
  info.version = version;
  info.references = 1;
}

void ChunkTable::AddReference(ChunkHandle handle) {
  auto it = chunks_.find(handle);
  if (it != chunks_.end()) ++it->second.references;
}

bool ChunkTable::DropReference(ChunkHandle handle) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return false;
  if (--it->second.references > 0) return false;
  chunks_.erase(it);
  return true;
}

Status ChunkTable::SetVersion(ChunkHandle handle, std::uint64_t version) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return Status::NotFound("chunk " + std::to_string(handle));
  it->second.version = version;
  return Status::Ok();
}

void ChunkTable::SetLeaseUntil(ChunkHandle handle, std::int64_t unix_ms) {
  auto it = chunks_.find(handle);
  if (it != chunks_.end()) it->second.lease_until_unix_ms = unix_ms;
}

ReplicaVerdict ChunkTable::AddReplica(ChunkHandle handle, NodeIndex node, std::uint64_t version) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return ReplicaVerdict::kOrphan;
  ChunkInfo& info = it->second;
  auto replica = std::find_if(info.replicas.begin(), info.replicas.end(),
                              [&](const Replica& r) { return r.node == node; });
  if (replica == info.replicas.end()) {
    info.replicas.push_back({node, version});
  } else {
    replica->version = version;
  }
  if (version == info.version) return ReplicaVerdict::kCurrent;
  return version < info.version ? ReplicaVerdict::kStale : ReplicaVerdict::kNewer;
}

void ChunkTable::RemoveReplica(ChunkHandle handle, NodeIndex node) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return;
  it->second.replicas.RemoveIf([&](const Replica& r) { return r.node == node; });
}

std::size_t ChunkTable::RemoveNode(NodeIndex node) {
  std::size_t removed = 0;
  for (auto& [handle, info] : chunks_) {
    removed += info.replicas.RemoveIf([&](const Replica& r) { return r.node == node; });
  }
  return removed;
}

std::vector<NodeIndex> ChunkTable::CurrentReplicas(ChunkHandle handle) const {
  std::vector<NodeIndex> nodes;
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return nodes;
  for (const Replica& r : it->second.replicas) {
    if (r.version == it->second.version) nodes.push_back(r.node);
  }
  return nodes;
}

const ChunkInfo* ChunkTable::Find(ChunkHandle handle) const {
  auto it = chunks_.find(handle);
  return it == chunks_.end() ? nullptr : &it->second;
}

ChunkInfo* ChunkTable::FindMutable(ChunkHandle handle) {
  auto it = chunks_.find(handle);
  return it == chunks_.end() ? nullptr : &it->second;
}

void ChunkTable::ForEach(const std::function<void(ChunkHandle, const ChunkInfo&)>& fn) const {
  for (const auto& [handle, info] : chunks_) fn(handle, info);
}

}  // namespace bucket::master
