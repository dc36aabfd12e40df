// The master <-> chunkserver protocol: membership, liveness and chunk reports.
//
// Grammar:
//   CS:RegisterRequest ( M:RegisterResponse / M:ErrorResponse )   DEALER -> master ROUTER
//   CS:Heartbeat                                                  PUB -> master SUB, periodic
//   M:ReregisterCommand                                           master ROUTER -> CS DEALER,
//       sent when a heartbeat arrives from a chunkserver the master does not know
//       (the master restarted, or had declared it dead): the chunkserver registers again.
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
  MSGPACK_DEFINE(capacity_bytes, used_bytes, free_bytes, chunk_count, read_ops, write_ops,
                 read_bytes, write_bytes, failed_disks);
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
  MSGPACK_DEFINE(code, detail, heartbeat_interval_ms);
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

}  // namespace bucket::messages
