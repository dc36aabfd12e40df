// ChunkserverActor: a chunkserver's membership side: it registers with the
// master (retrying until answered), publishes a heartbeat every interval, and
// registers again whenever the master asks (the master restarted, or had
// declared it dead). The data path joins it in later parts.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include <spdlog/logger.h>

#include "actors/core/actor.h"
#include "actors/storage/file_system.h"
#include "config/chunkserver_config.h"
#include "messages/master_chunkserver.h"

namespace bucket::chunkserver {

class ChunkserverActor : public actors::Actor {
 public:
  // `address` holds the advertised endpoints. `fs` must outlive the actor.
  ChunkserverActor(const config::ChunkserverConfig& config, messages::NodeAddress address,
                   storage::FileSystem* fs, std::uint64_t seed,
                   std::shared_ptr<spdlog::logger> log);

  void Start(actors::Context& ctx) override;
  void Handle(const actors::Inbound& in, actors::Context& ctx) override;
  void OnTimer(actors::TimerId id, actors::Context& ctx) override;

  bool registered() const { return registered_; }

 private:
  void SendRegistration(actors::Context& ctx);
  void OnRegistered(const messages::RegisterResponse& response, actors::Context& ctx);
  void SendHeartbeat(actors::Context& ctx);
  messages::NodeLoad CurrentLoad() const;

  config::ChunkserverConfig config_;
  messages::NodeAddress address_;
  storage::FileSystem* fs_;
  std::shared_ptr<spdlog::logger> log_;
  std::uint64_t incarnation_;
  bool registered_ = false;
  std::uint64_t register_request_id_ = 0;
  std::uint64_t next_request_id_ = 1;
  std::uint64_t heartbeat_sequence_ = 0;
  std::int64_t heartbeat_interval_ms_;
};

}  // namespace bucket::chunkserver
