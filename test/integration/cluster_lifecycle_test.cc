// Real processes on loopback: a master and three chunkservers come up and are
// seen up; one is killed with SIGKILL and reported dead within the configured
// timeout; it is started again and reported back; the monitor's JSON stream
// shows those events in order. Every process is stopped at the end.
#include <signal.h>

#include <algorithm>
#include <regex>
#include <catch2/catch.hpp>

#include "test/support/cluster_client.h"
#include "test/support/local_cluster.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;

// Index of the first monitor line containing every needle, or -1.
int FindLine(const std::vector<std::string>& lines, std::vector<std::string> needles,
             int from = 0) {
  for (int i = from; i < static_cast<int>(lines.size()); ++i) {
    if (std::all_of(needles.begin(), needles.end(),
                    [&](const std::string& n) { return lines[i].find(n) != std::string::npos; })) {
      return i;
    }
  }
  return -1;
}

TEST_CASE("cluster: nodes come up, a killed chunkserver is dead, then back, in order",
          "[integration]") {
  LocalCluster cluster;
  const std::string monitor_log = cluster.temp() / "monitor.jsonl";
  ChildProcess monitor({Program("bucket-monitor"), "--config", cluster.client_config(),
                        "--json"},
                       monitor_log);
  auto lines = [&] { return ReadLines(monitor_log); };

  REQUIRE(cluster.Cluster({"start", "master"}).exit_code == 0);
  // The monitor is subscribed once it hears the master's periodic state.
  REQUIRE(WaitUntil([&] { return FindLine(lines(), {"\"topic\":\"state\""}) >= 0; }, 10s));
  for (int k = 1; k <= 3; ++k) {
    REQUIRE(cluster.Cluster({"start", "chunkserver-" + std::to_string(k)}).exit_code == 0);
  }
  REQUIRE(WaitUntil(
      [&] {
        auto l = lines();
        for (int k = 1; k <= 3; ++k) {
          if (FindLine(l, {"event.joined", "chunkserver-" + std::to_string(k)}) < 0) return false;
        }
        return true;
      },
      10s));
  auto status = cluster.Cluster({"status"});
  INFO(status.output);
  CHECK(status.exit_code == 0);
  CHECK(std::count(status.output.begin(), status.output.end(), '\n') >= 5);

  // SIGKILL chunkserver-2: with 200ms heartbeats it is dead after 800ms of silence.
  const auto killed_at = std::chrono::steady_clock::now();
  REQUIRE(cluster.Cluster({"kill", "chunkserver-2"}).exit_code == 0);
  REQUIRE(WaitUntil([&] { return FindLine(lines(), {"event.dead", "chunkserver-2"}) >= 0; }, 10s));
  const auto took = std::chrono::steady_clock::now() - killed_at;
  // dead_after (800ms) + a heartbeat sent just before the kill (200ms) + one check
  // period (40ms) + the monitor's own delivery; generous slack for a loaded machine.
  CHECK(took <= 800ms + 200ms + 40ms + 1500ms);
  status = cluster.Cluster({"status"});
  CHECK(status.exit_code == 3);
  CHECK(status.output.find("dead") != std::string::npos);

  REQUIRE(cluster.Cluster({"start", "chunkserver-2"}).exit_code == 0);
  REQUIRE(WaitUntil([&] { return FindLine(lines(), {"event.back", "chunkserver-2"}) >= 0; }, 10s));

  const auto l = lines();
  const int joined = FindLine(l, {"event.joined", "chunkserver-2"});
  const int suspect = FindLine(l, {"event.suspect", "chunkserver-2"}, joined);
  const int dead = FindLine(l, {"event.dead", "chunkserver-2"}, suspect);
  const int back = FindLine(l, {"event.back", "chunkserver-2"}, dead);
  CHECK(joined >= 0);
  CHECK(suspect > joined);
  CHECK(dead > suspect);
  CHECK(back > dead);
  // Events carry their fields.
  CHECK(l[dead].find("\"type\":\"dead\"") != std::string::npos);
  CHECK(l[dead].find("\"detail\":\"silent for") != std::string::npos);
  CHECK(FindLine(l, {"event.dead", "chunkserver-1"}) < 0);

  CHECK(cluster.Cluster({"down"}).exit_code == 0);
  status = cluster.Cluster({"status"});
  CHECK(status.output.find("running") == std::string::npos);
  CHECK(monitor.Stop(SIGTERM) == 0);
}

