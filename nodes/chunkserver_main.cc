// bucket-chunkserver: one chunkserver node. Composition only.
#include <random>

#include "actors/chunkserver/chunkserver_actor.h"
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
  const config::ChunkserverConfig& cfg = *loaded;
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

  auto fs = storage::NewPosixFileSystem();
  for (const auto& dir : cfg.data_dirs) {
    if (Status made = fs->MakeDirs(dir); !made.ok()) {
      config::ExitWithError(program, "node.data_dirs: " + made.message());
    }
  }

  runtime::RuntimeOptions options;
  options.plan.node_id = cfg.node_id;
  options.plan.router_bind = cfg.rpc_bind;
  options.plan.pull_bind = cfg.data_bind;
  options.plan.pub_connect = {cfg.master_heartbeat};
  options.max_message_bytes = static_cast<std::int64_t>(cfg.max_message_bytes);
  auto runtime = runtime::ZmqRuntime::Create(options, *log);
  if (!runtime.ok()) config::ExitWithError(program, runtime.status().message());

  chunkserver::ChunkserverActor actor(cfg, address, fs.get(), std::random_device{}(), *log);
  Status result = (*runtime)->Run(actor);
  if (!result.ok()) config::ExitWithError(program, result.message());
  (*log)->info("{} stopped", cfg.node_id);
  return 0;
}
