// The master <-> chunkserver protocol: membership, liveness and chunk reports.
//
// Grammar:
//   CS:RegisterRequest ( M:RegisterResponse / M:ErrorResponse )   DEALER -> master ROUTER
//   CS:Heartbeat                                                  PUB -> master SUB, periodic
//   M:ReregisterCommand                                           master ROUTER -> CS DEALER,
//       sent when a heartbeat arrives from a chunkserver the master does not know
//       (the master restarted, or had declared it dead): the chunkserver registers again.
//   CS:ChunkReportRequest ( M:ChunkReportResponse )   periodic; the reply names orphans
//   M:SetVersionRequest ( CS:SetVersionResponse )     by routing id: a new chunk, a version
//       bump at a lease grant, and the lease itself for the primary
//   CS:LeaseExtendRequest ( M:LeaseExtendResponse )   the primary, while mutations flow
//   M:RevokeLeaseRequest ( CS:RevokeLeaseResponse )   by routing id
//   CS:CommittedLengthReport ( M:CommittedLengthAck ) the primary, after each mutation
//   CS:CorruptionReport ( M:CorruptionAck )           a replica failed its checksum
//   M:CloneRequest ( CS:CloneResponse )               by routing id: copy a chunk from a peer
//
// Replies to what the master sends by routing id come back over the
// chunkserver's DEALER and reach the master's ROUTER like any request.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kind.h"
#include "messages/status.h"

namespace bucket::messages {

// Limits shared by validation on both sides.
inline constexpr std::size_t kNodeIdBytesMax = 128;
inline constexpr std::size_t kEndpointBytesMax = 256;

Status ValidateNodeId(const std::string& id, const char* field);
Status ValidateEndpoint(const std::string& endpoint, const char* field);

// One replica a chunkserver holds, as it reports it.
struct ReplicaReport {
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t length = 0;
  MSGPACK_DEFINE(handle, version, length);
};

// Disk and load figures carried by registration and every heartbeat.
struct NodeLoad {
  std::uint64_t capacity_bytes = 0;
  std::uint64_t used_bytes = 0;
  std::uint64_t free_bytes = 0;
  std::uint64_t chunk_count = 0;
  // Cumulative counters since the chunkserver started; rates are derived by readers.
  std::uint64_t read_ops = 0;
  std::uint64_t write_ops = 0;
  std::uint64_t read_bytes = 0;
  std::uint64_t write_bytes = 0;
  std::uint32_t failed_disks = 0;
  std::uint64_t local_copy_bytes = 0;  // copied disk to disk for copy-on-write, no network
  MSGPACK_DEFINE(capacity_bytes, used_bytes, free_bytes, chunk_count, read_ops, write_ops,
                 read_bytes, write_bytes, failed_disks, local_copy_bytes);
};

// Where a chunkserver can be reached and where it sits.
struct NodeAddress {
  std::string node_id;
  std::string rack;
  std::string rpc_endpoint;   // its ROUTER, as others should dial it
  std::string data_endpoint;  // its PULL for pushed data
  MSGPACK_DEFINE(node_id, rack, rpc_endpoint, data_endpoint);

  Status Validate() const;
};

struct RegisterRequest {
  static constexpr Kind kKind = Kind::kRegisterRequest;
  NodeAddress address;
  NodeLoad load;
  std::uint64_t incarnation = 0;  // changes every time the process starts
  std::vector<ReplicaReport> replicas;
  MSGPACK_DEFINE(address, load, incarnation, replicas);

  Status Validate() const { return address.Validate(); }
};

struct RegisterResponse {
  static constexpr Kind kKind = Kind::kRegisterResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint32_t heartbeat_interval_ms = 1000;
  std::vector<std::uint64_t> delete_chunks;  // orphans and stale replicas in its report
  std::uint32_t report_interval_ms = 60000;  // how often to send a ChunkReportRequest
  MSGPACK_DEFINE(code, detail, heartbeat_interval_ms, delete_chunks, report_interval_ms);
};

struct Heartbeat {
  static constexpr Kind kKind = Kind::kHeartbeat;
  NodeAddress address;
  NodeLoad load;
  std::uint64_t incarnation = 0;
  std::uint64_t sequence = 0;  // counts up from 1 per incarnation
  MSGPACK_DEFINE(address, load, incarnation, sequence);

