#include "config/load_config.h"

#include <limits>

#include "config/toml_reader.h"

namespace bucket::config {
namespace {

constexpr std::int64_t kDayMs = 86400000;

void ReadLog(TomlReader& reader, LogConfig* log) {
  reader.String("log.level", &log->level);
  reader.String("log.file", &log->file);
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  for (const char* level : kLevels) {
    if (log->level == level) return;
  }
  reader.Fail("log.level", "'" + log->level +
                               "' is not one of trace, debug, info, warn, error, critical, off");
}

// Endpoints are ZeroMQ addresses: tcp://HOST:PORT (or ipc://, inproc:// for tests).
void ReadSecurity(TomlReader& reader, SecurityConfig* security) {
  reader.Bool("security.curve", &security->curve);
  reader.String("security.server_public_key", &security->server_public_key);
  reader.String("security.server_secret_key", &security->server_secret_key);
  reader.String("security.public_key", &security->public_key);
  reader.String("security.secret_key", &security->secret_key);
  reader.String("security.allow_list", &security->allow_list);
}

void ReadEndpoint(TomlReader& reader, std::string_view key, std::string* out) {
  reader.String(key, out);
  if (!reader.Has(key)) return;
  const bool tcp = out->rfind("tcp://", 0) == 0;
  const bool other = out->rfind("ipc://", 0) == 0 || out->rfind("inproc://", 0) == 0;
  if (!tcp && !other) {
    reader.Fail(key, "'" + *out + "' is not an endpoint like \"tcp://127.0.0.1:7700\"");
    return;
  }
  if (tcp) {
    const auto colon = out->find_last_of(':');
    const std::string port = colon == std::string::npos ? "" : out->substr(colon + 1);
    const bool numeric = !port.empty() && port.find_first_not_of("0123456789") == port.npos;
    if (colon < 6 || (!numeric && port != "*")) {
      reader.Fail(key, "'" + *out + "' has no port (write \"tcp://HOST:PORT\")");
    }
  }
}

void ReadNodeId(TomlReader& reader, std::string_view key, std::string* out) {
  reader.String(key, out);
  if (out->empty() || out->size() > 128 ||
      out->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
          std::string::npos) {
    reader.Fail(key, "'" + *out + "' must be 1-128 letters, digits, '-', '_' or '.'");
  }
}

void ReadHeartbeats(TomlReader& reader, std::int64_t* interval_ms) {
  reader.Duration("heartbeat.interval", interval_ms, 10, 60000);
}

template <typename Config>
Result<Config> Finish(TomlReader& reader, Config config) {
  Status status = reader.Finish();
  if (!status.ok()) return status;
  return config;
}

Result<MasterConfig> ReadMaster(TomlReader reader) {
  MasterConfig c;
  ReadNodeId(reader, "node.id", &c.node_id);
  reader.String("node.data_dir", &c.data_dir);
  ReadEndpoint(reader, "network.rpc", &c.rpc_bind);
  ReadEndpoint(reader, "network.heartbeat", &c.heartbeat_bind);
  ReadEndpoint(reader, "network.events", &c.events_bind);
  reader.String("network.advertise_host", &c.advertise_host);
  reader.Int("network.events_queue", &c.events_queue, 1, 1000000);
  ReadHeartbeats(reader, &c.heartbeat_interval_ms);
  reader.Duration("heartbeat.suspect_after", &c.suspect_after_ms, 10, kDayMs);
  reader.Duration("heartbeat.dead_after", &c.dead_after_ms, 10, kDayMs);
  reader.Duration("lease.duration", &c.lease_duration_ms, 100, 3600000);
  reader.Duration("trash.grace", &c.trash_grace_ms, 0, 365 * kDayMs);
  reader.Size("oplog.segment_size", &c.oplog_segment_bytes, 64 << 10, 1ull << 34);
  reader.Int("oplog.checkpoint_every", &c.checkpoint_every_records, 1, 1ll << 40);
  reader.Int("safe_mode.min_chunkservers", &c.safe_mode_min_chunkservers, 0, 100000);
  reader.Double("safe_mode.threshold", &c.safe_mode_threshold, 0.0, 1.0);
  reader.Duration("safe_mode.extension", &c.safe_mode_extension_ms, 0, kDayMs);
  reader.Duration("reports.interval", &c.report_interval_ms, 100, kDayMs);
  reader.Duration("retry_cache.window", &c.retry_cache_window_ms, 1000, kDayMs);
  reader.Duration("repair.delay", &c.repair_delay_ms, 0, 7 * kDayMs);
  reader.Int("repair.per_node", &c.repairs_per_node, 1, 1000);
  reader.Int("repair.max_in_flight", &c.repairs_max, 1, 100000);
  reader.Size("repair.rate", &c.repair_rate_bytes, 1 << 20, 1ull << 40);
  reader.Duration("repair.interval", &c.repair_interval_ms, 10, kDayMs);
  reader.Bool("rebalance.enabled", &c.rebalance);
  reader.Double("rebalance.threshold", &c.rebalance_threshold, 0.001, 1.0);
  reader.Int("rebalance.max_in_flight", &c.rebalance_moves_max, 1, 10000);
  reader.Duration("rebalance.interval", &c.rebalance_interval_ms, 10, kDayMs);
  reader.Int("gc.deletes_per_report", &c.deletes_per_report_max, 1, 1000000);
  reader.Int("namespace.replication", &c.default_replication, 1, 16);
  reader.Size("namespace.chunk_size", &c.default_chunk_size_bytes, 64 << 10, 1ull << 30);
  reader.Size("limits.max_message", &c.max_message_bytes, 1 << 20, 1ull << 30);
  ReadLog(reader, &c.log);
  ReadSecurity(reader, &c.security);
  if (c.default_chunk_size_bytes % (64 << 10) != 0) {
    reader.Fail("namespace.chunk_size", "must be a multiple of 64KiB (the checksum block)");
  }
  if (c.data_dir.empty()) reader.Fail("node.data_dir", "must not be empty");
  if (c.suspect_after_ms < c.heartbeat_interval_ms) {
    reader.Fail("heartbeat.suspect_after", "must be at least heartbeat.interval");
  }
  if (c.dead_after_ms <= c.suspect_after_ms) {
    reader.Fail("heartbeat.dead_after", "must be longer than heartbeat.suspect_after");
  }
  return Finish(reader, std::move(c));
}

Result<ChunkserverConfig> ReadChunkserver(TomlReader reader) {
  ChunkserverConfig c;
  ReadNodeId(reader, "node.id", &c.node_id);
  reader.String("node.rack", &c.rack);
  reader.StringList("node.data_dirs", &c.data_dirs);
  reader.Size("node.capacity", &c.capacity_bytes, 0, 1ull << 60);
  reader.Size("node.recycle", &c.recycle_bytes, 0, 1ull << 50);
  ReadEndpoint(reader, "network.rpc", &c.rpc_bind);
  ReadEndpoint(reader, "network.data", &c.data_bind);
  reader.String("network.advertise_host", &c.advertise_host);
  reader.String("network.source_host", &c.source_host);
  ReadEndpoint(reader, "master.rpc", &c.master_rpc);
  ReadEndpoint(reader, "master.heartbeat", &c.master_heartbeat);
  ReadHeartbeats(reader, &c.heartbeat_interval_ms);
  reader.Duration("heartbeat.register_retry", &c.register_retry_ms, 10, 600000);
  reader.Size("data.buffer_memory", &c.buffer_memory_bytes, 1 << 20, 1ull << 40);
  reader.Duration("data.buffer_timeout", &c.buffer_timeout_ms, 100, kDayMs);
  reader.Duration("data.mutation_timeout", &c.mutation_timeout_ms, 10, kDayMs);
  reader.String("data.durability", &c.durability);
  reader.Size("scrub.rate", &c.scrub_rate_bytes, 0, 1ull << 40);
  reader.Duration("scrub.interval", &c.scrub_interval_ms, 10, kDayMs);
  reader.Size("limits.max_message", &c.max_message_bytes, 1 << 20, 1ull << 30);
  ReadLog(reader, &c.log);
  ReadSecurity(reader, &c.security);
  if (c.durability != "applied" && c.durability != "fsync") {
    reader.Fail("data.durability", "'" + c.durability + "' is not \"applied\" or \"fsync\"");
  }
  if (c.data_dirs.empty()) reader.Fail("node.data_dirs", "needs at least one folder");
  if (c.rack.empty()) reader.Fail("node.rack", "must not be empty");
  return Finish(reader, std::move(c));
}

Result<ClientConfig> ReadClient(TomlReader reader) {
  ClientConfig c;
  c.log.level = "warn";
  ReadEndpoint(reader, "master.rpc", &c.master_rpc);
  ReadEndpoint(reader, "master.events", &c.master_events);
  reader.String("client.id", &c.client_id);
  reader.Duration("client.request_timeout", &c.request_timeout_ms, 10, kDayMs);
  reader.Int("client.attempts", &c.request_attempts, 1, 100);
  reader.Bool("client.short_circuit_reads", &c.short_circuit_reads);
  reader.Size("limits.max_message", &c.max_message_bytes, 1 << 20, 1ull << 30);
  ReadLog(reader, &c.log);
  ReadSecurity(reader, &c.security);
  return Finish(reader, std::move(c));
}

Result<ClusterConfig> ReadCluster(TomlReader reader) {
  ClusterConfig c;
  reader.String("cluster.name", &c.name);
  reader.String("cluster.master", &c.master);
  reader.StringList("cluster.chunkservers", &c.chunkservers);
  reader.String("cluster.client", &c.client);
  return Finish(reader, std::move(c));
}

}  // namespace

Result<MasterConfig> LoadMasterConfig(const std::string& path) {
  return ReadMaster(TomlReader::FromFile(path));
}
Result<ChunkserverConfig> LoadChunkserverConfig(const std::string& path) {
  return ReadChunkserver(TomlReader::FromFile(path));
}
Result<ClientConfig> LoadClientConfig(const std::string& path) {
  return ReadClient(TomlReader::FromFile(path));
}
Result<ClusterConfig> LoadClusterConfig(const std::string& path) {
  return ReadCluster(TomlReader::FromFile(path));
}

Result<MasterConfig> ParseMasterConfig(std::string_view text, const std::string& source) {
  return ReadMaster(TomlReader::FromString(text, source));
}
Result<ChunkserverConfig> ParseChunkserverConfig(std::string_view text,
                                                 const std::string& source) {
  return ReadChunkserver(TomlReader::FromString(text, source));
}
Result<ClientConfig> ParseClientConfig(std::string_view text, const std::string& source) {
  return ReadClient(TomlReader::FromString(text, source));
}
Result<ClusterConfig> ParseClusterConfig(std::string_view text, const std::string& source) {
  return ReadCluster(TomlReader::FromString(text, source));
}

}  // namespace bucket::config
