// OpenChunkserver: a ChunkserverActor with its chunk store rebuilt from its
// data folders (quarantined files and failed disks logged). Used by
// bucket-chunkserver and by tests that restart a chunkserver on a simulated disk.
#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "actors/chunkserver/chunkserver_actor.h"

namespace bucket::chunkserver {

Result<std::unique_ptr<ChunkserverActor>> OpenChunkserver(
    const config::ChunkserverConfig& config, messages::NodeAddress address,
    storage::FileSystem* fs, std::uint64_t seed, std::shared_ptr<spdlog::logger> log);

}  // namespace bucket::chunkserver