  Status Validate() const { return address.Validate(); }
};

struct ReregisterCommand {
  static constexpr Kind kKind = Kind::kReregisterCommand;
  std::string reason;
  MSGPACK_DEFINE(reason);
};

// A chunkserver's report of (part of) what it holds.
struct ChunkReportRequest {
  static constexpr Kind kKind = Kind::kChunkReportRequest;
  std::string node_id;
  std::uint64_t incarnation = 0;
  std::vector<ReplicaReport> replicas;
  bool complete = false;  // every replica it holds (else a part, in rotation)
  MSGPACK_DEFINE(node_id, incarnation, replicas, complete);
  Status Validate() const { return ValidateNodeId(node_id, "node_id"); }
};

struct ChunkReportResponse {
  static constexpr Kind kKind = Kind::kChunkReportResponse;
  Code code = Code::kOk;
  std::string detail;
  std::vector<std::uint64_t> delete_chunks;  // orphans and stale replicas: delete them
  MSGPACK_DEFINE(code, detail, delete_chunks);
};

// Where the other replicas of a chunk are, as the primary needs them.
struct PeerReplica {
  std::string node_id;
  std::string rpc_endpoint;
  std::string data_endpoint;
  MSGPACK_DEFINE(node_id, rpc_endpoint, data_endpoint);
};

// From the master: this replica of `handle` is now at `version` (creating an
// empty chunk when `create`). When `primary` is set it also holds the lease for
// `lease_ms` from receipt, with `secondaries` fixed by this grant.
struct SetVersionRequest {
  static constexpr Kind kKind = Kind::kSetVersionRequest;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  bool create = false;
  std::uint64_t chunk_size = 0;
  bool primary = false;
  std::vector<PeerReplica> secondaries;
  std::uint64_t lease_ms = 0;
  // A primary without secondaries holds the only copy of what it acknowledges:
  // it syncs each mutation to disk before answering, whatever its durability.
  bool sync_mutations = false;
  // The version the master believes this replica holds (0: no check). A replica
  // below it missed something the master counts on (a machine crash lost
  // unsynced data, a report was not heard): it refuses, never jumping ahead.
  std::uint64_t expected_version = 0;
  MSGPACK_DEFINE(handle, version, create, chunk_size, primary, secondaries, lease_ms,
                 sync_mutations, expected_version);
  Status Validate() const;
};

struct SetVersionResponse {
  static constexpr Kind kKind = Kind::kSetVersionResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  MSGPACK_DEFINE(code, detail, handle, version);
};

struct LeaseExtendRequest {
  static constexpr Kind kKind = Kind::kLeaseExtendRequest;
  std::string node_id;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  MSGPACK_DEFINE(node_id, handle, version);
  Status Validate() const { return ValidateNodeId(node_id, "node_id"); }
};

struct LeaseExtendResponse {
  static constexpr Kind kKind = Kind::kLeaseExtendResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t handle = 0;
  std::uint64_t lease_ms = 0;  // valid for this long from when the extension was asked
  MSGPACK_DEFINE(code, detail, handle, lease_ms);
};

struct RevokeLeaseRequest {
  static constexpr Kind kKind = Kind::kRevokeLeaseRequest;
  std::uint64_t handle = 0;
  MSGPACK_DEFINE(handle);
};

struct RevokeLeaseResponse {
  static constexpr Kind kKind = Kind::kRevokeLeaseResponse;
  Code code = Code::kOk;
  std::uint64_t handle = 0;
  // The chunk's length once the lease's last mutation is done: a snapshot
  // taken next must see every acknowledged byte, reported or not.
  std::uint64_t length = 0;
  MSGPACK_DEFINE(code, handle, length);
};

// From the primary after a mutation succeeded: the chunk's committed length.
struct CommittedLengthReport {
  static constexpr Kind kKind = Kind::kCommittedLengthReport;
  std::string node_id;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t length = 0;
  MSGPACK_DEFINE(node_id, handle, version, length);
  Status Validate() const { return ValidateNodeId(node_id, "node_id"); }
};

struct CommittedLengthAck {
  static constexpr Kind kKind = Kind::kCommittedLengthAck;
  Code code = Code::kOk;
  MSGPACK_DEFINE(code);
};

// A replica failed its checksum (on a read or a scrub): the master stops
// handing it out and replaces it.
struct CorruptionReport {
  static constexpr Kind kKind = Kind::kCorruptionReport;
  std::string node_id;
  std::uint64_t handle = 0;
  std::string detail;
  MSGPACK_DEFINE(node_id, handle, detail);
  Status Validate() const { return ValidateNodeId(node_id, "node_id"); }
};

struct CorruptionAck {
  static constexpr Kind kKind = Kind::kCorruptionAck;
  Code code = Code::kOk;
  MSGPACK_DEFINE(code);
};

// Copy chunk `handle` at `version` whole from `source`, verifying every block.
struct CloneRequest {
  static constexpr Kind kKind = Kind::kCloneRequest;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t chunk_size = 0;
  PeerReplica source;
  std::uint64_t rate_bytes_per_s = 0;  // 0: as fast as it goes
  MSGPACK_DEFINE(handle, version, chunk_size, source, rate_bytes_per_s);
  Status Validate() const;
};

struct CloneResponse {
  static constexpr Kind kKind = Kind::kCloneResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t length = 0;
  MSGPACK_DEFINE(code, detail, handle, version, length);
};

// Copy-on-write of a snapshotted chunk: copy local chunk `handle` at `version`
// to the new chunk `copy` at the same version, on this chunkserver's own disk
// (no bytes cross the network), verifying every block on the way.
struct LocalCopyRequest {
  static constexpr Kind kKind = Kind::kLocalCopyRequest;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t copy = 0;
  MSGPACK_DEFINE(handle, version, copy);
  Status Validate() const;
};

struct LocalCopyResponse {
  static constexpr Kind kKind = Kind::kLocalCopyResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t copy = 0;
  std::uint64_t length = 0;
  MSGPACK_DEFINE(code, detail, copy, length);
};

}  // namespace bucket::messages
