#include "actors/chunkserver/chunkserver_actor.h"

#include "messages/events.h"

namespace bucket::chunkserver {
namespace {

using actors::Millis;

enum Timer : actors::TimerId {
  kRegisterRetry = 1,
  kHeartbeat = 2,
};

}  // namespace

ChunkserverActor::ChunkserverActor(const config::ChunkserverConfig& config,
                                   messages::NodeAddress address, storage::FileSystem* fs,
                                   std::uint64_t seed, std::shared_ptr<spdlog::logger> log)
    : config_(config),
      address_(std::move(address)),
      fs_(fs),
      log_(std::move(log)),
      incarnation_(std::mt19937_64(seed)()),
      heartbeat_interval_ms_(config.heartbeat_interval_ms) {}

void ChunkserverActor::Start(actors::Context& ctx) {
  log_->info("{} started; rpc {} data {} rack {}", address_.node_id, address_.rpc_endpoint,
             address_.data_endpoint, address_.rack);
  SendRegistration(ctx);
}

void ChunkserverActor::Handle(const actors::Inbound& in, actors::Context& ctx) {
  if (const auto* response = std::get_if<messages::RegisterResponse>(&in.message)) {
    if (in.header.request_id == register_request_id_) OnRegistered(*response, ctx);
    return;
  }
  if (const auto* error = std::get_if<messages::ErrorResponse>(&in.message)) {
    log_->warn("{} error from {}: {}", address_.node_id, in.peer, error->ToStatus().ToString());
    return;
  }
  if (std::holds_alternative<messages::ReregisterCommand>(in.message)) {
    log_->info("{} the master asked us to register again: {}", address_.node_id,
               std::get<messages::ReregisterCommand>(in.message).reason);
    if (registered_) {
      registered_ = false;
      ctx.CancelTimer(kHeartbeat);
      SendRegistration(ctx);
    }
    return;
  }
  if (const auto* ping = std::get_if<messages::Ping>(&in.message)) {
    ctx.Reply(in, messages::Pong{ping->token, address_.node_id}, in.payload);
    return;
  }
  if (in.socket == actors::Socket::kRouter) {
    ctx.Reply(in, messages::ErrorResponse{Code::kUnsupported,
                                          "a chunkserver does not serve " +
                                              messages::KindName(in.header.kind)});
  }
}

void ChunkserverActor::OnTimer(actors::TimerId id, actors::Context& ctx) {
  switch (id) {
    case kRegisterRetry:
      if (!registered_) {
        log_->warn("{} no answer from the master at {}; registering again", address_.node_id,
                   config_.master_rpc);
        SendRegistration(ctx);
      }
      break;
    case kHeartbeat:
      SendHeartbeat(ctx);
      ctx.SetTimer(kHeartbeat, Millis(heartbeat_interval_ms_));
      break;
    default:
      log_->error("{} fired unknown timer {}", address_.node_id, id);
  }
}

void ChunkserverActor::SendRegistration(actors::Context& ctx) {
  messages::RegisterRequest request;
  request.address = address_;
  request.load = CurrentLoad();
  request.incarnation = incarnation_;
  register_request_id_ = next_request_id_++;
  ctx.Request(config_.master_rpc, register_request_id_, std::move(request));
  ctx.SetTimer(kRegisterRetry, Millis(config_.register_retry_ms));
}

void ChunkserverActor::OnRegistered(const messages::RegisterResponse& response,
                                    actors::Context& ctx) {
  if (response.code != Code::kOk) {
    log_->error("{} registration refused: {}", address_.node_id,
                Status(response.code, response.detail).ToString());
    return;  // the retry timer tries again
  }
  ctx.CancelTimer(kRegisterRetry);
  if (registered_) return;  // a duplicate answer
  registered_ = true;
  if (response.heartbeat_interval_ms > 0) heartbeat_interval_ms_ = response.heartbeat_interval_ms;
  log_->info("{} registered with the master; heartbeat every {} ms", address_.node_id,
             heartbeat_interval_ms_);
  SendHeartbeat(ctx);
  ctx.SetTimer(kHeartbeat, Millis(heartbeat_interval_ms_));
}

void ChunkserverActor::SendHeartbeat(actors::Context& ctx) {
  messages::Heartbeat heartbeat;
  heartbeat.address = address_;
  heartbeat.load = CurrentLoad();
  heartbeat.incarnation = incarnation_;
  heartbeat.sequence = ++heartbeat_sequence_;
  ctx.Publish(messages::kTopicHeartbeat + address_.node_id, heartbeat.sequence,
              std::move(heartbeat));
}

messages::NodeLoad ChunkserverActor::CurrentLoad() const {
  messages::NodeLoad load;
  for (const auto& dir : config_.data_dirs) {
    auto usage = fs_->Usage(dir);
    if (!usage.ok()) {
      ++load.failed_disks;
      continue;
    }
    load.capacity_bytes += usage->capacity_bytes;
    load.free_bytes += usage->free_bytes;
  }
  load.used_bytes = load.capacity_bytes - load.free_bytes;
  return load;
}

}  // namespace bucket::chunkserver
