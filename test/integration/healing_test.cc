// A self-healing cluster of real processes on loopback: a killed chunkserver,
// a stopped one, a failing disk, a full disk, rotting chunk files, a restart
// mid-stream, garbage collection, a partition, and a new empty chunkserver.
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <thread>

#include "client/bucket_client.h"
#include "test/support/cluster_client.h"
#include "test/support/local_cluster.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kChunk = 1 << 20;

// Every chunk of `path` has `wanted` replicas, none of them on `not_on`.
bool FullyReplicated(client::BucketClient& client, const std::string& path, std::size_t wanted,
                     const std::string& not_on = "") {
  auto stat = client.Stat(path);
  if (!stat.ok()) return false;
  for (const auto& chunk : stat->chunks) {
    if (chunk.replicas.size() != wanted) return false;
    for (const auto& r : chunk.replicas) {
      if (r.node_id == not_on) return false;
    }
  }
  return true;
}

// The sanitizer runtime this test runs with, if any (ASan builds): a
// sanitized chunkserver under fiu-run must load it before libfiu's preloads,
// or it refuses to start.
std::string SanitizerRuntime() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const auto path = line.find('/');
    if (path != std::string::npos && line.find("/libasan.so") != std::string::npos) {
      return line.substr(path);
    }
  }
  return "";
}

// The master's view of one chunkserver's state (none if it is not listed or
// the master does not answer).
std::optional<messages::NodeState> StateOf(client::BucketClient& client,
                                           const std::string& node_id) {
  auto state = client.ClusterStatus();
  if (!state.ok()) return std::nullopt;
  for (const auto& cs : state->chunkservers) {
    if (cs.address.node_id == node_id) return cs.state;
  }
  return std::nullopt;
}

bool Healthy(client::BucketClient& client) {
  auto report = client.Fsck("/");
  return report.ok() && report->under_replicated + report->corrupt + report->stale_only +
                                report->lost == 0;
}

// The chunk files in a chunkserver's data folder.
std::vector<std::string> ChunkFiles(const std::string& data_dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/chunks", error)) {
    if (entry.path().extension() == ".chunk") files.push_back(entry.path());
  }
  return files;
}

TEST_CASE("healing: a killed chunkserver is dead within 5s and its chunks are back at 3 "
          "replicas within 30s",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 4;
  options.heartbeat = "1s";
  LocalCluster cluster(options);
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Create("/big").ok());
  const std::string data = Random(200 * kChunk, 1);
  REQUIRE(client->Write("/big", 0, data).ok());
  REQUIRE(FullyReplicated(*client, "/big", 3));

  const auto killed = Clock::now();
  REQUIRE(cluster.Cluster({"kill", "chunkserver-3"}).exit_code == 0);
  REQUIRE(WaitUntil(
      [&] { return StateOf(*client, "chunkserver-3") == messages::NodeState::kDead; },
      10s));
  const auto dead = Clock::now();
  CHECK(dead - killed <= 5s);
  REQUIRE(WaitUntil([&] { return FullyReplicated(*client, "/big", 3, "chunkserver-3"); }, 30s));
  CHECK(Clock::now() - dead <= 30s);
  CHECK(Healthy(*client));
  auto back = client->Read("/big", 0, data.size());
  REQUIRE(back.ok());
  CHECK(*back == data);
}

