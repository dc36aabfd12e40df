// The client <-> master protocol: the namespace, chunk locations and leases.
//
// Grammar (client DEALER -> master ROUTER; every request may instead get an
// ErrorResponse, e.g. kSafeMode for a mutation while the master is in safe mode):
//   C:MkdirRequest     ( M:NamespaceResponse )
//   C:CreateRequest    ( M:NamespaceResponse )
//   C:DeleteRequest    ( M:NamespaceResponse )
//   C:UndeleteRequest  ( M:NamespaceResponse )
//   C:RenameRequest    ( M:NamespaceResponse )
//   C:ListRequest      ( M:ListResponse )
//   C:StatRequest      ( M:StatResponse )
//   C:LocateRequest    ( M:LocateResponse )      chunk locations for reading
//   C:LeaseRequest     ( M:LeaseResponse )       the primary and version for writing
//   C:SafeModeRequest  ( M:SafeModeResponse )
//   C:BackupRequest    ( M:BackupResponse )      a consistent metadata backup, while running
//   C:NodeAdminRequest ( M:NodeAdminResponse )   drain, maintenance, back to normal
//   C:FsckRequest      ( M:FsckResponse )        chunks that need attention under a path
//   C:SnapshotRequest  ( M:NamespaceResponse ) a copy-on-write copy of a file or tree
//
// Mutations are idempotent under retry: a request resent with the same request
// id by the same client is answered from the master's retry cache as the first
// try was, never applied twice.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kind.h"
#include "messages/path.h"
#include "messages/status.h"

