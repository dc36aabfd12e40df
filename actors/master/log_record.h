// The master's durable records: operation-log entries and checkpoint entries.
//
// Each record is msgpack [type, fields] inside a checksummed frame (see
// log_file.h). Type numbers are fixed forever; a retired one stays here as a
// comment. Fields are only ever appended, with defaults, as in messages/.
// This format is independent of the wire protocol on purpose: the log outlives
// any one protocol version.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <msgpack.hpp>

#include "messages/status.h"

namespace bucket::master {

// Who asked, so that a retried request is answered from the retry cache.
struct RetryKey {
  std::string client_id;
  std::uint64_t request_id = 0;
  MSGPACK_DEFINE(client_id, request_id);
  bool empty() const { return client_id.empty(); }
};

// --- operation log records ----------------------------------------------------
struct MkdirRecord {
  static constexpr std::uint8_t kType = 1;
  RetryKey retry;
  std::string path;
  bool parents = false;
  std::int64_t unix_ms = 0;
  MSGPACK_DEFINE(retry, path, parents, unix_ms);
};

struct CreateRecord {
  static constexpr std::uint8_t kType = 2;
  RetryKey retry;
  std::string path;
  std::uint32_t replication = 0;
  std::uint64_t chunk_size = 0;
  bool overwrite = false;
  bool parents = false;
  std::int64_t unix_ms = 0;
  MSGPACK_DEFINE(retry, path, replication, chunk_size, overwrite, parents, unix_ms);
};

struct DeleteRecord {
  static constexpr std::uint8_t kType = 3;
  RetryKey retry;
  std::string path;
  bool recursive = false;
  bool purge = false;
  std::int64_t unix_ms = 0;
  MSGPACK_DEFINE(retry, path, recursive, purge, unix_ms);
};

struct UndeleteRecord {
  static constexpr std::uint8_t kType = 4;
  RetryKey retry;
  std::string path;
  std::int64_t unix_ms = 0;
  MSGPACK_DEFINE(retry, path, unix_ms);
};

struct RenameRecord {
  static constexpr std::uint8_t kType = 5;
  RetryKey retry;
  std::string from;
  std::string to;
  bool replace = false;
  std::int64_t unix_ms = 0;
  MSGPACK_DEFINE(retry, from, to, replace, unix_ms);
};

// A trash entry whose grace period ended: freed for good.
struct PurgeRecord {
  static constexpr std::uint8_t kType = 6;
  std::uint64_t trash_id = 0;
  MSGPACK_DEFINE(trash_id);
};

// A new chunk at `index` of file `inode`.
struct AddChunkRecord {
  static constexpr std::uint8_t kType = 7;
  std::uint64_t inode = 0;
  std::uint64_t index = 0;
  std::uint64_t handle = 0;
  std::uint64_t version = 1;
  MSGPACK_DEFINE(inode, index, handle, version);
};

// A version bump at a lease grant, or a lease extension (same version), with
// the wall-clock time until which the lease may be held.
struct SetVersionRecord {
  static constexpr std::uint8_t kType = 8;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::int64_t lease_until_unix_ms = 0;
  // When a lower version is adopted: the highest ever issued, which the next
  // bump must pass, so that a replica holding it never looks current again.
  std::uint64_t issued_before = 0;
  MSGPACK_DEFINE(handle, version, lease_until_unix_ms, issued_before);
};

// The file's size grew to `size` (the primary reported a committed length).
struct SetSizeRecord {
  static constexpr std::uint8_t kType = 9;
  std::uint64_t inode = 0;
  std::uint64_t size = 0;
  MSGPACK_DEFINE(inode, size);
};

// A copy of the file or tree at `from` named `to`, sharing its chunks (GFS 3.4).
struct SnapshotRecord {
  static constexpr std::uint8_t kType = 10;
  RetryKey retry;
  std::string from;
  std::string to;
  bool parents = false;
  std::int64_t unix_ms = 0;
  MSGPACK_DEFINE(retry, from, to, parents, unix_ms);
};

// Handles below `next_handle` are taken: logged before chunkservers are told
// of a handle that no chunk record names yet (a copy-on-write copy), so that a
// restarted master never hands the same handle out again.
struct ReserveHandlesRecord {
  static constexpr std::uint8_t kType = 11;
  std::uint64_t next_handle = 0;
  MSGPACK_DEFINE(next_handle);
};

// Copy-on-write: chunk `index` of file `inode` was shared as `old_handle`; it
// is now the file's own copy `handle` at `version`, made by the chunkservers.
struct CopyChunkRecord {
  static constexpr std::uint8_t kType = 12;
  std::uint64_t inode = 0;
  std::uint64_t index = 0;
  std::uint64_t old_handle = 0;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  MSGPACK_DEFINE(inode, index, old_handle, handle, version);
};

// A chunkserver registered for the first time. The master remembers every
// chunkserver it has known: after a restart, one that has not come back may
// hold the current version of a chunk, so no lower version is adopted early.
struct ChunkserverJoinedRecord {
  static constexpr std::uint8_t kType = 13;
  std::string node_id;
  MSGPACK_DEFINE(node_id);
};

using LogRecord = std::variant<MkdirRecord, CreateRecord, DeleteRecord, UndeleteRecord,
                               RenameRecord, PurgeRecord, AddChunkRecord, SetVersionRecord,
                               SetSizeRecord, SnapshotRecord, ReserveHandlesRecord,
                               CopyChunkRecord, ChunkserverJoinedRecord>;

std::string EncodeRecord(const LogRecord& record);
Result<LogRecord> DecodeRecord(const void* data, std::size_t size);

// --- checkpoint entries -------------------------------------------------------
struct CheckpointHeader {
  static constexpr std::uint8_t kType = 1;
  std::uint64_t covers_segment = 0;  // every log segment up to this one is included
  std::uint64_t next_inode = 0;
  std::uint64_t next_trash_id = 0;
  std::uint64_t next_handle = 0;
  std::int64_t created_unix_ms = 0;
  MSGPACK_DEFINE(covers_segment, next_inode, next_trash_id, next_handle, created_unix_ms);
};

struct InodeEntry {
  static constexpr std::uint8_t kType = 2;
  std::uint64_t id = 0;
  std::string name;
  std::uint64_t parent = 0;
  bool is_dir = false;
  std::uint32_t replication = 0;
  std::uint64_t chunk_size = 0;
  std::int64_t mtime_unix_ms = 0;
  std::uint64_t size = 0;
  std::vector<std::uint64_t> chunks;
  MSGPACK_DEFINE(id, name, parent, is_dir, replication, chunk_size, mtime_unix_ms, size, chunks);
};

struct TrashEntryRecord {
  static constexpr std::uint8_t kType = 3;
  std::uint64_t trash_id = 0;
  std::string path;
  std::int64_t deleted_unix_ms = 0;
  std::uint64_t inode = 0;
  MSGPACK_DEFINE(trash_id, path, deleted_unix_ms, inode);
};

struct ChunkEntry {
  static constexpr std::uint8_t kType = 4;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint32_t references = 0;
  std::int64_t lease_until_unix_ms = 0;
  std::uint64_t version_floor = 0;
  MSGPACK_DEFINE(handle, version, references, lease_until_unix_ms, version_floor);
};

struct RetryEntry {
  static constexpr std::uint8_t kType = 5;
  std::string client_id;
  std::uint64_t request_id = 0;
  std::int64_t unix_ms = 0;
  MSGPACK_DEFINE(client_id, request_id, unix_ms);
};

struct CheckpointEnd {
  static constexpr std::uint8_t kType = 6;
  std::uint64_t entries = 0;  // every entry before this one, header included
  MSGPACK_DEFINE(entries);
};

struct ChunkserverEntry {
  static constexpr std::uint8_t kType = 7;
  std::string node_id;
  MSGPACK_DEFINE(node_id);
};

using CheckpointEntry = std::variant<CheckpointHeader, InodeEntry, TrashEntryRecord, ChunkEntry,
                                     RetryEntry, ChunkserverEntry, CheckpointEnd>;

std::string EncodeCheckpointEntry(const CheckpointEntry& entry);
Result<CheckpointEntry> DecodeCheckpointEntry(const void* data, std::size_t size);

}  // namespace bucket::master
