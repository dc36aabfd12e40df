#include "actors/master/master_actor.h"

namespace bucket::master {
namespace {

using messages::Message;

enum Timer : actors::TimerId {
  kPublishState = 1,
  kCheckLiveness = 2,
};

}  // namespace

MasterActor::MasterActor(const config::MasterConfig& config, std::string rpc_endpoint,
                         std::shared_ptr<spdlog::logger> log)
    : config_(config),
      rpc_endpoint_(std::move(rpc_endpoint)),
      log_(std::move(log)),
      chunkservers_(Millis(config.suspect_after_ms), Millis(config.dead_after_ms)) {}

void MasterActor::Start(actors::Context& ctx) {
  started_at_ = ctx.now();
  log_->info("{} started; rpc {}", config_.node_id, rpc_endpoint_);
  PublishState(ctx);
  ctx.SetTimer(kPublishState, Millis(config_.heartbeat_interval_ms));
  // Check often enough that a silent node is declared within a tenth of the timeouts.
  ctx.SetTimer(kCheckLiveness, Millis(std::max<std::int64_t>(10, config_.suspect_after_ms / 10)));
}

void MasterActor::Handle(const actors::Inbound& in, actors::Context& ctx) {
  std::visit(
      [&](const auto& message) {
        using T = std::decay_t<decltype(message)>;
        if constexpr (std::is_same_v<T, messages::RegisterRequest>) {
          OnRegister(in, message, ctx);
        } else if constexpr (std::is_same_v<T, messages::Heartbeat>) {
          OnHeartbeat(message, ctx);
        } else if constexpr (std::is_same_v<T, messages::ClusterStatusRequest>) {
          ctx.Reply(in, messages::ClusterStatusResponse{BuildState(ctx)});
        } else if constexpr (std::is_same_v<T, messages::Ping>) {
          ctx.Reply(in, messages::Pong{message.token, config_.node_id});
        } else if (in.socket == actors::Socket::kRouter) {
          ctx.Reply(in, messages::ErrorResponse{
                            Code::kUnsupported,
                            "the master does not serve " + messages::KindName(T::kKind)});
        } else {
          log_->warn("{} ignored an unexpected {} from '{}'", config_.node_id,
                     messages::KindName(T::kKind), in.peer);
        }
      },
      in.message);
}

void MasterActor::OnTimer(actors::TimerId id, actors::Context& ctx) {
  switch (id) {
    case kPublishState:
      PublishState(ctx);
      ctx.SetTimer(kPublishState, Millis(config_.heartbeat_interval_ms));
      break;
    case kCheckLiveness:
      OnCheckLiveness(ctx);
      ctx.SetTimer(kCheckLiveness,
                   Millis(std::max<std::int64_t>(10, config_.suspect_after_ms / 10)));
      break;
    default:
      log_->error("{} fired unknown timer {}", config_.node_id, id);
  }
}

void MasterActor::OnRegister(const actors::Inbound& in, const messages::RegisterRequest& request,
                             actors::Context& ctx) {
  const StateChange change = chunkservers_.Register(request, ctx.now());
  log_->info("{} chunkserver {} {} ({})", config_.node_id, change.node_id, change.type,
             change.detail);
  messages::RegisterResponse response;
  response.heartbeat_interval_ms = static_cast<std::uint32_t>(config_.heartbeat_interval_ms);
  ctx.Reply(in, response);
  if (change.type != "reregistered") PublishEvent(change, ctx);
}

void MasterActor::OnHeartbeat(const messages::Heartbeat& heartbeat, actors::Context& ctx) {
  std::optional<StateChange> change;
  if (!chunkservers_.OnHeartbeat(heartbeat, ctx.now(), &change)) {
    // Unknown to us (we restarted) or declared dead: it must re-register so that
    // its chunk report is fresh. Sent by routing id over our ROUTER.
    log_->info("{} heartbeat from unregistered {}: asking it to register",
               config_.node_id, heartbeat.address.node_id);
    ctx.SendToPeer(heartbeat.address.node_id, 0,
                   messages::ReregisterCommand{"the master does not know this incarnation"});
    return;
  }
  if (change) {
    log_->info("{} chunkserver {} {} ({})", config_.node_id, change->node_id, change->type,
               change->detail);
    PublishEvent(*change, ctx);
  }
  ctx.Publish(messages::kTopicHeartbeat + heartbeat.address.node_id, ++heartbeat_sequence_,
              heartbeat);
}

void MasterActor::OnCheckLiveness(actors::Context& ctx) {
  for (const StateChange& change : chunkservers_.CheckLiveness(ctx.now())) {
    if (change.type == "dead") {
      log_->warn("{} chunkserver {} is dead ({})", config_.node_id, change.node_id, change.detail);
    } else {
      log_->info("{} chunkserver {} is {} ({})", config_.node_id, change.node_id, change.type,
                 change.detail);
    }
    PublishEvent(change, ctx);
  }
}

messages::ClusterState MasterActor::BuildState(actors::Context& ctx) const {
  messages::ClusterState state;
  state.unix_ms = static_cast<std::uint64_t>(ctx.unix_ms());
  state.master.master_id = config_.node_id;
  state.master.rpc_endpoint = rpc_endpoint_;
  state.master.uptime_ms = static_cast<std::uint64_t>((ctx.now() - started_at_).count());
  state.chunkservers = chunkservers_.Snapshot(ctx.now());
  return state;
}

void MasterActor::PublishState(actors::Context& ctx) {
  ctx.Publish(messages::kTopicState, ++state_sequence_, BuildState(ctx));
}

void MasterActor::PublishEvent(const StateChange& change, actors::Context& ctx) {
  messages::ClusterEvent event;
  event.unix_ms = static_cast<std::uint64_t>(ctx.unix_ms());
  event.type = change.type;
  event.node_id = change.node_id;
  event.detail = change.detail;
  ctx.Publish(messages::kTopicEvent + change.type, ++event_sequence_, std::move(event));
}

}  // namespace bucket::master
