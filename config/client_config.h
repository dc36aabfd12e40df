// ClientConfig: what a client program (bucket, bucket-monitor, libbucket users)
// needs to find and talk to a cluster. The reference is examples/client.toml.
#pragma once

#include <cstdint>
#include <string>

#include "config/log_config.h"
#include "config/security_config.h"

namespace bucket::config {

struct ClientConfig {
  // [master]
  std::string master_rpc = "tcp://127.0.0.1:7700";
  std::string master_events = "tcp://127.0.0.1:7702";

  // [client]
  std::string client_id;                 // empty: a fresh random id per process
  std::int64_t request_timeout_ms = 10000;
  std::int64_t request_attempts = 3;     // a timed-out request is resent (same id) this often
  // A replica on this host is read from its files, not through its chunkserver
  // (client/local_replica_reader.h); needs read access to the chunkservers' data folders.
  bool short_circuit_reads = true;
  std::uint64_t max_message_bytes = 80ull << 20;

  LogConfig log;  // default level "warn" is set by the loader for clients
  SecurityConfig security;
};

}  // namespace bucket::config
