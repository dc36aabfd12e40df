#include "client/monitor/monitor_format.h"

#include <ctime>

#include "config/units.h"

namespace bucket::client {
namespace {

void WriteLoad(JsonWriter& json, const messages::NodeLoad& load) {
  json.BeginObject()
      .Field("capacity_bytes", load.capacity_bytes)
      .Field("used_bytes", load.used_bytes)
      .Field("free_bytes", load.free_bytes)
      .Field("chunks", load.chunk_count)
      .Field("read_ops", load.read_ops)
      .Field("write_ops", load.write_ops)
      .Field("read_bytes", load.read_bytes)
      .Field("write_bytes", load.write_bytes)
      .Field("failed_disks", load.failed_disks)
      .EndObject();
}

void WriteAddress(JsonWriter& json, const messages::NodeAddress& address) {
  json.Field("id", address.node_id)
      .Field("rack", address.rack)
      .Field("rpc", address.rpc_endpoint)
      .Field("data", address.data_endpoint);
}

}  // namespace

std::string ClockTime(std::uint64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[16];
  std::strftime(text, sizeof(text), "%H:%M:%S", &local);
  return text;
}

void WriteJson(JsonWriter& json, const messages::ClusterState& state) {
  json.Field("unix_ms", state.unix_ms);
  json.Key("master").BeginObject()
      .Field("id", state.master.master_id)
      .Field("rpc", state.master.rpc_endpoint)
      .Field("uptime_ms", state.master.uptime_ms)
      .Field("safe_mode", state.master.safe_mode)
      .Field("files", state.master.files)
      .Field("directories", state.master.directories)
      .Field("chunks", state.master.chunks)
      .Field("oplog_bytes", state.master.oplog_bytes)
      .Field("last_checkpoint_unix_ms", state.master.last_checkpoint_unix_ms)
      .EndObject();
  json.Key("chunkservers").BeginArray();
  for (const auto& cs : state.chunkservers) {
    json.BeginObject();
    WriteAddress(json, cs.address);
    json.Field("state", std::string(messages::NodeStateName(cs.state)));
    json.Field("heartbeat_age_ms", cs.heartbeat_age_ms);
    json.Key("load");
    WriteLoad(json, cs.load);
    json.Field("read_ops_per_s", cs.read_ops_per_s)
        .Field("write_ops_per_s", cs.write_ops_per_s)
        .Field("read_bytes_per_s", cs.read_bytes_per_s)
        .Field("write_bytes_per_s", cs.write_bytes_per_s);
    json.EndObject();
  }
  json.EndArray();
  const auto& h = state.health;
  json.Key("health").BeginObject()
      .Field("under_replicated", h.under_replicated)
      .Field("being_repaired", h.being_repaired)
      .Field("corrupt", h.corrupt)
      .Field("stale", h.stale)
      .Field("orphaned", h.orphaned)
      .Field("pending_deletion", h.pending_deletion)
      .Field("lost", h.lost)
      .EndObject();
}

void WriteJson(JsonWriter& json, const messages::ClusterEvent& event) {
  json.Field("unix_ms", event.unix_ms)
      .Field("type", event.type)
      .Field("node", event.node_id)
      .Field("chunk", event.chunk)
      .Field("detail", event.detail);
}

void WriteJson(JsonWriter& json, const messages::Heartbeat& heartbeat) {
  WriteAddress(json, heartbeat.address);
  json.Field("incarnation", heartbeat.incarnation).Field("sequence", heartbeat.sequence);
  json.Key("load");
  WriteLoad(json, heartbeat.load);
}

std::string PublishedAsJson(const std::string& topic, std::uint64_t sequence,
                            const messages::Message& message) {
  JsonWriter json;
  json.BeginObject().Field("topic", topic).Field("seq", sequence);
  bool known = true;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, messages::ClusterState> ||
                      std::is_same_v<T, messages::ClusterEvent> ||
                      std::is_same_v<T, messages::Heartbeat>) {
          WriteJson(json, m);
        } else {
          known = false;
        }
      },
      message);
  json.EndObject();
  return known ? json.Take() : std::string();
}

std::string PublishedAsLine(const messages::Message& message, std::uint64_t now_unix_ms) {
  if (const auto* event = std::get_if<messages::ClusterEvent>(&message)) {
    char text[512];
    std::snprintf(text, sizeof(text), "%s event      %-10s %-16s %s",
                  ClockTime(event->unix_ms).c_str(), event->type.c_str(), event->node_id.c_str(),
                  event->detail.c_str());
    return text;
  }
  if (const auto* state = std::get_if<messages::ClusterState>(&message)) {
    std::size_t counts[5] = {};
    for (const auto& cs : state->chunkservers) {
      const auto index = static_cast<std::size_t>(cs.state);
      if (index < 5) ++counts[index];
    }
    char text[512];
    std::snprintf(text, sizeof(text),
                  "%s state      master %s up %llus%s; chunkservers %zu up, %zu suspect, %zu dead; "
                  "%llu files, %llu chunks",
                  ClockTime(state->unix_ms).c_str(), state->master.master_id.c_str(),
                  static_cast<unsigned long long>(state->master.uptime_ms / 1000),
                  state->master.safe_mode ? " (safe mode)" : "", counts[0], counts[1], counts[2],
                  static_cast<unsigned long long>(state->master.files),
                  static_cast<unsigned long long>(state->master.chunks));
    return text;
  }
  if (const auto* hb = std::get_if<messages::Heartbeat>(&message)) {
    char text[512];
    std::snprintf(text, sizeof(text), "%s heartbeat  %-16s used %s free %s, %llu chunks",
                  ClockTime(now_unix_ms).c_str(),
                  hb->address.node_id.c_str(), config::FormatSize(hb->load.used_bytes).c_str(),
                  config::FormatSize(hb->load.free_bytes).c_str(),
                  static_cast<unsigned long long>(hb->load.chunk_count));
    return text;
  }
  return "";
}

}  // namespace bucket::client
