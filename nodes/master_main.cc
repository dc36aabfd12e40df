// bucket-master: one master node. Composition only: flags, config, logger,
// actor and runtime.
#include "actors/master/open_master.h"
#include "actors/runtime/zmq_runtime.h"
#include "actors/storage/posix_file_system.h"
#include "config/command_line.h"
#include "config/endpoint.h"
#include "config/load_config.h"
#include "config/logging.h"

using namespace bucket;

int main(int argc, char** argv) {
  config::CommandLine cli("bucket-master", "--config FILE",
                          "Runs a Bucket master: the namespace, chunk metadata and membership of "
                          "a cluster.\nStops cleanly on SIGINT or SIGTERM.");
  cli.Option("--config", "FILE", "the master's TOML configuration (see examples/master.toml)");
  cli.Flag("--recover-skip", "skip corrupt records in the middle of the operation log instead "
                             "of refusing to start (they are lost; each is logged)");
  cli.Example("bucket-master --config cluster/master.toml");
  cli.ParseOrExit(argc, argv);
  const std::string program = cli.program();
  if (!cli.Has("--config")) config::ExitWithError(program, "--config FILE is required", 2);
  if (!cli.positional().empty()) {
    config::ExitWithError(program, "unexpected argument '" + cli.positional()[0] + "'", 2);
  }

  auto loaded = config::LoadMasterConfig(cli.Get("--config"));
  if (!loaded.ok()) config::ExitWithError(program, loaded.status().message());
  const config::MasterConfig& cfg = *loaded;
  auto log = config::MakeLogger(cfg.node_id, cfg.log);
  if (!log.ok()) config::ExitWithError(program, log.status().message());
  auto rpc = config::AdvertisedEndpoint(cfg.rpc_bind, cfg.advertise_host);
  if (!rpc.ok()) config::ExitWithError(program, "network.rpc: " + rpc.status().message());

  runtime::RuntimeOptions options;
  options.plan.node_id = cfg.node_id;
  options.plan.router_bind = cfg.rpc_bind;
  options.plan.sub_bind = cfg.heartbeat_bind;
  options.plan.pub_bind = cfg.events_bind;
  options.max_message_bytes = static_cast<std::int64_t>(cfg.max_message_bytes);
  options.sync_threads = 3;
  options.pub_hwm = static_cast<int>(cfg.events_queue);  // log syncs never wait behind a checkpoint or backup build
  auto keys = config::LoadCurveKeys(cfg.security, /*server=*/true);
  if (!keys.ok()) config::ExitWithError(program, keys.status().message());
  options.curve = std::move(*keys);
  auto runtime = runtime::ZmqRuntime::Create(options, *log);
  if (!runtime.ok()) config::ExitWithError(program, runtime.status().message());

  // Bound before the data folder is touched, so a second master fails on the
  // port (or the lock) without writing anything.
  auto fs = storage::NewPosixFileSystem();
  if (Status made = fs->MakeDirs(cfg.data_dir); !made.ok()) {
    config::ExitWithError(program, "node.data_dir: " + made.message());
  }
  auto lock = storage::LockDirectory(cfg.data_dir);
  if (!lock.ok()) config::ExitWithError(program, lock.status().message());
  master::RecoveryOptions recovery;
  recovery.skip_corrupt = cli.Has("--recover-skip");
  auto actor = master::OpenMaster(cfg, *rpc, fs.get(), recovery, *log);
  if (!actor.ok()) config::ExitWithError(program, actor.status().message());

  Status result = (*runtime)->Run(**actor);
  if (!result.ok()) config::ExitWithError(program, result.message());
  (*log)->info("{} stopped", cfg.node_id);
  return 0;
}
