#include "test/sim/sim_cluster.h"

#include "actors/chunkserver/open_chunkserver.h"
#include "actors/master/open_master.h"
#include "actors/core/check.h"
#include "test/support/null_log.h"

#include <spdlog/sinks/stdout_sinks.h>

namespace bucket::testing {

using actors::Millis;
namespace msg = messages;

namespace {
const std::string kMasterRpc = "inproc://master/rpc";
const std::string kMasterHeartbeat = "inproc://master/hb";
const std::string kMasterEvents = "inproc://master/events";
}  // namespace

SimCluster::SimCluster(std::uint64_t seed, SimClusterOptions options)
    : options_(std::move(options)), net_(seed, options_.faults) {
  master_config_.data_dir = "/master";
  master_config_.heartbeat_interval_ms = 100;
  master_config_.suspect_after_ms = 300;
  master_config_.dead_after_ms = 1000;
  master_config_.lease_duration_ms = options_.lease_ms;
  master_config_.trash_grace_ms = options_.trash_grace_ms;
  master_config_.default_chunk_size_bytes = options_.chunk_size;
  master_config_.default_replication = options_.replication;
  master_config_.report_interval_ms = 1000;
  master_config_.safe_mode_min_chunkservers = 1;
  master_config_.repair_delay_ms = options_.repair_delay_ms;
  master_config_.repairs_max = options_.repairs_max;
  master_config_.repair_rate_bytes = 64ull << 20;
  master_config_.rebalance = options_.rebalance;
  master_config_.rebalance_threshold = options_.rebalance_threshold;
  master_config_.rebalance_interval_ms = 1000;
  disks_["master"] = std::make_unique<storage::MemFileSystem>();
  AddMaster(false);
  for (int i = 1; i <= options_.chunkservers; ++i) AddChunkserver();
  config::ClientConfig client_config;
  client_config.master_rpc = kMasterRpc;
  client_config.request_timeout_ms = options_.request_timeout_ms;
  client_config.request_attempts = 3;
  for (int c = 1; c <= options_.clients; ++c) {
    actors::SocketPlan plan;
    plan.node_id = ClientId(c);
    auto rpc = std::make_unique<client::RpcActor>();
    ClientNode node;
    node.rpc = rpc.get();
    client::FileClientOptions file_options;
    file_options.piece_bytes = 64 << 10;  // several pieces per mutation, even in small tests
    file_options.mutation_bytes = 256 << 10;
    file_options.read_bytes = 256 << 10;
    file_options.write_window = options_.write_window;
    node.files = std::make_unique<client::FileClient>(node.rpc, client_config, ClientId(c),
                                                      file_options);
    clients_[c] = std::move(node);
    net_.AddNode(plan, std::move(rpc));
  }
}

SimCluster::~SimCluster() = default;

master::MasterActor& SimCluster::master() {
  return *static_cast<master::MasterActor*>(net_.ActorOf("master"));
}

chunkserver::ChunkserverActor& SimCluster::chunkserver(int i) {
  return *static_cast<chunkserver::ChunkserverActor*>(net_.ActorOf(ChunkserverId(i)));
}

void SimCluster::AddMaster(bool restart) {
  auto actor = master::OpenMaster(master_config_, kMasterRpc, disks_["master"].get(), {},
                                  NodeLog());
  BUCKET_CHECK(actor.ok());
  if (restart) {
    net_.Restart("master", std::move(*actor));
    return;
  }
  actors::SocketPlan plan;
  plan.node_id = "master";
  plan.router_bind = kMasterRpc;
  plan.sub_bind = kMasterHeartbeat;
  plan.pub_bind = kMasterEvents;
  net_.AddNode(plan, std::move(*actor));
}

config::ChunkserverConfig SimCluster::ChunkserverConfig(int i) const {
  config::ChunkserverConfig c;
  c.node_id = ChunkserverId(i);
  c.rack = "rack-" + std::to_string(i % options_.racks);
  c.data_dirs = {"/data"};
  c.master_rpc = kMasterRpc;
  c.master_heartbeat = kMasterHeartbeat;
  c.heartbeat_interval_ms = 100;
  c.register_retry_ms = 200;
  c.buffer_memory_bytes = options_.buffer_memory;
  c.buffer_timeout_ms = 5000;
  c.mutation_timeout_ms = options_.mutation_timeout_ms;
  c.durability = options_.durability;
  c.scrub_rate_bytes = options_.scrub_rate;
  c.scrub_interval_ms = 500;
  return c;
}

msg::NodeAddress SimCluster::ChunkserverAddress(int i) const {
  const std::string id = ChunkserverId(i);
  return {id, "rack-" + std::to_string(i % options_.racks), "inproc://" + id + "/rpc",
          "inproc://" + id + "/data"};
}

void SimCluster::AddChunkserver(int i, bool restart) {
  const std::string id = ChunkserverId(i);
  auto actor = chunkserver::OpenChunkserver(ChunkserverConfig(i), ChunkserverAddress(i),
                                            disks_[id].get(), 1000 + i + 100 * restarts_++,
                                            NodeLog());
  BUCKET_CHECK(actor.ok());
  if (restart) {
    net_.Restart(id, std::move(*actor));
    return;
  }
  actors::SocketPlan plan;
  plan.node_id = id;
  plan.router_bind = ChunkserverAddress(i).rpc_endpoint;
  plan.pull_bind = ChunkserverAddress(i).data_endpoint;
  plan.pub_connect = {kMasterHeartbeat};
  net_.AddNode(plan, std::move(*actor));
}

bool SimCluster::WaitReady(Millis limit) {
  return net_.RunUntil(
      [&] {
        if (!net_.IsUp("master") || master().safe_mode()) return false;
        for (int i = 1; i <= chunkserver_count_; ++i) {
          if (!net_.IsUp(ChunkserverId(i))) continue;
          const auto* info = master().chunkservers().Find(ChunkserverId(i));
          if (info == nullptr || info->state != msg::NodeState::kUp) return false;
        }
        return true;
      },
      limit);
}

template <typename T>
T SimCluster::RunUntilSet(std::shared_ptr<std::optional<T>> slot, Millis limit) {
  if (!net_.RunUntil([&] { return slot->has_value(); }, limit)) {
    return T(Status::Timeout("the simulated operation did not finish"));
  }
  return std::move(**slot);
}

Status SimCluster::Call(msg::Message request, int client) {
  return RunUntilSet(StartCall(std::move(request), client), Millis(30000));
}

std::shared_ptr<std::optional<Status>> SimCluster::StartCall(msg::Message request, int client) {
  auto slot = std::make_shared<std::optional<Status>>();
  net_.Post(ClientId(client), [this, slot, request, client](actors::Context& ctx) {
    clients_.at(client).rpc->Call(
        ctx, kMasterRpc, request, {}, Millis(2000),
        [slot](Result<client::Reply> reply, actors::Context&) {
          if (!reply.ok()) {
            *slot = reply.status();
          } else if (const auto* r = std::get_if<msg::NamespaceResponse>(&reply->message)) {
            *slot = r->ToStatus();
          } else {
            *slot = Status::Ok();
          }
        },
        3);
  });
  return slot;
}

Result<msg::StatResponse> SimCluster::Stat(const std::string& path, int client) {
  auto slot = std::make_shared<std::optional<Result<msg::StatResponse>>>();
  net_.Post(ClientId(client), [&, slot, path](actors::Context& ctx) {
    clients_.at(client).rpc->Call(ctx, kMasterRpc, msg::StatRequest{path, true}, {}, Millis(2000),
                                  [slot](Result<client::Reply> reply, actors::Context&) {
                                    if (!reply.ok()) {
                                      *slot = reply.status();
                                      return;
                                    }
                                    auto r = std::get<msg::StatResponse>(reply->message);
                                    if (r.code != Code::kOk) {
                                      *slot = Status(r.code, r.detail);
                                    } else {
                                      *slot = std::move(r);
                                    }
                                  },
                                  3);
  });
  return RunUntilSet(slot, Millis(30000));
}

std::shared_ptr<std::optional<Status>> SimCluster::StartWrite(const std::string& path,
                                                              std::uint64_t offset,
                                                              std::string data, int client) {
  auto slot = std::make_shared<std::optional<Status>>();
  Payload payload = Payload::FromString(std::move(data));
  net_.Post(ClientId(client), [this, slot, path, offset, payload, client](actors::Context& ctx) {
    clients_.at(client).files->Write(ctx, path, offset, payload,
                                     [slot](const Status& s, actors::Context&) { *slot = s; });
  });
  return slot;
}

Status SimCluster::Write(const std::string& path, std::uint64_t offset, std::string data,
                         int client, Millis limit) {
  return RunUntilSet(StartWrite(path, offset, std::move(data), client), limit);
}

Result<std::string> SimCluster::Read(const std::string& path, std::uint64_t offset,
                                     std::uint64_t length, int client, Millis limit) {
  auto slot = std::make_shared<std::optional<Result<std::string>>>();
  net_.Post(ClientId(client), [this, slot, path, offset, length, client](actors::Context& ctx) {
    clients_.at(client).files->Read(
        ctx, path, offset, length,
        [slot](Result<std::vector<Payload>> pieces, actors::Context&) {
          if (!pieces.ok()) {
            *slot = pieces.status();
            return;
          }
          std::string joined;
          for (const auto& p : *pieces) joined.append(p.view());
          *slot = std::move(joined);
        });
  });
  return RunUntilSet(slot, limit);
}

std::shared_ptr<std::optional<Result<std::uint64_t>>> SimCluster::StartAppend(
    const std::string& path, std::string data, int client) {
  auto slot = std::make_shared<std::optional<Result<std::uint64_t>>>();
  Payload payload = Payload::FromString(std::move(data));
  net_.Post(ClientId(client), [this, slot, path, payload, client](actors::Context& ctx) {
    clients_.at(client).files->Append(
        ctx, path, payload,
        [slot](Result<std::uint64_t> r, actors::Context&) { *slot = std::move(r); });
  });
  return slot;
}

Result<std::uint64_t> SimCluster::Append(const std::string& path, std::string data, int client,
                                         Millis limit) {
  return RunUntilSet(StartAppend(path, std::move(data), client), limit);
}

void SimCluster::CrashChunkserver(int i, bool lose_unsynced) {
  net_.Crash(ChunkserverId(i));
  if (lose_unsynced) disks_[ChunkserverId(i)]->Crash();
}

void SimCluster::RestartChunkserver(int i) { AddChunkserver(i, true); }

void SimCluster::CrashMaster(bool lose_unsynced) {
  net_.Crash("master");
  if (lose_unsynced) disks_["master"]->Crash();
}

void SimCluster::RestartMaster() { AddMaster(true); }

std::shared_ptr<spdlog::logger> SimCluster::NodeLog() {
  if (!options_.node_logs) return NullLog();
  // The simulated time leads each line, as in the trace.
  auto log = std::make_shared<spdlog::logger>("sim", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  log->set_level(spdlog::level::debug);
  log->set_pattern("%v");
  return log;
}

int SimCluster::AddChunkserver() {
  const int i = ++chunkserver_count_;
  disks_[ChunkserverId(i)] = std::make_unique<storage::MemFileSystem>(options_.disk_bytes);
  AddChunkserver(i, false);
  return i;
}

std::vector<std::string> SimCluster::LiveReplicaIds(std::uint64_t handle) {
  std::vector<std::string> ids;
  const auto* chunk = master().state().chunks().Find(handle);
  if (chunk == nullptr) return ids;
  for (const auto& r : chunk->replicas) {
    const auto* node = master().chunkservers().ByIndex(r.node);
    if (r.version == chunk->version && node != nullptr && node->live()) {
      ids.push_back(node->address.node_id);
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string SimCluster::ChunkFile(std::uint64_t handle) {
  char name[64];
  std::snprintf(name, sizeof(name), "/data/chunks/%016llx.chunk",
                static_cast<unsigned long long>(handle));
  return name;
}

Result<std::string> SimCluster::ReplicaBytes(int i, std::uint64_t handle) {
  auto& store = const_cast<chunkserver::ChunkStore&>(chunkserver(i).store());
  const auto* chunk = store.Find(handle);
  if (chunk == nullptr) return Status::NotFound("no replica");
  if (chunk->length == 0) return std::string();
  auto bytes = store.Read(handle, 0, chunk->length);
  if (!bytes.ok()) return bytes.status();
  return std::string(bytes->view());
}

}  // namespace bucket::testing
