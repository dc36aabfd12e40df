// MasterConfig: every setting of bucket-master, with its default.
// The commented reference is examples/master.toml.
#pragma once

#include <cstdint>
#include <string>

#include "config/log_config.h"
#include "config/security_config.h"

namespace bucket::config {

struct MasterConfig {
  // [node]
  std::string node_id = "master";
  std::string data_dir = "master-data";  // operation log and checkpoints

  // [network]: endpoints to bind; others dial the advertised form.
  std::string rpc_bind = "tcp://127.0.0.1:7700";        // ROUTER: clients and chunkservers
  std::string heartbeat_bind = "tcp://127.0.0.1:7701";  // SUB: chunkserver heartbeats
  std::string events_bind = "tcp://127.0.0.1:7702";     // PUB: state and events
  std::string advertise_host;  // host others dial when bound to 0.0.0.0; default: this host's
  std::int64_t events_queue = 1000;  // messages held per slow subscriber before it loses them

  // [heartbeat]
  std::int64_t heartbeat_interval_ms = 1000;  // state published, and chunkservers' interval
  std::int64_t suspect_after_ms = 3000;       // silent this long: suspect
  std::int64_t dead_after_ms = 10000;         // silent this long: dead

  // [namespace]: defaults for new files; each file may set its own.
  std::int64_t default_replication = 3;
  std::uint64_t default_chunk_size_bytes = 64ull << 20;

  // [lease]
  std::int64_t lease_duration_ms = 60000;

  // [trash]
  std::int64_t trash_grace_ms = 86400000;  // undelete works this long after a delete

  // [oplog]
  std::uint64_t oplog_segment_bytes = 64ull << 20;  // roll to a new segment past this
  std::int64_t checkpoint_every_records = 100000;   // checkpoint after this many records

  // [safe_mode]: reads only until enough of the cluster has reported.
  std::int64_t safe_mode_min_chunkservers = 1;
  double safe_mode_threshold = 0.999;  // of chunks with a current replica reported
  std::int64_t safe_mode_extension_ms = 0;

  // [reports]
  std::int64_t report_interval_ms = 300000;  // chunkservers send a chunk report this often

  // [retry_cache]
  std::int64_t retry_cache_window_ms = 600000;

  // [repair]: re-replication of chunks below their replication factor.
  std::int64_t repair_delay_ms = 600000;  // after a replica is lost (HDFS waits ~10 min)
  std::int64_t repairs_per_node = 4;      // clones at once per chunkserver, as source or target
  std::int64_t repairs_max = 20;          // clones at once in the cluster
  std::uint64_t repair_rate_bytes = 64ull << 20;  // per clone, bytes per second
  std::int64_t repair_interval_ms = 1000;  // how often chunks are checked

  // [rebalance]
  bool rebalance = true;
  double rebalance_threshold = 0.10;  // move replicas while disk use differs by more
  std::int64_t rebalance_moves_max = 4;
  std::int64_t rebalance_interval_ms = 10000;

  // [gc]
  std::int64_t deletes_per_report_max = 1000;  // replica deletions ordered per report reply

  // [limits]
  std::uint64_t max_message_bytes = 80ull << 20;

  LogConfig log;
  SecurityConfig security;
};

}  // namespace bucket::config
