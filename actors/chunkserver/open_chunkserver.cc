#include "actors/chunkserver/open_chunkserver.h"

namespace bucket::chunkserver {

Result<std::unique_ptr<ChunkserverActor>> OpenChunkserver(
    const config::ChunkserverConfig& config, messages::NodeAddress address,
    storage::FileSystem* fs, std::uint64_t seed, std::shared_ptr<spdlog::logger> log) {
  OpenReport report;
  auto store = ChunkStore::Open(fs, config.data_dirs, &report, config.recycle_bytes);
  if (!store.ok()) return store.status().WithContext("opening node.data_dirs");
  (*store)->SetCapacityLimit(config.capacity_bytes);
  for (const auto& item : report.quarantined) {
    log->warn("{} quarantined {}", config.node_id, item);
  }
  for (const auto& item : report.failed_disks) {
    log->error("{} data folder failed: {}", config.node_id, item);
  }
  log->info("{} found {} chunks in {} data folder(s)", config.node_id, report.chunks,
            config.data_dirs.size());
  return std::make_unique<ChunkserverActor>(config, std::move(address), std::move(*store), seed,
                                            std::move(log));
}

}  // namespace bucket::chunkserver
