// libFuzzer target: a master, fresh on an empty simulated disk for each input,
// fed the input's messages, timers, clock steps and finished syncs. Any crash,
// sanitizer report or BUCKET_CHECK failure is a bug: nothing that arrives from
// the network may take the master down.
#include <cstdint>

#include "actors/master/open_master.h"
#include "actors/storage/mem_file_system.h"
#include "test/fuzz/actor_driver.h"
#include "test/fuzz/quiet_log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bucket;
  config::MasterConfig config;
  config.data_dir = "/master";
  config.safe_mode_min_chunkservers = 1;
  config.default_chunk_size_bytes = 1 << 20;
  storage::MemFileSystem disk;
  auto master = master::OpenMaster(config, "inproc://master/rpc", &disk, {}, fuzz::QuietLog());
  if (!master.ok()) __builtin_trap();  // an empty disk must always open
  fuzz::ActorDriver(**master).Run(data, size);
  return 0;
}
