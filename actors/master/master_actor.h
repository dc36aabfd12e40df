// MasterActor: the one source of truth for the cluster's membership (and, as
// later parts land, its namespace and chunk metadata).
//
// Inputs: registrations and status requests on the ROUTER, chunkserver
// heartbeats on the SUB, timers. Outputs: replies, ReregisterCommands to
// chunkservers by routing id, and on the events PUB the cluster state every
// heartbeat interval plus an event for every change (joined, suspect, dead,
// back, restarted). Pure logic on the Context: no socket, clock or thread.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "actors/core/actor.h"
#include "actors/master/chunkserver_table.h"
#include "config/master_config.h"

namespace bucket::master {

class MasterActor : public actors::Actor {
 public:
  // `rpc_endpoint` is the advertised address of the master's ROUTER.
  MasterActor(const config::MasterConfig& config, std::string rpc_endpoint,
              std::shared_ptr<spdlog::logger> log);

  void Start(actors::Context& ctx) override;
  void Handle(const actors::Inbound& in, actors::Context& ctx) override;
  void OnTimer(actors::TimerId id, actors::Context& ctx) override;

  const ChunkserverTable& chunkservers() const { return chunkservers_; }

 private:
  void OnRegister(const actors::Inbound& in, const messages::RegisterRequest& request,
                  actors::Context& ctx);
  void OnHeartbeat(const messages::Heartbeat& heartbeat, actors::Context& ctx);
  void OnCheckLiveness(actors::Context& ctx);

  messages::ClusterState BuildState(actors::Context& ctx) const;
  void PublishState(actors::Context& ctx);
  void PublishEvent(const StateChange& change, actors::Context& ctx);

  config::MasterConfig config_;
  std::string rpc_endpoint_;
  std::shared_ptr<spdlog::logger> log_;
  ChunkserverTable chunkservers_;
  actors::Millis started_at_{0};
  std::uint64_t state_sequence_ = 0;
  std::uint64_t event_sequence_ = 0;
  std::uint64_t heartbeat_sequence_ = 0;
};

}  // namespace bucket::master