namespace bucket::messages {

// Limits on what one request may carry.
inline constexpr std::uint32_t kListEntriesMax = 10000;
inline constexpr std::uint32_t kLocateChunksMax = 1024;
inline constexpr std::uint32_t kReplicationMax = 16;

struct FileInfo {
  std::string name;  // the last component ("" for the root)
  bool is_dir = false;
  std::uint64_t size = 0;
  std::int64_t mtime_unix_ms = 0;
  std::uint32_t replication = 0;
  std::uint64_t chunk_size = 0;
  std::uint64_t chunk_count = 0;
  MSGPACK_DEFINE(name, is_dir, size, mtime_unix_ms, replication, chunk_size, chunk_count);
};

struct ReplicaLocation {
  std::string node_id;
  std::string rpc_endpoint;
  std::string data_endpoint;
  std::string rack;
  MSGPACK_DEFINE(node_id, rpc_endpoint, data_endpoint, rack);
};

struct ChunkLocation {
  std::uint64_t index = 0;  // position in the file
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::vector<ReplicaLocation> replicas;  // current ones only, nearest first when known
  std::uint32_t references = 1;           // files sharing it (snapshots)
  MSGPACK_DEFINE(index, handle, version, replicas, references);
};

struct MkdirRequest {
  static constexpr Kind kKind = Kind::kMkdirRequest;
  std::string path;
  bool parents = false;  // create missing parents; an existing directory is then fine
  MSGPACK_DEFINE(path, parents);
  Status Validate() const { return ValidatePath(path); }
};

struct CreateRequest {
  static constexpr Kind kKind = Kind::kCreateRequest;
  std::string path;
  std::uint32_t replication = 0;  // 0: the master's default
  std::uint64_t chunk_size = 0;   // 0: the master's default
  bool overwrite = false;         // replace an existing file (it goes to the trash)
  bool parents = false;           // create missing parent directories
  MSGPACK_DEFINE(path, replication, chunk_size, overwrite, parents);
  Status Validate() const;
};

struct DeleteRequest {
  static constexpr Kind kKind = Kind::kDeleteRequest;
  std::string path;
  bool recursive = false;  // a non-empty directory with everything under it
  bool purge = false;      // skip the trash: free at once
  MSGPACK_DEFINE(path, recursive, purge);
  Status Validate() const { return ValidatePath(path); }
};

struct UndeleteRequest {
  static constexpr Kind kKind = Kind::kUndeleteRequest;
  std::string path;  // the path it had; the most recent deletion of it is restored
  MSGPACK_DEFINE(path);
  Status Validate() const { return ValidatePath(path); }
};

struct RenameRequest {
  static constexpr Kind kKind = Kind::kRenameRequest;
  std::string from;
  std::string to;
  bool replace = false;  // an existing file or empty directory at `to` goes to the trash
  MSGPACK_DEFINE(from, to, replace);
  Status Validate() const;
};

// A copy of the file or directory tree `from`, named `to`, that shares its
// chunks until either side writes (GFS 3.4). Answered with a NamespaceResponse.
struct SnapshotRequest {
  static constexpr Kind kKind = Kind::kSnapshotRequest;
  std::string from;
  std::string to;
  bool parents = false;  // create missing parent directories of `to`
  MSGPACK_DEFINE(from, to, parents);
  Status Validate() const;
};

// The answer to every namespace mutation.
struct NamespaceResponse {
  static constexpr Kind kKind = Kind::kNamespaceResponse;
  Code code = Code::kOk;
  std::string detail;
  MSGPACK_DEFINE(code, detail);
  Status ToStatus() const { return Status(code, detail); }
};

struct ListRequest {
  static constexpr Kind kKind = Kind::kListRequest;
  std::string path;
  std::string start_after;  // for paging: names after this one
  std::uint32_t limit = 1000;
  MSGPACK_DEFINE(path, start_after, limit);
  Status Validate() const;
};

struct ListResponse {
  static constexpr Kind kKind = Kind::kListResponse;
  Code code = Code::kOk;
  std::string detail;
  std::vector<FileInfo> entries;  // sorted by name
  bool truncated = false;         // more after the last entry
  MSGPACK_DEFINE(code, detail, entries, truncated);
};

struct StatRequest {
  static constexpr Kind kKind = Kind::kStatRequest;
  std::string path;
  bool with_chunks = true;
  MSGPACK_DEFINE(path, with_chunks);
  Status Validate() const { return ValidatePath(path); }
};

struct StatResponse {
  static constexpr Kind kKind = Kind::kStatResponse;
  Code code = Code::kOk;
  std::string detail;
  FileInfo info;
  std::vector<ChunkLocation> chunks;
  MSGPACK_DEFINE(code, detail, info, chunks);
};

struct LocateRequest {
  static constexpr Kind kKind = Kind::kLocateRequest;
  std::string path;
  std::uint64_t first_index = 0;
  std::uint32_t count = 16;
  MSGPACK_DEFINE(path, first_index, count);
  Status Validate() const;
};

struct LocateResponse {
  static constexpr Kind kKind = Kind::kLocateResponse;
  Code code = Code::kOk;
  std::string detail;
  FileInfo info;
  std::vector<ChunkLocation> chunks;  // those of [first_index, first_index + count) that exist
  MSGPACK_DEFINE(code, detail, info, chunks);
};

// Asks for the primary of chunk `chunk_index` of `path`, allocating the chunk
// (and any missing chunks before it) if the file is shorter.
struct LeaseRequest {
  static constexpr Kind kKind = Kind::kLeaseRequest;
  std::string path;
  std::uint64_t chunk_index = 0;
  // Replicas the client could not reach or that failed its last mutation: the
  // master revokes a lease that includes them and grants a fresh one without them.
  std::vector<std::string> failed_replicas;
  MSGPACK_DEFINE(path, chunk_index, failed_replicas);
  Status Validate() const;
};

struct LeaseResponse {
  static constexpr Kind kKind = Kind::kLeaseResponse;
  Code code = Code::kOk;
  std::string detail;
  ChunkLocation chunk;       // replicas[0] is the primary; the rest are its secondaries
  std::uint64_t chunk_size = 0;
  std::uint64_t lease_expires_in_ms = 0;
  MSGPACK_DEFINE(code, detail, chunk, chunk_size, lease_expires_in_ms);
};

enum class SafeModeAction : std::uint8_t { kGet = 0, kEnter = 1, kLeave = 2 };

struct SafeModeRequest {
  static constexpr Kind kKind = Kind::kSafeModeRequest;
  SafeModeAction action = SafeModeAction::kGet;
  MSGPACK_DEFINE(action);
  Status Validate() const;
};

struct SafeModeResponse {
  static constexpr Kind kKind = Kind::kSafeModeResponse;
  bool safe_mode = false;
  std::string reason;  // why the master is (still) in safe mode
  MSGPACK_DEFINE(safe_mode, reason);
};

// Writes a checkpoint of the whole namespace into `directory` on the master's
// host, consistent as of the moment the request arrived. Restoring it: stop the
// master, empty its data_dir, copy the checkpoint file in, start the master.
struct BackupRequest {
  static constexpr Kind kKind = Kind::kBackupRequest;
  std::string directory;
  MSGPACK_DEFINE(directory);
  Status Validate() const;
};

struct BackupResponse {
  static constexpr Kind kKind = Kind::kBackupResponse;
  Code code = Code::kOk;
  std::string detail;
  std::string path;  // of the checkpoint file written
  MSGPACK_DEFINE(code, detail, path);
};

enum class NodeAdminAction : std::uint8_t {
  kNormal = 0,       // end a drain or maintenance
  kDrain = 1,        // copy every replica elsewhere; then it is safe to remove
  kMaintenance = 2,  // a planned restart: no re-replication of its chunks meanwhile
};

struct NodeAdminRequest {
  static constexpr Kind kKind = Kind::kNodeAdminRequest;
  std::string node_id;
  NodeAdminAction action = NodeAdminAction::kNormal;
  MSGPACK_DEFINE(node_id, action);
  Status Validate() const;
};

struct NodeAdminResponse {
  static constexpr Kind kKind = Kind::kNodeAdminResponse;
  Code code = Code::kOk;
  std::string detail;
  MSGPACK_DEFINE(code, detail);
};

struct FsckRequest {
  static constexpr Kind kKind = Kind::kFsckRequest;
  std::string path = "/";
  std::uint32_t problems_max = 1000;  // list at most this many problem chunks
  MSGPACK_DEFINE(path, problems_max);
  Status Validate() const { return ValidatePath(path); }
};

// One chunk that needs attention.
struct FsckProblem {
  std::string path;
  std::uint64_t index = 0;
  std::uint64_t handle = 0;
  std::string problem;  // "under-replicated", "corrupt", "stale-only", "lost"
  std::uint32_t live_replicas = 0;
  std::uint32_t wanted_replicas = 0;
  MSGPACK_DEFINE(path, index, handle, problem, live_replicas, wanted_replicas);
};

struct FsckResponse {
  static constexpr Kind kKind = Kind::kFsckResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t files = 0;
  std::uint64_t directories = 0;
  std::uint64_t chunks = 0;
  std::uint64_t bytes = 0;
  std::uint64_t healthy = 0;
  std::uint64_t under_replicated = 0;
  std::uint64_t corrupt = 0;
  std::uint64_t stale_only = 0;
  std::uint64_t lost = 0;
  std::vector<FsckProblem> problems;
  bool truncated = false;
  MSGPACK_DEFINE(code, detail, files, directories, chunks, bytes, healthy, under_replicated,
                 corrupt, stale_only, lost, problems, truncated);
};

}  // namespace bucket::messages

MSGPACK_ADD_ENUM(bucket::messages::SafeModeAction);
MSGPACK_ADD_ENUM(bucket::messages::NodeAdminAction);
