// The data path (GFS section 3): client <-> chunkserver and chunkserver <->
// chunkserver. Control and data flow apart: bytes are pushed once along a chain
// of replicas, then the mutation is ordered by the primary.
//
// Grammar:
//   C:PushReserveRequest ( CS:PushReserveResponse )   to the first hop's ROUTER; each hop
//       reserves buffer space, passes the reservation down the chain, and answers once the
//       rest of the chain has: a push that does not fit is refused before any byte moves
//   C:DataPiece*            PUSH -> PULL of the first hop; each hop verifies the piece's
//       CRC32C, keeps it, and forwards it at once to the next hop (cut-through)
//   C:WriteRequest ( CS:WriteResponse )     to the primary, once the push is sent
//   C:AppendRequest ( CS:AppendResponse )   to the primary; it picks the offset
//   P:ApplyRequest ( CS:ApplyResponse )     primary -> each secondary, in serial order
//   C:ReadRequest ( CS:ReadResponse [bytes] )   any current replica
//   C:LocalReadRequest ( CS:LocalReadResponse )  a replica on the client's own host
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/kind.h"
#include "messages/master_chunkserver.h"
#include "messages/status.h"

namespace bucket::messages {

inline constexpr std::uint64_t kReadBytesMax = 16ull << 20;
inline constexpr std::uint64_t kPieceBytesMax = 16ull << 20;
inline constexpr std::uint64_t kPushBytesMax = 256ull << 20;
inline constexpr std::size_t kChainHopsMax = 16;

// A hop of a push chain.
struct ChainHop {
  std::string node_id;
  std::string rpc_endpoint;
  std::string data_endpoint;
  MSGPACK_DEFINE(node_id, rpc_endpoint, data_endpoint);
};

struct PushReserveRequest {
  static constexpr Kind kKind = Kind::kPushReserveRequest;
  std::string data_id;             // unique per push (client id + counter)
  std::uint64_t bytes = 0;
  std::vector<ChainHop> rest;      // the hops after the receiver
  MSGPACK_DEFINE(data_id, bytes, rest);
  Status Validate() const;
};

struct PushReserveResponse {
  static constexpr Kind kKind = Kind::kPushReserveResponse;
  Code code = Code::kOk;
  std::string detail;  // names the hop that refused and why
  MSGPACK_DEFINE(code, detail);
};

// One piece of a push; the bytes are the payload frame.
struct DataPiece {
  static constexpr Kind kKind = Kind::kDataPiece;
  std::string data_id;
  std::uint64_t offset = 0;       // of this piece within the pushed data
  std::uint64_t total_bytes = 0;  // of the whole push
  std::uint32_t crc32c = 0;       // of this piece's bytes, checked at every hop
  std::vector<ChainHop> rest;     // where to forward it
  MSGPACK_DEFINE(data_id, offset, total_bytes, crc32c, rest);
  Status Validate() const;
};

struct WriteRequest {
  static constexpr Kind kKind = Kind::kWriteRequest;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t offset = 0;  // within the chunk
  std::string data_id;
  std::uint64_t length = 0;
  // How long the client waits for the answer; 0: unsaid. The primary answers
  // within it, naming the replicas that failed, before the client gives up
  // and blames the primary. Last, so a sender without it still decodes.
  std::uint64_t answer_within_ms = 0;
  MSGPACK_DEFINE(handle, version, offset, data_id, length, answer_within_ms);
  Status Validate() const;
};

// Failures name the replicas that failed, so the client can ask the master for
// a fresh lease without them.
struct WriteResponse {
  static constexpr Kind kKind = Kind::kWriteResponse;
  Code code = Code::kOk;
  std::string detail;
  std::vector<std::string> failed_replicas;
  std::uint64_t chunk_length = 0;
  MSGPACK_DEFINE(code, detail, failed_replicas, chunk_length);
};

struct AppendRequest {
  static constexpr Kind kKind = Kind::kAppendRequest;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::string data_id;
  std::uint64_t length = 0;
  std::uint64_t answer_within_ms = 0;  // as in WriteRequest
  MSGPACK_DEFINE(handle, version, data_id, length, answer_within_ms);
  Status Validate() const;
};

// kRetryNextChunk: the record did not fit; the chunk was padded on every replica.
struct AppendResponse {
  static constexpr Kind kKind = Kind::kAppendResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t offset = 0;  // where the record stands on every replica
  std::vector<std::string> failed_replicas;
  MSGPACK_DEFINE(code, detail, offset, failed_replicas);
};

enum class ApplyKind : std::uint8_t { kWrite = 0, kPad = 1 };

// Primary -> secondary: apply this mutation, the `serial`-th of this version.
struct ApplyRequest {
  static constexpr Kind kKind = Kind::kApplyRequest;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t serial = 0;
  ApplyKind kind = ApplyKind::kWrite;
  std::uint64_t offset = 0;  // kWrite: where; kPad: the length to pad to
  std::string data_id;
  std::uint64_t length = 0;
  std::string primary;  // node id, for logs
  // How long the primary still waits for this answer (0: unsaid): a secondary
  // waiting for the pushed data gives up in time to say so.
  std::uint64_t answer_within_ms = 0;
  MSGPACK_DEFINE(handle, version, serial, kind, offset, data_id, length, primary,
                 answer_within_ms);
  Status Validate() const;
};

struct ApplyResponse {
  static constexpr Kind kKind = Kind::kApplyResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t serial = 0;
  MSGPACK_DEFINE(code, detail, serial);
};

struct ReadRequest {
  static constexpr Kind kKind = Kind::kReadRequest;
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  MSGPACK_DEFINE(handle, version, offset, length);
  Status Validate() const;
};

// The bytes are the payload frame: `length` of them, fewer than asked only at
// the end of the replica's data (chunk_length says where that is).
struct ReadResponse {
  static constexpr Kind kKind = Kind::kReadResponse;
  Code code = Code::kOk;
  std::string detail;
  std::uint64_t length = 0;
  std::uint64_t chunk_length = 0;
  std::uint64_t version = 0;
  MSGPACK_DEFINE(code, detail, length, chunk_length, version);
};

// A short-circuit read (client/local_replica_reader.h): a client on the
// chunkserver's host asks where the chunk's files are, and reads and verifies
// them itself. Old chunkservers answer kUnsupported; the client then reads
// through ReadRequest.
struct LocalReadRequest {
  static constexpr Kind kKind = Kind::kLocalReadRequest;
  std::uint64_t handle = 0;
  MSGPACK_DEFINE(handle);
};

struct LocalReadResponse {
  static constexpr Kind kKind = Kind::kLocalReadResponse;
  Code code = Code::kOk;
  std::string detail;
  std::string data_path;  // absolute, on the chunkserver's host
  std::string meta_path;
  MSGPACK_DEFINE(code, detail, data_path, meta_path);
};

}  // namespace bucket::messages

MSGPACK_ADD_ENUM(bucket::messages::ApplyKind);