TEST_CASE("healing: writers carry on past a stopped chunkserver, its missed replicas are stale "
          "and never served",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 4;
  options.heartbeat = "200ms";  // leases of 2s
  LocalCluster cluster(options);
  cluster.Up();
  auto client = Connect(cluster, 1000);
  REQUIRE(client->Create("/stream").ok());
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> written{0};
  std::atomic<std::int64_t> longest_gap_ms{0};
  std::string model;
  std::mutex model_mu;
  std::thread writer([&] {
    auto last = Clock::now();
    for (std::uint64_t i = 0; !stop; ++i) {
      const std::string piece = Random(64 << 10, 100 + i);
      const std::uint64_t at = (i * (64 << 10)) % (6 * kChunk);  // overwrites keep it small
      if (!client->Write("/stream", at, piece).ok()) continue;
      const auto now = Clock::now();
      longest_gap_ms = std::max<std::int64_t>(
          longest_gap_ms, std::chrono::duration_cast<std::chrono::milliseconds>(now - last).count());
      last = now;
      std::lock_guard lock(model_mu);
      if (model.size() < at + piece.size()) model.resize(at + piece.size());
      model.replace(at, piece.size(), piece);
      ++written;
    }
  });
  REQUIRE(WaitUntil([&] { return written > 40; }, 20s));
  const pid_t victim = cluster.Pid("chunkserver-2");
  REQUIRE(victim > 0);
  REQUIRE(::kill(victim, SIGSTOP) == 0);
  const std::uint64_t before = written;
  std::this_thread::sleep_for(10s);  // the scenario itself: a node that is slow for 10s
  const std::uint64_t during = written - before;
  ::kill(victim, SIGCONT);
  REQUIRE(WaitUntil([&] { return written > before + during + 40; }, 20s));
  stop = true;
  writer.join();
  // A stopped primary holds its chunks' writers up for at most one 2s lease,
  // plus detection and a retry.
  CHECK(during > 20);
  CHECK(longest_gap_ms <= 4000);
  WARN("longest pause of the writer: " << longest_gap_ms << " ms; writes during the stop: "
                                       << during);
  // Its replicas that missed mutations are stale: never served; all reads match.
  REQUIRE(WaitUntil([&] { return Healthy(*client); }, 30s));
  for (int i = 0; i < 5; ++i) {
    auto back = client->Read("/stream", 0, model.size());
    REQUIRE(back.ok());
    CHECK(*back == model);
  }
}

TEST_CASE("healing: a disk that fails with EIO is marked failed and its chunks copied elsewhere",
          "[integration]") {
  if (::access("/usr/bin/fiu-run", X_OK) != 0) FAIL("fiu-run is missing (fiu-utils)");
  LocalClusterOptions options;
  options.chunkservers = 4;
  LocalCluster cluster(options);
  cluster.Up();
  // chunkserver-4 again, under fiu-run, so that its writes can be made to fail.
  REQUIRE(cluster.Cluster({"stop", "chunkserver-4"}).exit_code == 0);
  auto client = Connect(cluster);
  // Until the master sees the old process gone, "up" below would be its state.
  REQUIRE(WaitUntil(
      [&] {
        const auto state = StateOf(*client, "chunkserver-4");
        return state.has_value() && *state != messages::NodeState::kUp;
      },
      30s));
  const std::string fifo = cluster.temp() / "fiu";
  std::vector<std::string> command = {"/usr/bin/fiu-run", "-x", "-f", fifo};
  if (const std::string runtime = SanitizerRuntime(); !runtime.empty()) {
    command.insert(command.end(), {"/bin/sh", "-c",
                                   "LD_PRELOAD=\"" + runtime + " $LD_PRELOAD\" exec \"$0\" \"$@\""});
  }
  command.insert(command.end(), {Program("bucket-chunkserver"), "--config",
                                 cluster.dir() + "/chunkserver-4.toml"});
  ChildProcess faulty(command, cluster.temp() / "cs4.log");
  REQUIRE(WaitUntil(
      [&] {
        auto state = client->ClusterStatus();
        if (!Healthy(*client) || !state.ok() || state->chunkservers.size() != 4) return false;
        // The new chunkserver-4 has registered.
        for (const auto& cs : state->chunkservers) {
          if (cs.state != messages::NodeState::kUp) return false;
        }
        return true;
      },
      10s));
  REQUIRE(client->Create("/f").ok());
  const std::string data = Random(8 * kChunk, 3);
  REQUIRE(client->Write("/f", 0, data).ok());
  // The indexes of the chunks with a replica on chunkserver-4.
  auto on_four = [&] {
    std::vector<std::size_t> held;
    auto stat = client->Stat("/f");
    if (!stat.ok()) return std::vector<std::size_t>{~std::size_t{0}};
    for (std::size_t i = 0; i < stat->chunks.size(); ++i) {
      for (const auto& r : stat->chunks[i].replicas) {
        if (r.node_id == "chunkserver-4") held.push_back(i);
      }
    }
    return held;
  };
  const auto held = on_four();
  REQUIRE(!held.empty());
  auto enable = RunCommand({"/usr/bin/fiu-ctrl", "-f", fifo, "-c",
                            "enable name=posix/io/rw/pwrite,failinfo=5",
                            std::to_string(faulty.pid())});
  INFO(enable.output);
  REQUIRE(enable.exit_code == 0);
  // The next write to a chunk there fails on that disk: it is marked failed.
  const std::size_t offset = held.front() * kChunk;
  REQUIRE(client->Write("/f", offset, data.substr(offset, kChunk)).ok());
  REQUIRE(WaitUntil(
      [&] {
        auto state = client->ClusterStatus();
        if (!state.ok()) return false;
        for (const auto& cs : state->chunkservers) {
          if (cs.address.node_id == "chunkserver-4") return cs.load.failed_disks == 1;
        }
        return false;
      },
      10s));
  REQUIRE(WaitUntil([&] { return on_four().empty() && FullyReplicated(*client, "/f", 3); }, 30s));
  CHECK(*client->Read("/f", 0, data.size()) == data);
  faulty.Stop(SIGKILL);
}

