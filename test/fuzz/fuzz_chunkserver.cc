// libFuzzer target: a chunkserver, fresh on an empty simulated disk for each
// input, fed the input's messages (as if from the master, clients and other
// chunkservers), timers, clock steps and finished syncs. Any crash, sanitizer
// report or BUCKET_CHECK failure is a bug.
#include <cstdint>

#include "actors/chunkserver/open_chunkserver.h"
#include "actors/storage/mem_file_system.h"
#include "test/fuzz/actor_driver.h"
#include "test/fuzz/quiet_log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bucket;
  config::ChunkserverConfig config;
  config.node_id = "cs1";
  config.data_dirs = {"/data"};
  config.master_rpc = "inproc://master/rpc";
  config.master_heartbeat = "inproc://master/hb";
  config.buffer_memory_bytes = 8 << 20;
  storage::MemFileSystem disk(1 << 30);
  messages::NodeAddress address{"cs1", "rack-a", "inproc://cs1/rpc", "inproc://cs1/data"};
  auto chunkserver =
      chunkserver::OpenChunkserver(config, address, &disk, 1, fuzz::QuietLog());
  if (!chunkserver.ok()) __builtin_trap();  // an empty disk must always open
  fuzz::ActorDriver(**chunkserver).Run(data, size);
  return 0;
}
