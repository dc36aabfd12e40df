// bucket-cluster: writes, starts, watches and stops a local cluster folder.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "client/bucket_client.h"
#include "config/command_line.h"
#include "config/load_config.h"
#include "config/units.h"
#include "nodes/launcher/cluster_layout.h"
#include "nodes/launcher/process_control.h"

using namespace bucket;
using launcher::ClusterLayout;
using launcher::NodeEntry;

namespace {

const char* kProgram = "bucket-cluster";

[[noreturn]] void Fail(const std::string& message, int code = 1) {
  config::ExitWithError(kProgram, message, code);
}

std::string Tail(const std::string& path, int lines) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string text;
  for (std::size_t i = all.size() > static_cast<std::size_t>(lines) ? all.size() - lines : 0;
       i < all.size(); ++i) {
    text += "    " + all[i] + "\n";
  }
  return text;
}

pid_t RunningPid(const NodeEntry& node) {
  const pid_t pid = launcher::ReadPidFile(node.pid_file);
  return launcher::IsAliveWith(pid, node.config_path) ? pid : 0;
}

Status StartNode(const NodeEntry& node) {
  if (RunningPid(node) != 0) {
    std::printf("%s is already running\n", node.name.c_str());
    return Status::Ok();
  }
  std::filesystem::create_directories(std::filesystem::path(node.console_log).parent_path());
  const std::string program = launcher::ProgramDirectory() +
                              (node.is_master ? "/bucket-master" : "/bucket-chunkserver");
  auto pid = launcher::Spawn({program, "--config", node.config_path}, node.console_log);
  if (!pid.ok()) return pid.status().WithContext("starting " + node.name);
  return launcher::WritePidFile(node.pid_file, *pid);
}

// Stops one node with `signal`, escalating to SIGKILL after a grace period.
void StopNode(const NodeEntry& node, int signal) {
  const pid_t pid = RunningPid(node);
  if (pid == 0) {
    std::remove(node.pid_file.c_str());
    return;
  }
  if (!launcher::SignalAndWait(pid, signal, std::chrono::seconds(10))) {
    std::fprintf(stderr, "%s: %s did not stop within 10s; killing it\n", kProgram,
                 node.name.c_str());
    launcher::SignalAndWait(pid, SIGKILL, std::chrono::seconds(5));
  }
  std::remove(node.pid_file.c_str());
}

void StopAll(const ClusterLayout& layout) {
  for (auto it = layout.nodes.rbegin(); it != layout.nodes.rend(); ++it) {
    StopNode(*it, SIGTERM);  // chunkservers first, the master last
  }
}

// The folder's client.toml (its keys, for a secured cluster), asking the master.
config::ClientConfig AdminClient(const ClusterLayout& layout, std::int64_t timeout_ms) {
  config::ClientConfig cc;
  if (auto loaded = config::LoadClientConfig(layout.client_config); loaded.ok()) cc = *loaded;
  cc.master_rpc = layout.master_rpc;
  cc.request_timeout_ms = timeout_ms;
  return cc;
}