TEST_CASE("healing: a full disk gives writers a clear NoSpace and corrupts nothing",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 3;
  LocalCluster cluster(options);
  // Every chunkserver's data on a small tmpfs of its own.
  std::vector<std::string> mounts;
  for (int k = 1; k <= 3; ++k) {
    const std::string dir = cluster.DataDir(k);
    std::filesystem::create_directories(dir);
    REQUIRE(::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=3m") == 0);
    mounts.push_back(dir);
  }
  struct Unmount {
    std::vector<std::string>& dirs;
    LocalCluster& cluster;
    ~Unmount() {
      cluster.Cluster({"down"});
      for (const auto& d : dirs) ::umount2(d.c_str(), MNT_DETACH);
    }
  } unmount{mounts, cluster};
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Create("/f").ok());
  const std::string first = Random(kChunk, 4);
  REQUIRE(client->Write("/f", 0, first).ok());
  Status full = client->Write("/f", kChunk, Random(3 * kChunk, 5));
  REQUIRE_FALSE(full.ok());
  CHECK(full.code() == Code::kNoSpace);
  CHECK(full.ToString().find("no space") != std::string::npos);
  CHECK(*client->Read("/f", 0, first.size()) == first);
  CHECK(client->Write("/f", 100, "still fine where it fits").ok());
  auto state = client->ClusterStatus();
  REQUIRE(state.ok());
  for (const auto& cs : state->chunkservers) CHECK(cs.state == messages::NodeState::kUp);
}

TEST_CASE("healing: rotting chunk files are found by reads and the scrubber and replaced",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 4;
  options.extra_chunkserver = "[scrub]\nrate = \"16MiB\"\ninterval = \"200ms\"";
  LocalCluster cluster(options);
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Create("/read").ok());
  REQUIRE(client->Create("/cold").ok());
  const std::string read_data = Random(4 * kChunk, 6), cold_data = Random(4 * kChunk, 7);
  REQUIRE(client->Write("/read", 0, read_data).ok());
  REQUIRE(client->Write("/cold", 0, cold_data).ok());
  // One replica of every chunk rots, on whichever node holds it first.
  int flipped = 0;
  for (const char* path : {"/read", "/cold"}) {
    auto stat = client->Stat(path);
    for (const auto& chunk : stat->chunks) {
      const int k = std::stoi(chunk.replicas[0].node_id.substr(12));
      char name[64];
      std::snprintf(name, sizeof(name), "/chunks/%016llx.chunk",
                    static_cast<unsigned long long>(chunk.handle));
      std::fstream file(cluster.DataDir(k) + name, std::ios::in | std::ios::out | std::ios::binary);
      REQUIRE(file.good());
      file.seekg(12345);
      char byte = 0;
      file.read(&byte, 1);
      byte = static_cast<char>(byte ^ 0x20);
      file.seekp(12345);
      file.write(&byte, 1);
      ++flipped;
    }
  }
  REQUIRE(flipped == 8);
  for (int i = 0; i < 4; ++i) CHECK(*client->Read("/read", 0, read_data.size()) == read_data);
  // The cold file is never read: the scrubber finds its rot.
  REQUIRE(WaitUntil(
      [&] {
        auto report = client->Fsck("/");
        return report.ok() && report->healthy == 8 && report->corrupt == 0;
      },
      60s));
  CHECK(*client->Read("/cold", 0, cold_data.size()) == cold_data);
  CHECK(*client->Read("/read", 0, read_data.size()) == read_data);
}