TEST_CASE("cluster: up --detach waits for readiness, down stops every node", "[integration]") {
  LocalClusterOptions two;
  two.chunkservers = 2;
  LocalCluster cluster(two);
  auto up = cluster.Cluster({"up", "--detach"});
  INFO(up.output);
  REQUIRE(up.exit_code == 0);
  CHECK(up.output.find("2 of 2 chunkservers up") != std::string::npos);
  CHECK(cluster.Cluster({"status"}).exit_code == 0);
  CHECK(cluster.Cluster({"down"}).exit_code == 0);
  CHECK(cluster.Cluster({"status"}).exit_code == 3);
}

TEST_CASE("programs: bad flags and bad configs are one line and a non-zero exit",
          "[integration]") {
  TempDir dir;
  for (const char* program : {"bucket-master", "bucket-chunkserver", "bucket-monitor",
                              "bucket-cluster"}) {
    auto help = RunCommand({Program(program), "--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.output.find("Usage:") != std::string::npos);
    CHECK(help.output.find("Example") != std::string::npos);
    auto version = RunCommand({Program(program), "--version"});
    CHECK(version.exit_code == 0);
    auto wrong = RunCommand({Program(program), "--no-such-flag"});
    CHECK(wrong.exit_code == 2);
    CHECK(std::count(wrong.output.begin(), wrong.output.end(), '\n') == 1);
  }
  const std::string bad = dir / "bad.toml";
  std::FILE* f = std::fopen(bad.c_str(), "w");
  std::fputs("[heartbeat]\ninterval = 5\n", f);
  std::fclose(f);
  auto result = RunCommand({Program("bucket-master"), "--config", bad});
  CHECK(result.exit_code == 1);
  CHECK(result.output == "bucket-master: " + bad +
                             ":2: key 'heartbeat.interval': expected a duration like \"10s\", got "
                             "an integer\n");
}

TEST_CASE("programs: bucket-bench runs on a cluster of its own and gives each figure its "
          "share of a raw limit, its CPU cost per GB and each node's peak memory",
          "[integration]") {
  TempDir dir;
  auto bench = RunCommand({Program("bucket-bench"), "write", "--size", "8MiB", "--runs", "1",
                           "--clients", "2", "--replication", "1", "--json", "--dir", dir.path()},
                          120s);
  INFO(bench.output);
  REQUIRE(bench.exit_code == 0);
  // One figure for 1 client and one for 2, each against the one-hop chain.
  for (const char* clients : {"\"clients\":1,", "\"clients\":2,"}) {
    CHECK(bench.out.find("{\"name\":\"write\"," + std::string(clients)) != std::string::npos);
  }
  const std::regex cpu("\"median_cpu_seconds_per_gb\":([0-9.e+-]+),\"limit\":\"zmq-chain-1\"");
  int figures = 0;
  for (auto m = std::sregex_iterator(bench.out.begin(), bench.out.end(), cpu);
       m != std::sregex_iterator(); ++m) {
    CHECK(std::stod((*m)[1]) > 0);  // the machine worked to move the bytes
    ++figures;
  }
  CHECK(figures == 2);
  for (const char* node : {"master", "chunkserver-1", "chunkserver-2", "chunkserver-3"}) {
    CHECK(std::regex_search(bench.out, std::regex("\"" + std::string(node) + "\":[1-9][0-9]*")));
  }
}

TEST_CASE("programs: a busy port is a one-line error", "[integration]") {
  LocalClusterOptions one;
  one.chunkservers = 1;
  LocalCluster cluster(one);
  REQUIRE(cluster.Cluster({"start", "master"}).exit_code == 0);
  // Started is not yet listening: wait until the first master answers.
  auto client = Connect(cluster);
  REQUIRE(WaitUntil([&] { return client->Ping().ok(); }, 20s));
  auto second = RunCommand({Program("bucket-master"), "--config",
                            cluster.dir() + "/master.toml"},
                           20s);
  CHECK(second.exit_code == 1);
  CHECK(second.output.find("cannot bind") != std::string::npos);
  CHECK(second.output.find(std::to_string(cluster.base_port())) != std::string::npos);
}

}  // namespace
}  // namespace bucket::testing
