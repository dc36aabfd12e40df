// bucket-monitor: watches a cluster live by subscribing to the master's events
// PUB. A pure subscriber: it sends nothing, and a slow monitor costs the
// cluster nothing (the PUB drops what it cannot take; the monitor reports gaps).
#include <cstdio>

#include "actors/runtime/zmq_runtime.h"
#include "client/monitor/monitor_actor.h"
#include "config/command_line.h"
#include "config/load_config.h"
#include "config/logging.h"

using namespace bucket;

int main(int argc, char** argv) {
  config::CommandLine cli(
      "bucket-monitor", "[--master ENDPOINT | --config client.toml] [--json] [--topic T]...",
      "Prints the cluster state, chunkserver heartbeats and events as the master publishes "
      "them.\nStop with Ctrl-C.");
  cli.Option("--master", "ENDPOINT", "the master's events endpoint (its [network] events)",
             "tcp://127.0.0.1:7702");
  cli.Option("--config", "FILE", "a client.toml naming the master (see examples/client.toml)");
  cli.Flag("--json", "one JSON object a line, for scripts and log shippers");
  cli.Option("--topic", "T", "subscribe to topics starting with T only: state, event., "
                             "heartbeat. (may be given once)");
  cli.Example("bucket-monitor --config cluster/client.toml");
  cli.Example("bucket-monitor --master tcp://10.0.0.5:7702 --json --topic event.");
  cli.ParseOrExit(argc, argv);
  const std::string program = cli.program();
  if (!cli.positional().empty()) {
    config::ExitWithError(program, "unexpected argument '" + cli.positional()[0] + "'", 2);
  }

  config::ClientConfig client;
  if (cli.Has("--config")) {
    auto loaded = config::LoadClientConfig(cli.Get("--config"));
    if (!loaded.ok()) config::ExitWithError(program, loaded.status().message());
    client = *loaded;
  }
  if (cli.Has("--master")) client.master_events = cli.Get("--master");

  auto log = config::MakeLogger("monitor", client.log);
  if (!log.ok()) config::ExitWithError(program, log.status().message());
  runtime::RuntimeOptions options;
  options.plan.node_id = "monitor";
  options.plan.sub_connect = {client.master_events};
  if (cli.Has("--topic")) options.plan.sub_topics = {cli.Get("--topic")};
  options.receive_hwm = 10000;
  auto runtime = runtime::ZmqRuntime::Create(options, *log);
  if (!runtime.ok()) config::ExitWithError(program, runtime.status().message());

  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a line at a time, also into pipes
  client::MonitorActor actor(cli.Has("--json"), options.plan.sub_topics,
                             [](const std::string& line) { std::puts(line.c_str()); });
  Status result = (*runtime)->Run(actor);
  if (!result.ok()) config::ExitWithError(program, result.message());
  return 0;
}