TEST_CASE("healing: a chunkserver killed mid-stream and restarted loses nothing acknowledged, "
          "its stale replicas go",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 4;
  options.heartbeat = "200ms";
  LocalCluster cluster(options);
  cluster.Up();
  auto client = Connect(cluster, 1000);
  REQUIRE(client->Create("/log").ok());
  std::string model;
  for (int i = 0; i < 60; ++i) {
    const std::string piece = Random(100000, 200 + i);
    REQUIRE(client->Write("/log", model.size(), piece).ok());
    model += piece;
    if (i == 20) REQUIRE(cluster.Cluster({"kill", "chunkserver-1"}).exit_code == 0);
    if (i == 45) REQUIRE(cluster.Cluster({"start", "chunkserver-1"}).exit_code == 0);
  }
  REQUIRE(WaitUntil([&] { return Healthy(*client) && FullyReplicated(*client, "/log", 3); }, 30s));
  auto back = client->Read("/log", 0, model.size());
  REQUIRE(back.ok());
  CHECK(*back == model);
  // The restarted chunkserver's stale replicas are deleted once it has
  // reported them, which may come after the chunks are whole elsewhere.
  CHECK(WaitUntil(
      [&] {
        auto state = client->ClusterStatus();
        return state.ok() && state->health.stale == 0;
      },
      30s));
}

TEST_CASE("healing: deleted files' chunk files leave every disk after the grace period",
          "[integration]") {
  LocalClusterOptions options;
  options.extra_master = "[trash]\ngrace = \"2s\"";
  LocalCluster cluster(options);
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Create("/keep").ok());
  REQUIRE(client->Write("/keep", 0, Random(kChunk + 1, 8)).ok());
  const std::size_t kept = ChunkFiles(cluster.DataDir(1)).size();
  REQUIRE(client->Mkdir("/tmp").ok());
  for (int i = 0; i < 5; ++i) {
    const std::string path = "/tmp/f" + std::to_string(i);
    REQUIRE(client->Create(path).ok());
    REQUIRE(client->Write(path, 0, Random(2 * kChunk, 9 + i)).ok());
  }
  for (int k = 1; k <= 3; ++k) CHECK(ChunkFiles(cluster.DataDir(k)).size() == kept + 10);
  client::RemoveOptions recursive;
  recursive.recursive = true;
  REQUIRE(client->Remove("/tmp", recursive).ok());
  REQUIRE(WaitUntil(
      [&] {
        for (int k = 1; k <= 3; ++k) {
          if (ChunkFiles(cluster.DataDir(k)).size() != kept) return false;
        }
        return true;
      },
      30s));
  CHECK(client->Undelete("/tmp").code() == Code::kNotFound);
  CHECK(client->Read("/keep", 0, 10).ok());
}

TEST_CASE("healing: a new, empty chunkserver takes replicas until disk use evens out",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 4;
  options.extra_master = "[rebalance]\nthreshold = 0.1\ninterval = \"500ms\"";
  options.capacity = "40MiB";
  // chunkserver-4 joins later, empty.
  LocalCluster cluster(options);
  REQUIRE(cluster.Cluster({"start", "master"}).exit_code == 0);
  for (int k = 1; k <= 3; ++k) {
    REQUIRE(cluster.Cluster({"start", "chunkserver-" + std::to_string(k)}).exit_code == 0);
  }
  auto client = Connect(cluster);
  REQUIRE(WaitUntil([&] { return client->Create("/f").ok(); }, 10s));
  const std::string data = Random(24 * kChunk, 10);  // 24 MiB on each of three: 60% full
  REQUIRE(client->Write("/f", 0, data).ok());
  REQUIRE(cluster.Cluster({"start", "chunkserver-4"}).exit_code == 0);
  auto spread = [&] {
    auto state = client->ClusterStatus();
    double low = 1, high = 0;
    if (!state.ok() || state->chunkservers.size() != 4) return 1.0;
    for (const auto& cs : state->chunkservers) {
      const double used = static_cast<double>(cs.load.used_bytes) / cs.load.capacity_bytes;
      low = std::min(low, used);
      high = std::max(high, used);
    }
    return high - low;
  };
  REQUIRE(WaitUntil([&] { return spread() <= 0.1 + 1.0 / 40; }, 60s));
  // A move is a clone then a surplus delete: one may still be in flight.
  CHECK(WaitUntil([&] { return FullyReplicated(*client, "/f", 3); }, 30s));
  CHECK(*client->Read("/f", 0, data.size()) == data);
}

}  // namespace
}  // namespace bucket::testing