// Waits until the master sees every chunkserver of the folder up.
Status WaitReady(const ClusterLayout& layout, std::chrono::milliseconds limit) {
  const config::ClientConfig cc = AdminClient(layout, 1000);
  auto client = client::BucketClient::Connect(cc);
  if (!client.ok()) return client.status();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::size_t last_up = SIZE_MAX;
  for (;;) {
    launcher::ReapChildren();
    for (const auto& node : layout.nodes) {
      if (RunningPid(node) == 0) {
        return Status::Unavailable(node.name + " exited; the end of " + node.console_log +
                                   ":\n" + Tail(node.console_log, 8));
      }
    }
    auto state = (*client)->ClusterStatus();
    std::size_t up = 0;
    if (state.ok()) {
      for (const auto& cs : state->chunkservers) {
        if (cs.state == messages::NodeState::kUp && layout.Find(cs.address.node_id)) ++up;
      }
      if (up != last_up) {
        std::printf("  %zu of %zu chunkservers up\n", up, layout.chunkserver_count());
        last_up = up;
      }
      if (up == layout.chunkserver_count()) return Status::Ok();
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Timeout(state.ok() ? "only " + std::to_string(up) + " of " +
                                              std::to_string(layout.chunkserver_count()) +
                                              " chunkservers came up"
                                        : "the master did not answer: " +
                                              state.status().ToString());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

ClusterLayout LoadOrFail(const std::string& dir) {
  auto layout = launcher::LoadClusterLayout(dir);
  if (!layout.ok()) Fail(layout.status().message());
  return std::move(*layout);
}

int Init(const config::CommandLine& cli, const std::string& dir) {
  launcher::InitOptions o;
  auto number = [&](const char* flag, int fallback) {
    if (!cli.Has(flag)) return fallback;
    try {
      return std::stoi(cli.Get(flag));
    } catch (...) {
      Fail(std::string(flag) + " needs a number, got '" + cli.Get(flag) + "'", 2);
    }
  };
  o.chunkservers = number("--chunkservers", o.chunkservers);
  o.base_port = number("--base-port", o.base_port);
  o.replication = number("--replication", o.replication);
  o.racks = number("--racks", o.racks);
  if (cli.Has("--chunk-size")) {
    auto size = config::ParseSize(cli.Get("--chunk-size"));
    if (!size.ok()) Fail("--chunk-size: " + size.status().message(), 2);
    o.chunk_size_bytes = *size;
  }
  o.secure = cli.Has("--secure");
  if (cli.Has("--capacity")) {
    auto capacity = config::ParseSize(cli.Get("--capacity"));
    if (!capacity.ok()) Fail("--capacity: " + capacity.status().message(), 2);
    o.capacity_bytes = *capacity;
  }
  if (cli.Has("--heartbeat")) {
    auto interval = config::ParseDuration(cli.Get("--heartbeat"));
    if (!interval.ok()) Fail("--heartbeat: " + interval.status().message(), 2);
    o.heartbeat_interval_ms = *interval;
  }
  Status status = launcher::InitCluster(dir, o);
  if (!status.ok()) Fail(status.message());
  std::printf("wrote a cluster of 1 master and %d chunkservers to %s\n"
              "start it with: bucket-cluster up %s\n",
              o.chunkservers, dir.c_str(), dir.c_str());
  return 0;
}

int Up(const config::CommandLine& cli, const std::string& dir) {
  const ClusterLayout layout = LoadOrFail(dir);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &stop_signals, nullptr);  // taken with sigtimedwait below

  std::printf("starting cluster '%s' from %s\n", layout.name.c_str(), layout.dir.c_str());
  for (const auto& node : layout.nodes) {
    Status started = StartNode(node);
    if (!started.ok()) {
      StopAll(layout);
      Fail(started.message());
    }
  }
  auto timeout = config::ParseDuration(cli.Get("--timeout", "30s"));
  if (!timeout.ok()) Fail("--timeout: " + timeout.status().message(), 2);
  Status ready = WaitReady(layout, std::chrono::milliseconds(*timeout));
  if (!ready.ok()) {
    StopAll(layout);
    Fail("the cluster did not come up: " + ready.message());
  }
  std::printf("cluster '%s' is up: master at %s, %zu chunkservers\n"
              "  shell:   bucket --config %s\n  monitor: bucket-monitor --config %s\n",
              layout.name.c_str(), layout.master_rpc.c_str(), layout.chunkserver_count(),
              layout.client_config.c_str(), layout.client_config.c_str());
  if (cli.Has("--detach")) {
    std::printf("  stop:    bucket-cluster down %s\n", layout.dir.c_str());
    return 0;
  }
  std::printf("press Ctrl-C to stop it\n");
  std::fflush(stdout);
  for (;;) {
    timespec tick{0, 200'000'000};
    const int signal = ::sigtimedwait(&stop_signals, nullptr, &tick);
    launcher::ReapChildren();
    if (signal == SIGINT || signal == SIGTERM) break;
  }
  std::printf("\nstopping cluster '%s'\n", layout.name.c_str());
  StopAll(layout);
  std::printf("stopped\n");
  return 0;
}

int StatusCommand(const std::string& dir) {
  const ClusterLayout layout = LoadOrFail(dir);
  std::optional<messages::ClusterState> state;
  const config::ClientConfig cc = AdminClient(layout, 2000);
  if (auto client = client::BucketClient::Connect(cc); client.ok()) {
    if (auto got = (*client)->ClusterStatus(); got.ok()) state = std::move(*got);
  }
  std::printf("cluster '%s' in %s\n", layout.name.c_str(), layout.dir.c_str());
  std::printf("%-16s %-8s %-9s %-8s %-10s %-10s %s\n", "NODE", "PID", "PROCESS", "STATE", "USED",
              "FREE", "HEARTBEAT");
  bool healthy = state.has_value();
  for (const auto& node : layout.nodes) {
    const pid_t pid = RunningPid(node);
    std::string seen = "-", used = "-", free_space = "-", age = "-";
    if (node.is_master) {
      seen = state ? "up" : "silent";
    } else if (state) {
      seen = "unknown";
      for (const auto& cs : state->chunkservers) {
        if (cs.address.node_id != node.name) continue;
        seen = messages::NodeStateName(cs.state);
        used = config::FormatSize(cs.load.used_bytes);
        free_space = config::FormatSize(cs.load.free_bytes);
        age = std::to_string(cs.heartbeat_age_ms) + "ms";
      }
    }
    healthy = healthy && pid != 0 && (seen == "up");
    std::printf("%-16s %-8s %-9s %-8s %-10s %-10s %s\n", node.name.c_str(),
                pid ? std::to_string(pid).c_str() : "-", pid ? "running" : "stopped",
                seen.c_str(), used.c_str(), free_space.c_str(), age.c_str());
  }
  return healthy ? 0 : 3;
}

}  // namespace

int main(int argc, char** argv) {
  config::CommandLine cli(
      kProgram,
      "init DIR [options] | up DIR [--detach] | status DIR | down DIR | stop|start|kill NODE DIR",
      "Runs a local Bucket cluster from a folder of TOML configs.\n\n"
      "  init DIR             write a ready folder: master.toml, chunkserver-K.toml, client.toml,\n"
      "                       cluster.toml; each node's data and logs go under DIR\n"
      "  up DIR               start every node, wait until the master sees every chunkserver up,\n"
      "                       and stay in the foreground (Ctrl-C stops all); --detach returns\n"
      "  status DIR           each node's process and the master's view of it (exit 3 if unhealthy)\n"
      "  down DIR             stop every node (SIGTERM, then SIGKILL after 10s)\n"
      "  stop NODE DIR        stop one node cleanly; start NODE DIR starts it again\n"
      "  kill NODE DIR        SIGKILL one node, for fault tests\n"
      "NODE is 'master' or 'chunkserver-K'.");
  cli.Option("--chunkservers", "N", "init: how many chunkservers", "3");
  cli.Option("--base-port", "P", "init: the master uses P..P+2, chunkserver K uses P+10K and "
                                 "P+10K+1", "7700");
  cli.Option("--chunk-size", "S", "init: chunk size of new files", "64MiB");
  cli.Option("--replication", "R", "init: replicas per chunk", "3");
  cli.Option("--racks", "K", "init: spread the chunkservers over K racks", "1");
  cli.Option("--heartbeat", "D", "init: heartbeat interval; suspect after 2x, dead after 4x",
             "1s");
  cli.Flag("--secure", "init: CurveZMQ on every socket, with a key pair per node in DIR/keys");
  cli.Option("--capacity", "S", "init: each chunkserver uses at most this much (0: the disk)",
             "0");
  cli.Flag("--detach", "up: return once the cluster is ready, leaving it running");
  cli.Option("--timeout", "D", "up: how long to wait for the cluster to be ready", "30s");
  cli.Example("bucket-cluster init ./cluster --chunkservers 3 && bucket-cluster up ./cluster");
  cli.Example("bucket-cluster kill chunkserver-2 ./cluster   # then: start chunkserver-2 ./cluster");
  cli.ParseOrExit(argc, argv);
  const auto& args = cli.positional();
  if (args.empty()) Fail("no command given (see bucket-cluster --help)", 2);
  const std::string& command = args[0];
  auto need = [&](std::size_t count, const char* usage) {
    if (args.size() != count) Fail(std::string("usage: bucket-cluster ") + usage, 2);
  };
  if (command == "init") {
    need(2, "init DIR [--chunkservers N] [--base-port P] [--chunk-size S] [--replication R]");
    return Init(cli, args[1]);
  }
  if (command == "up") {
    need(2, "up DIR [--detach]");
    return Up(cli, args[1]);
  }
  if (command == "status") {
    need(2, "status DIR");
    return StatusCommand(args[1]);
  }
  if (command == "down") {
    need(2, "down DIR");
    StopAll(LoadOrFail(args[1]));
    return 0;
  }
  if (command == "stop" || command == "start" || command == "kill") {
    need(3, "stop|start|kill NODE DIR");
    const ClusterLayout layout = LoadOrFail(args[2]);
    const NodeEntry* node = layout.Find(args[1]);
    if (node == nullptr) Fail("no node '" + args[1] + "' in " + layout.dir, 2);
    if (command == "start") {
      Status started = StartNode(*node);
      if (!started.ok()) Fail(started.message());
    } else {
      StopNode(*node, command == "kill" ? SIGKILL : SIGTERM);
    }
    return 0;
  }
  Fail("unknown command '" + command + "' (see bucket-cluster --help)", 2);
}
