// ChunkserverConfig: every setting of bucket-chunkserver, with its default.
// The commented reference is examples/chunkserver.toml.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/log_config.h"
#include "config/security_config.h"

namespace bucket::config {

struct ChunkserverConfig {
  // [node]
  std::string node_id = "chunkserver-1";
  std::string rack = "default";
  std::vector<std::string> data_dirs = {"chunkserver-data"};  // one per disk
  std::uint64_t capacity_bytes = 0;  // at most this much for chunks; 0: the disks' size
  // Deleted chunks' files kept per data folder for new chunks to be written
  // over (no allocation); counted as free space; 0: none are kept.
  std::uint64_t recycle_bytes = 1ull << 30;

  // [network]
  std::string rpc_bind = "tcp://127.0.0.1:7710";   // ROUTER: reads, writes, clones
  std::string data_bind = "tcp://127.0.0.1:7711";  // PULL: pushed data
  std::string advertise_host;
  std::string source_host;  // connect to others from this address (multi-homed hosts)

  // [master]
  std::string master_rpc = "tcp://127.0.0.1:7700";
  std::string master_heartbeat = "tcp://127.0.0.1:7701";

  // [heartbeat]
  std::int64_t heartbeat_interval_ms = 1000;
  std::int64_t register_retry_ms = 1000;  // resend registration when unanswered this long

  // [data]: the replication pipeline.
  std::uint64_t buffer_memory_bytes = 256ull << 20;  // pushed data held at once, at most
  std::int64_t buffer_timeout_ms = 30000;            // idle pushed data is dropped after this
  std::int64_t mutation_timeout_ms = 10000;  // a primary waits this long for pushed data and
                                             // secondaries together (less if the client waits
                                             // less); a secondary half as long for data
  // What an acknowledged write means on disk: "applied" (written to the chunk file
  // on every replica, in the page cache: survives a process crash) or "fsync"
  // (also fdatasync'ed on every replica: survives a power cut).
  std::string durability = "applied";

  // [scrub]: verifies cold chunks' checksums in the background.
  std::uint64_t scrub_rate_bytes = 8ull << 20;  // bytes per second; 0 turns it off
  std::int64_t scrub_interval_ms = 1000;

  // [limits]
  std::uint64_t max_message_bytes = 80ull << 20;

  LogConfig log;
  SecurityConfig security;
};

}  // namespace bucket::config
