// MasterState: everything the master keeps durable: the namespace, the chunk
// table's persistent part, the counters and the retry cache. It changes only by
// applying LogRecords, so the live master and a replay of its log (or a
// checkpoint build on another thread) reach the same state. Not thread-safe:
// each user has its own instance.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "actors/master/chunk_table.h"
#include "actors/master/log_record.h"
#include "actors/master/namespace_tree.h"
#include "actors/master/retry_cache.h"

namespace bucket::master {

// What applying a record did, for the caller's bookkeeping.
struct Applied {
  InodeId inode = 0;                 // the file created
  std::vector<ChunkHandle> freed;    // chunks whose last reference went (orphans now)
};

class MasterState {
 public:
  // Applies `record`. On failure nothing changed and the record must not be logged;
  // in replay a failure means the log is corrupt.
  Result<Applied> Apply(const LogRecord& record);

  // True if this (client, request) mutation succeeded within the retry
  // cache's window before `now_unix_ms`.
  bool AlreadyApplied(const RetryKey& key, std::int64_t now_unix_ms) const;

  NamespaceTree& tree() { return tree_; }
  const NamespaceTree& tree() const { return tree_; }
  ChunkTable& chunks() { return chunks_; }
  const ChunkTable& chunks() const { return chunks_; }
  const RetryCache& retry_cache() const { return retry_; }
  // Handles above the last one issued are never ordered deleted (a master
  // restored from an old backup must not wipe newer data).
  ChunkHandle next_handle() const { return next_handle_; }
  // Every chunkserver that ever registered (by node id), logged and checkpointed.
  const std::set<std::string>& known_chunkservers() const { return known_chunkservers_; }

  // Checkpoints: hands every entry to `sink` in order (header first, end last).
  Status ToCheckpoint(std::uint64_t covers_segment, std::int64_t now_unix_ms,
                      const std::function<Status(const CheckpointEntry&)>& sink) const;
  // Rebuilds from a checkpoint's entries. REQUIRES: a fresh MasterState.
  Status FromCheckpoint(const std::vector<CheckpointEntry>& entries);

  // Whether inode `id` (or a directory above it) is in the trash.
  bool InTrash(InodeId id) const;

 private:
  void Remember(const RetryKey& key, std::int64_t unix_ms);
  void DropReferences(const std::vector<ChunkHandle>& handles, Applied* applied);
  // Sets each chunk's owner and wanted replication from the files that hold it.
  void IndexChunkOwners();

  NamespaceTree tree_;
  ChunkTable chunks_;
  RetryCache retry_;
  ChunkHandle next_handle_ = 1;
  std::set<std::string> known_chunkservers_;
};

}  // namespace bucket::master
