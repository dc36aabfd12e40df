// bucket-monitor against a real cluster: the JSON stream's events in order
// with their fields, --once, the full-screen view under a pseudo-terminal, and
// a monitor that never reads, which must not slow the cluster.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "client/bucket_client.h"
#include "test/support/local_cluster.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;

int FindLine(const std::vector<std::string>& lines, const std::vector<std::string>& needles,
             int from = 0) {
  for (int i = std::max(0, from); i < static_cast<int>(lines.size()); ++i) {
    bool all = true;
    for (const auto& n : needles) all = all && lines[i].find(n) != std::string::npos;
    if (all) return i;
  }
  return -1;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST_CASE("monitor: the JSON stream shows join, death, repair and return, in order",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 4;
  LocalCluster cluster(options);
  const std::string stream = cluster.temp() / "monitor.jsonl";
  ChildProcess monitor({Program("bucket-monitor"), "--config", cluster.client_config(), "--json"},
                       stream);
  auto lines = [&] { return ReadLines(stream); };
  REQUIRE(cluster.Cluster({"start", "master"}).exit_code == 0);
  REQUIRE(WaitUntil([&] { return FindLine(lines(), {"\"topic\":\"state\""}) >= 0; }, 10s));
  for (int k = 1; k <= 4; ++k) {
    REQUIRE(cluster.Cluster({"start", "chunkserver-" + std::to_string(k)}).exit_code == 0);
  }
  config::ClientConfig cc;
  cc.master_rpc = cluster.master_rpc();
  auto client = client::BucketClient::Connect(cc);
  REQUIRE(client.ok());
  REQUIRE(WaitUntil([&] { return (*client)->Create("/f").ok(); }, 10s));
  REQUIRE((*client)->Write("/f", 0, std::string(3 << 20, 'x')).ok());
  const std::string victim = (*client)->Stat("/f")->chunks[0].replicas[0].node_id;
  REQUIRE(cluster.Cluster({"kill", victim}).exit_code == 0);
  REQUIRE(WaitUntil([&] { return FindLine(lines(), {"event.repair_finished"}) >= 0; }, 30s));
  REQUIRE(cluster.Cluster({"start", victim}).exit_code == 0);
  REQUIRE(WaitUntil([&] { return FindLine(lines(), {"event.back", victim}) >= 0; }, 20s));

  const auto l = lines();
  const int joined = FindLine(l, {"\"topic\":\"event.joined\"", "\"node\":\"" + victim + "\""});
  const int dead = FindLine(l, {"\"topic\":\"event.dead\"", "\"node\":\"" + victim + "\""});
  const int started = FindLine(l, {"\"topic\":\"event.repair_started\""}, dead);
  const int finished = FindLine(l, {"\"topic\":\"event.repair_finished\""}, started);
  const int back = FindLine(l, {"\"topic\":\"event.back\"", "\"node\":\"" + victim + "\""});
  REQUIRE(joined >= 0);
  CHECK(dead > joined);
  CHECK(started > dead);
  CHECK(finished > started);
  CHECK(back > finished);
  // The fields: a time, the type, the node, the chunk and a detail.
  const std::string& repair = l[static_cast<std::size_t>(finished)];
  CHECK(repair.find("\"unix_ms\":") != std::string::npos);
  CHECK(repair.find("\"type\":\"repair_finished\"") != std::string::npos);
  CHECK(repair.find("\"chunk\":0") == std::string::npos);  // names the chunk it repaired
  CHECK(repair.find("\"detail\":\"copied from chunkserver-") != std::string::npos);
  CHECK(l[static_cast<std::size_t>(dead)].find("\"seq\":") != std::string::npos);
  CHECK(monitor.Stop(SIGTERM) == 0);
}

TEST_CASE("monitor: --once lists every chunkserver, as a table or JSON", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  auto table = RunCommand({Program("bucket-monitor"), "--config", cluster.client_config(),
                           "--once"});
  INFO(table.output);
  REQUIRE(table.exit_code == 0);
  for (int k = 1; k <= 3; ++k) {
    CHECK(table.out.find("chunkserver-" + std::to_string(k)) != std::string::npos);
  }
  CHECK(table.out.find("health") != std::string::npos);
  auto json = RunCommand({Program("bucket-monitor"), "--config", cluster.client_config(),
                          "--once", "--json"});
  REQUIRE(json.exit_code == 0);
  CHECK(std::count(json.out.begin(), json.out.end(), '\n') == 1);
  for (int k = 1; k <= 3; ++k) {
    CHECK(json.out.find("\"id\":\"chunkserver-" + std::to_string(k) + "\"") != std::string::npos);
  }
  // Nothing to listen to: a clear error, not a hang.
  auto none = RunCommand({Program("bucket-monitor"), "--master", "tcp://127.0.0.1:1", "--once",
                          "--wait", "300ms"});
  CHECK(none.exit_code == 1);
  CHECK(none.err.find("no state from the master") != std::string::npos);
}

TEST_CASE("monitor: the full-screen view shows every chunkserver and updates when one dies",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  const std::string socket = "bucket-monitor-test-" + std::to_string(::getpid());
  struct Tmux {
    std::string socket;
    ~Tmux() { RunCommand({"/usr/bin/tmux", "-L", socket, "kill-server"}); }
  } tmux{socket};
  REQUIRE(RunCommand({"/usr/bin/tmux", "-L", socket, "new-session", "-d", "-s", "m", "-x", "80",
                      "-y", "24",
                      "env LANG=C.UTF-8 " + Program("bucket-monitor") + " --config " +
                          cluster.client_config()})
              .exit_code == 0);
  auto screen = [&] {
    return RunCommand({"/usr/bin/tmux", "-L", socket, "capture-pane", "-p", "-t", "m"}).out;
  };
  auto row_says = [&](const std::string& node, const std::string& state) {
    const std::string s = screen();
    const auto at = s.find(node + " ");
    return at != std::string::npos && s.substr(at, 30).find(state) != std::string::npos;
  };
  REQUIRE(WaitUntil(
      [&] {
        return row_says("chunkserver-1", "up") && row_says("chunkserver-2", "up") &&
               row_says("chunkserver-3", "up");
      },
      10s));
  const std::string first = screen();
  CHECK(first.find("bucket-monitor  master master") != std::string::npos);
  CHECK(first.find("q quit") != std::string::npos);
  REQUIRE(cluster.Cluster({"kill", "chunkserver-2"}).exit_code == 0);
  REQUIRE(WaitUntil([&] { return row_says("chunkserver-2", "dead"); }, 10s));
  CHECK(screen().find("dead") != std::string::npos);
  // Keys: filter to dead nodes only.
  REQUIRE(RunCommand({"/usr/bin/tmux", "-L", socket, "send-keys", "-t", "m", "f", "f", "f"})
              .exit_code == 0);
  REQUIRE(WaitUntil([&] { return screen().find("filter:dead") != std::string::npos; }, 5s));
  CHECK(screen().find("chunkserver-1 ") == std::string::npos);
  REQUIRE(RunCommand({"/usr/bin/tmux", "-L", socket, "send-keys", "-t", "m", "q"}).exit_code == 0);
}

TEST_CASE("monitor: a monitor that never reads does not slow the cluster", "[integration]") {
  LocalClusterOptions options;
  options.heartbeat = "100ms";  // plenty published
  LocalCluster cluster(options);
  const std::string master_toml = cluster.dir() + "/master.toml";
  std::ofstream(master_toml + ".new")
      << Replace(ReadFile(master_toml), "[network]\n", "[network]\nevents_queue = 20\n");
  std::rename((master_toml + ".new").c_str(), master_toml.c_str());
  cluster.Up();
  const std::string stuck_out = cluster.temp() / "stuck.jsonl";
  ChildProcess stuck({Program("bucket-monitor"), "--config", cluster.client_config(), "--json"},
                     stuck_out);
  ChildProcess healthy({Program("bucket-monitor"), "--config", cluster.client_config(), "--json"},
                       cluster.temp() / "healthy.jsonl");
  REQUIRE(WaitUntil([&] { return !ReadLines(stuck_out).empty(); }, 10s));
  REQUIRE(::kill(stuck.pid(), SIGSTOP) == 0);  // never reads again (until resumed)

  const std::string big = cluster.temp() / "big";
  std::ofstream(big, std::ios::binary) << std::string(40 << 20, 'b');
  auto put = RunCommand({Program("bucket"), "--config", cluster.client_config(), "put", big, "/big"},
                        std::chrono::seconds(60));
  REQUIRE(put.exit_code == 0);
  // Meanwhile the master kept publishing to everyone else.
  const auto healthy_before = ReadLines(cluster.temp() / "healthy.jsonl").size();
  REQUIRE(WaitUntil(
      [&] { return ReadLines(cluster.temp() / "healthy.jsonl").size() > healthy_before + 20; },
      10s));
  // Resumed, it goes on from where the PUB kept it (a gap, if it lost any, is
  // reported: see the unit test of the gap detection).
  REQUIRE(::kill(stuck.pid(), SIGCONT) == 0);
  const auto stuck_before = ReadLines(stuck_out).size();
  REQUIRE(WaitUntil([&] { return ReadLines(stuck_out).size() > stuck_before; }, 10s));
  CHECK(FindLine(ReadLines(cluster.temp() / "healthy.jsonl"), {"\"topic\":\"gap\""}) < 0);
}

}  // namespace
}  // namespace bucket::testing
