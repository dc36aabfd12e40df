// ChunkTable: every chunk the master knows: its version and how many files
// refer to it (persistent, rebuilt from the log), and where its replicas are
// (never persisted: learned from chunkservers' reports and kept current).
//
// Replicas are keyed by a chunkserver's small index (ChunkserverTable assigns
// them) to keep the per-chunk cost low. A replica at the chunk's version is
// current; one below it is stale and never handed out; one above it means the
// master died between logging a bump and telling every replica, and the
// caller adopts that version (GFS section 4.5). Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

#include "actors/master/replica_list.h"
#include "messages/status.h"

namespace bucket::master {

using ChunkHandle = std::uint64_t;

// Fields ordered so that the entry packs tight (88 bytes): one per chunk.
struct ChunkInfo {
  std::uint64_t version = 1;
  // Versions up to here were issued once (and a lower one adopted since):
  // never issued again.
  std::uint64_t version_floor = 0;
  std::uint64_t owner = 0;       // the inode of a file that holds it (for priorities, fsck)
  // Until when (wall clock) a lease granted before a master restart may still be
  // held: no other primary until then. Logged with every grant and extension.
  std::int64_t lease_until_unix_ms = 0;
  std::uint32_t references = 1;
  std::uint8_t replication = 0;  // wanted replicas (the most any file sharing it asks for)
  ReplicaList replicas;

  // The version of the next bump.
  std::uint64_t NextVersion() const { return std::max(version, version_floor) + 1; }
};

enum class ReplicaVerdict : std::uint8_t {
  kCurrent,   // at the chunk's version
  kStale,     // below it: missed a mutation
  kNewer,     // above it: the master's bump was told but not all of it survived
  kOrphan,    // the master knows no such chunk
};

class ChunkTable {
 public:
  // Persistent changes (made through logged records).
  void Add(ChunkHandle handle, std::uint64_t version);
  void AddReference(ChunkHandle handle);
  // Drops one reference; true if it was the last (the chunk is gone).
  bool DropReference(ChunkHandle handle);
  Status SetVersion(ChunkHandle handle, std::uint64_t version);
  void SetLeaseUntil(ChunkHandle handle, std::int64_t unix_ms);

  // Locations (not persisted).
  // Records that `node` holds `handle` at `version`, and says what that replica is.
  ReplicaVerdict AddReplica(ChunkHandle handle, NodeIndex node, std::uint64_t version);
  void RemoveReplica(ChunkHandle handle, NodeIndex node);
  // Forgets every replica on `node` (it died or re-registers); returns how many.
  std::size_t RemoveNode(NodeIndex node);
  // Nodes holding `handle` at its current version.
  std::vector<NodeIndex> CurrentReplicas(ChunkHandle handle) const;

  const ChunkInfo* Find(ChunkHandle handle) const;
  ChunkInfo* FindMutable(ChunkHandle handle);
  std::size_t size() const { return chunks_.size(); }
  void ForEach(const std::function<void(ChunkHandle, const ChunkInfo&)>& fn) const;

 private:
  std::unordered_map<ChunkHandle, ChunkInfo> chunks_;
};

}  // namespace bucket::master
