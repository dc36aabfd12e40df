// A partition, not a crash: inside a network namespace made by the test, the
// traffic between the master and one chunkserver is dropped (nftables) while
// clients still reach it. The master declares it dead and re-replicates; no
// acknowledged append is lost or doubled (two primaries for one chunk would
// do one or the other); after the partition heals its stale replicas go.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>

#include "test/support/local_cluster.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;

class NetworkNamespace {
 public:
  NetworkNamespace() : name_("bucket-test-" + std::to_string(::getpid())) {
    REQUIRE(RunCommand({"/usr/sbin/ip", "netns", "add", name_}).exit_code == 0);
    REQUIRE(RunCommand({"/usr/sbin/ip", "-n", name_, "link", "set", "lo", "up"}).exit_code == 0);
  }
  ~NetworkNamespace() { RunCommand({"/usr/sbin/ip", "netns", "del", name_}); }
  // `argv` run inside the namespace.
  std::vector<std::string> Inside(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"/usr/sbin/ip", "netns", "exec", name_});
    return argv;
  }
  CommandResult Run(std::vector<std::string> argv, const std::string& input = "") const {
    return RunCommand(Inside(std::move(argv)), std::chrono::seconds(60), input);
  }

 private:
  std::string name_;
};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST_CASE("partition: master and chunkserver cut apart, dead, repaired, no append lost or "
          "doubled, stale replicas gone after healing",
          "[integration]") {
  NetworkNamespace netns;
  LocalClusterOptions options;
  options.chunkservers = 4;
  options.heartbeat = "200ms";
  options.chunk_size = "256KiB";
  LocalCluster cluster(options);
  struct Down {  // the nodes live in the namespace: stop them from there
    LocalCluster& cluster;
    NetworkNamespace& netns;
    ~Down() { netns.Run({Program("bucket-cluster"), "down", cluster.dir()}); }
  } down{cluster, netns};
  // chunkserver-3 listens and dials out from its own address, 127.0.0.3.
  const std::string cs3 = cluster.dir() + "/chunkserver-3.toml";
  std::string text = ReadFile(cs3);
  const std::string rpc = std::to_string(cluster.base_port() + 30);
  const std::string data = std::to_string(cluster.base_port() + 31);
  text = Replace(text, "tcp://127.0.0.1:" + rpc, "tcp://127.0.0.3:" + rpc);
  text = Replace(text, "tcp://127.0.0.1:" + data, "tcp://127.0.0.3:" + data);
  text = Replace(text, "[network]\n", "[network]\nsource_host = \"127.0.0.3\"\n");
  std::ofstream(cs3, std::ios::trunc) << text;
  auto up = netns.Run({Program("bucket-cluster"), "up", cluster.dir(), "--detach"});
  INFO(up.output);
  REQUIRE(up.exit_code == 0);
  auto shell = [&](const std::string& commands) {
    return netns.Run({Program("bucket"), "--config", cluster.client_config(), "-c", commands});
  };

  ChildProcess appender(netns.Inside({Program("log_appender"), "--config",
                                      cluster.client_config(), "/logs/app", "w", "600", "3000"}),
                        cluster.temp() / "appender.txt");
  auto acknowledged = [&] { return ReadLines(cluster.temp() / "appender.txt").size(); };
  REQUIRE(WaitUntil([&] { return acknowledged() >= 100; }, 30s));

  // Cut chunkserver-3 from the master, both ways; clients still reach it.
  const std::string master_ports = std::to_string(cluster.base_port()) + ", " +
                                   std::to_string(cluster.base_port() + 1);
  const std::string rules = "table inet partition {\n chain input {\n"
                            "  type filter hook input priority 0;\n"
                            "  ip saddr 127.0.0.3 tcp dport { " + master_ports + " } drop\n"
                            "  ip daddr 127.0.0.3 tcp sport { " + master_ports + " } drop\n"
                            " }\n}\n";
  auto cut = netns.Run({"/usr/sbin/nft", "-f", "-"}, rules);
  INFO(cut.output);
  REQUIRE(cut.exit_code == 0);
  REQUIRE(WaitUntil([&] { return shell("status").out.find("chunkserver-3    dead") != std::string::npos; },
                    20s));
  // Repaired without it while the appends go on.
  REQUIRE(WaitUntil(
      [&] {
        auto fsck = shell("fsck /");
        return fsck.exit_code == 0 && fsck.out.find("under-replicated 0, corrupt 0") != std::string::npos;
      },
      30s));
  REQUIRE(netns.Run({"/usr/sbin/nft", "delete", "table", "inet", "partition"}).exit_code == 0);
  const int appender_exit = appender.Stop(0);
  const std::string appender_output = ReadFile(cluster.temp() / "appender.txt");
  INFO("appender: " << appender_output.substr(appender_output.size() > 400 ? appender_output.size() - 400 : 0));
  CHECK(appender_exit == 0);  // it finished every append
  REQUIRE(acknowledged() == 600);

  // Every acknowledged record is there exactly once, whole.
  auto records = shell("records /logs/app");
  REQUIRE(records.exit_code == 0);
  std::map<std::string, int> seen;
  for (std::size_t start = 0, end; (end = records.out.find('\n', start)) != std::string::npos;
       start = end + 1) {
    const std::string record = records.out.substr(start, end - start);
    CHECK(record.size() == 3000);
    ++seen[record.substr(0, record.find(' '))];
  }
  CHECK(seen.size() == 600);
  for (const auto& [name, count] : seen) CHECK(count == 1);

  // Healed: chunkserver-3 is back, and whatever it held that went stale is gone.
  REQUIRE(WaitUntil(
      [&] {
        auto status = shell("status --json");
        auto fsck = shell("fsck /");
        return status.out.find("\"id\":\"chunkserver-3\",\"rack\":\"rack-1\"") != std::string::npos &&
               status.out.find("\"stale\":0") != std::string::npos &&
               fsck.out.find("under-replicated 0, corrupt 0, stale-only 0, lost 0") !=
                   std::string::npos &&
               shell("status").out.find("chunkserver-3    up") != std::string::npos;
      },
      30s));
}

}  // namespace
}  // namespace bucket::testing
