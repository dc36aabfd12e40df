// bucket-monitor: watches a cluster live by subscribing to the master's events
// PUB. A pure subscriber: it sends nothing, and a slow monitor costs the
// cluster nothing (the PUB drops what it cannot take; the monitor says so).
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "actors/runtime/zmq_runtime.h"
#include "client/json_writer.h"
#include "client/monitor/monitor_actor.h"
#include "client/monitor/monitor_format.h"
#include "client/monitor/monitor_model.h"
#include "client/monitor/monitor_view.h"
#include "client/monitor/tui.h"
#include "config/command_line.h"
#include "config/load_config.h"
#include "config/logging.h"
#include "config/units.h"

using namespace bucket;

namespace {

const char* kProgram = "bucket-monitor";

std::unique_ptr<runtime::ZmqRuntime> Subscribe(const config::ClientConfig& client,
                                               const std::vector<std::string>& topics) {
  auto log = config::MakeLogger("monitor", client.log);
  if (!log.ok()) config::ExitWithError(kProgram, log.status().message());
  runtime::RuntimeOptions options;
  options.plan.node_id = "monitor";
  options.plan.sub_connect = {client.master_events};
  options.plan.sub_topics = topics;
  options.receive_hwm = 10000;
  auto keys = config::LoadCurveKeys(client.security, /*server=*/false);
  if (!keys.ok()) config::ExitWithError(kProgram, keys.status().message());
  options.curve = std::move(*keys);
  auto runtime = runtime::ZmqRuntime::Create(options, *log);
  if (!runtime.ok()) config::ExitWithError(kProgram, runtime.status().message());
  return std::move(*runtime);
}

// --once: the next full state, as a table or JSON.
int Once(const config::ClientConfig& client, bool json, std::int64_t wait_ms) {
  client::MonitorModel model;
  client::ModelFeeder feeder(&model);
  auto runtime = Subscribe(client, {messages::kTopicState});
  client::MonitorActor actor({messages::kTopicState}, &feeder);
  std::thread loop([&] { (void)runtime->Run(actor); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  while (model.Take().states_seen == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  runtime->Shutdown();
  loop.join();
  auto snapshot = model.Take();
  if (!snapshot.state) {
    config::ExitWithError(kProgram, "no state from the master at " + client.master_events +
                                        " within " + config::FormatDuration(wait_ms));
  }
  if (json) {
    client::JsonWriter writer;
    writer.BeginObject();
    client::WriteJson(writer, *snapshot.state);
    writer.EndObject();
    std::puts(writer.text().c_str());
  } else {
    std::fputs(client::RenderTable(*snapshot.state).c_str(), stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  config::CommandLine cli(
      kProgram,
      "[--master ENDPOINT | --config client.toml] [--json | --lines | --once] [--topic T]",
      "Shows a Bucket cluster live, from what the master publishes. On a terminal: a\n"
      "full-screen view refreshing in place (q quits, s sorts, f filters by state, p pauses).\n"
      "Otherwise, or with --lines, one line per message; with --json one JSON object a line.\n"
      "--once prints the cluster's state once, as a table (or JSON with --json), and exits.");
  cli.Option("--master", "ENDPOINT", "the master's events endpoint (its [network] events)",
             "tcp://127.0.0.1:7702");
  cli.Option("--config", "FILE", "a client.toml naming the master (see examples/client.toml)");
  cli.Flag("--json", "one JSON object a line, for scripts and log shippers");
  cli.Flag("--lines", "one readable line per message, even on a terminal");
  cli.Flag("--once", "print the cluster's state once and exit");
  cli.Option("--wait", "D", "--once: how long to wait for the state", "10s");
  cli.Option("--topic", "T", "subscribe to topics starting with T only: state, event., "
                             "heartbeat.");
  cli.Example("bucket-monitor --config cluster/client.toml");
  cli.Example("bucket-monitor --master tcp://10.0.0.5:7702 --json --topic event.");
  cli.Example("bucket-monitor --config cluster/client.toml --once --json");
  cli.ParseOrExit(argc, argv);
  if (!cli.positional().empty()) {
    config::ExitWithError(kProgram, "unexpected argument '" + cli.positional()[0] + "'", 2);
  }
  config::ClientConfig client;
  if (cli.Has("--config")) {
    auto loaded = config::LoadClientConfig(cli.Get("--config"));
    if (!loaded.ok()) config::ExitWithError(kProgram, loaded.status().message());
    client = *loaded;
  }
  if (cli.Has("--master")) client.master_events = cli.Get("--master");

  if (cli.Has("--once")) {
    auto wait = config::ParseDuration(cli.Get("--wait", "10s"));
    if (!wait.ok()) config::ExitWithError(kProgram, "--wait: " + wait.status().message(), 2);
    return Once(client, cli.Has("--json"), *wait);
  }
  std::vector<std::string> topics;
  if (cli.Has("--topic")) topics.push_back(cli.Get("--topic"));
  const bool stream = cli.Has("--json") || cli.Has("--lines") || ::isatty(STDOUT_FILENO) == 0;
  auto runtime = Subscribe(client, topics);
  if (stream) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a line at a time, also into pipes
    client::StreamPrinter printer(cli.Has("--json"),
                                  [](const std::string& line) { std::puts(line.c_str()); });
    client::MonitorActor actor(topics, &printer);
    Status result = runtime->Run(actor);
    if (!result.ok()) config::ExitWithError(kProgram, result.message());
    return 0;
  }
  client::MonitorModel model;
  client::ModelFeeder feeder(&model);
  client::MonitorActor actor(topics, &feeder);
  std::atomic<bool> stop{false};
  std::thread loop([&] {
    (void)runtime->Run(actor);  // a stop signal ends the loop, and the view with it
    stop = true;
  });
  client::RunTui(model, stop);
  runtime->Shutdown();
  loop.join();
  return 0;
}
