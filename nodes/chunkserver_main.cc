// bucket-chunkserver: one chunkserver node. Composition only.
#include <algorithm>
#include <filesystem>
#include <random>

#include "actors/chunkserver/open_chunkserver.h"
#include "actors/runtime/bulk_memory.h"
#include "actors/runtime/zmq_runtime.h"
#include "actors/storage/posix_file_system.h"
#include "config/command_line.h"
#include "config/endpoint.h"
#include "config/load_config.h"
#include "config/logging.h"

using namespace bucket;

int main(int argc, char** argv) {
  config::CommandLine cli("bucket-chunkserver", "--config FILE",
                          "Runs a Bucket chunkserver: stores replicated chunks on local disks and "
                          "serves them.\nStops cleanly on SIGINT or SIGTERM.");
  cli.Option("--config", "FILE", "the chunkserver's TOML configuration (see "
                                 "examples/chunkserver.toml)");
  cli.Example("bucket-chunkserver --config cluster/chunkserver-1.toml");
  cli.ParseOrExit(argc, argv);
  const std::string program = cli.program();
  if (!cli.Has("--config")) config::ExitWithError(program, "--config FILE is required", 2);
  if (!cli.positional().empty()) {
    config::ExitWithError(program, "unexpected argument '" + cli.positional()[0] + "'", 2);
  }

  auto loaded = config::LoadChunkserverConfig(cli.Get("--config"));
  if (!loaded.ok()) config::ExitWithError(program, loaded.status().message());
  config::ChunkserverConfig cfg = *loaded;
  // Absolute, because clients on this host open chunk files by the paths this
  // chunkserver gives them (short-circuit reads), from their own folders.
  for (auto& dir : cfg.data_dirs) dir = std::filesystem::absolute(dir).lexically_normal().string();
  // Pushed pieces come and go all the time; their memory is reused, not
  // handed back and faulted in again. Up to the push buffers' bound is kept:
  // with several writers the buffers fill and empty at every write, and what
  // is handed back must be faulted in again at the next fill.
  runtime::KeepFreedMemoryForReuse(std::max<std::uint64_t>(cfg.buffer_memory_bytes, 16 << 20));
  auto log = config::MakeLogger(cfg.node_id, cfg.log);
  if (!log.ok()) config::ExitWithError(program, log.status().message());

  messages::NodeAddress address;
  address.node_id = cfg.node_id;
  address.rack = cfg.rack;
  auto rpc = config::AdvertisedEndpoint(cfg.rpc_bind, cfg.advertise_host);
  if (!rpc.ok()) config::ExitWithError(program, "network.rpc: " + rpc.status().message());
  auto data = config::AdvertisedEndpoint(cfg.data_bind, cfg.advertise_host);
  if (!data.ok()) config::ExitWithError(program, "network.data: " + data.status().message());
  address.rpc_endpoint = *rpc;
  address.data_endpoint = *data;

  runtime::RuntimeOptions options;
  options.plan.node_id = cfg.node_id;
  options.plan.router_bind = cfg.rpc_bind;
  options.plan.pull_bind = cfg.data_bind;
  options.plan.pub_connect = {cfg.master_heartbeat};
  options.max_message_bytes = static_cast<std::int64_t>(cfg.max_message_bytes);
  options.sync_threads = 2;
  options.connect_source = cfg.source_host;
  auto keys = config::LoadCurveKeys(cfg.security, /*server=*/true);
  if (!keys.ok()) config::ExitWithError(program, keys.status().message());
  options.curve = std::move(*keys);
  auto runtime = runtime::ZmqRuntime::Create(options, *log);
  if (!runtime.ok()) config::ExitWithError(program, runtime.status().message());

  // Bound before the data folders are touched, so a second chunkserver on the
  // same ports (or folders) fails without writing anything.
  auto fs = storage::NewPosixFileSystem();
  std::vector<std::unique_ptr<storage::DirectoryLock>> locks;
  for (const auto& dir : cfg.data_dirs) {
    if (Status made = fs->MakeDirs(dir); !made.ok()) {
      config::ExitWithError(program, "node.data_dirs: " + made.message());
    }
    auto lock = storage::LockDirectory(dir);
    if (!lock.ok()) config::ExitWithError(program, lock.status().message());
    locks.push_back(std::move(*lock));
  }
  auto actor = chunkserver::OpenChunkserver(cfg, address, fs.get(), std::random_device{}(), *log);
  if (!actor.ok()) config::ExitWithError(program, actor.status().message());
  Status result = (*runtime)->Run(**actor);
  if (!result.ok()) config::ExitWithError(program, result.message());
  (*log)->info("{} stopped", cfg.node_id);
  return 0;
}
