// Snapshots against real processes: a tree snapshotted while a writer appends,
// copy-on-write on every replica without network traffic, independence of the
// two sides, deletion of the source, and reference counts across a master
// SIGKILL.
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "client/bucket_client.h"
#include "test/support/cluster_client.h"
#include "test/support/local_cluster.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;
constexpr std::uint64_t kChunk = 1 << 20;

struct Counters {
  std::uint64_t local_copy_bytes = 0;
  std::uint64_t write_bytes = 0;
};

// Summed over the chunkservers, as of their last heartbeats.
Counters ClusterCounters(client::BucketClient& client) {
  Counters total;
  auto state = client.ClusterStatus();
  REQUIRE(state.ok());
  for (const auto& cs : state->chunkservers) {
    total.local_copy_bytes += cs.load.local_copy_bytes;
    total.write_bytes += cs.load.write_bytes;
  }
  return total;
}

std::set<std::string> Payloads(client::BucketClient& client, const std::string& path) {
  auto records = client.ReadRecords(path);
  REQUIRE(records.ok());
  std::set<std::string> payloads;
  for (const auto& r : *records) CHECK(payloads.insert(r.payload).second);  // each once
  return payloads;
}

TEST_CASE("snapshot: a tree taken while a writer appends holds what was acknowledged before it",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  auto client = Connect(cluster, 5000);
  REQUIRE(client->Mkdir("/t").ok());
  REQUIRE(client->Create("/t/log").ok());
  REQUIRE(client->Create("/t/data").ok());
  std::string data = Random(2 * kChunk + kChunk / 2, 1);
  REQUIRE(client->Write("/t/data", 0, data).ok());

  // The writer: record i is appended, then counted as acknowledged.
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    auto own = Connect(cluster, 5000);
    for (int i = 0; !stop; ++i) {
      if (own->AppendRecord("/t/log", "record-" + std::to_string(i)).ok()) {
        acked = i + 1;
      } else {
        ++failures;
        break;
      }
    }
  });
  struct Stopper {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~Stopper() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  } stopper{stop, writer};

  REQUIRE(WaitUntil([&] { return acked >= 50; }, 20s));
  const int acked_before = acked;
  REQUIRE(client->Snapshot("/t", "/snap/t", /*parents=*/true).ok());
  const int acked_by_return = acked;
  REQUIRE(WaitUntil([&] { return acked >= acked_by_return + 50; }, 20s));
  stop = true;
  writer.join();
  REQUIRE(failures == 0);

  // The snapshot has every record acknowledged before it was asked for, and
  // none acknowledged after it returned; the source has them all.
  const auto in_snapshot = Payloads(*client, "/snap/t/log");
  for (int i = 0; i < acked_before; ++i) CHECK(in_snapshot.count("record-" + std::to_string(i)));
  for (int i = acked_by_return + 1; i < acked; ++i) {
    CHECK(in_snapshot.count("record-" + std::to_string(i)) == 0);
  }
  const auto in_source = Payloads(*client, "/t/log");
  for (int i = 0; i < acked; ++i) CHECK(in_source.count("record-" + std::to_string(i)));
  CHECK(in_source.size() > in_snapshot.size());

  // Every chunk of the data file is shared by two files until someone writes it.
  auto shared = client->Stat("/snap/t/data");
  REQUIRE(shared.ok());
  REQUIRE(shared->chunks.size() == 3);
  CHECK(shared->chunks[0].references == 2);

  // A write to the snapshot copies the shared chunk on each replica's own disk.
  // The counters come with heartbeats: first wait for ones sent after the writer stopped.
  const auto quiet = std::chrono::steady_clock::now();
  REQUIRE(WaitUntil([&] {
    auto state = client->ClusterStatus();
    const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - quiet).count();
    if (!state.ok()) return false;
    for (const auto& cs : state->chunkservers) {
      if (static_cast<std::int64_t>(cs.heartbeat_age_ms) >= since) return false;
    }
    return true;
  }, 10s));
  const Counters before = ClusterCounters(*client);
  std::string snapshot_data = data;
  const std::string patch = Random(4096, 2);
  REQUIRE(client->Write("/snap/t/data", 100, patch).ok());
  snapshot_data.replace(100, patch.size(), patch);
  REQUIRE(WaitUntil([&] {
    return ClusterCounters(*client).local_copy_bytes >= before.local_copy_bytes + 3 * kChunk;
  }, 10s));
  const Counters after = ClusterCounters(*client);
  // (The source log's shared last chunk may have been copied meanwhile too, for
  // the writer's first append after the snapshot: a few KiB.)
  CHECK(after.local_copy_bytes - before.local_copy_bytes < 4 * kChunk);
  // Over the network came the patch (on each replica), not the chunk.
  CHECK(after.write_bytes - before.write_bytes < kChunk);
  auto copied = client->Stat("/snap/t/data");
  auto source = client->Stat("/t/data");
  REQUIRE(copied.ok());
  REQUIRE(source.ok());
  CHECK(copied->chunks[0].handle != source->chunks[0].handle);
  CHECK(copied->chunks[0].references == 1);
  CHECK(copied->chunks[0].replicas.size() == 3);
  CHECK(copied->chunks[1].handle == source->chunks[1].handle);
  CHECK(copied->chunks[1].references == 2);

  // A write to the source never shows in the snapshot, nor the other way.
  const std::string other = Random(8192, 3);
  REQUIRE(client->Write("/t/data", kChunk + 7, other).ok());
  data.replace(kChunk + 7, other.size(), other);
  CHECK(*client->Read("/t/data", 0, data.size()) == data);
  CHECK(*client->Read("/snap/t/data", 0, snapshot_data.size()) == snapshot_data);

  // Deleting the source for good leaves the snapshot whole.
  client::RemoveOptions purge;
  purge.recursive = true;
  purge.purge = true;
  REQUIRE(client->Remove("/t", purge).ok());
  CHECK(*client->Read("/snap/t/data", 0, snapshot_data.size()) == snapshot_data);
  CHECK(Payloads(*client, "/snap/t/log") == in_snapshot);
  auto alone = client->Stat("/snap/t/data");
  REQUIRE(alone.ok());
  for (const auto& chunk : alone->chunks) CHECK(chunk.references == 1);
}

TEST_CASE("snapshot: reference counts and copies survive a master SIGKILL and restart",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  auto client = Connect(cluster, 5000);
  REQUIRE(client->Create("/f").ok());
  const std::string data = Random(2 * kChunk, 4);
  REQUIRE(client->Write("/f", 0, data).ok());
  REQUIRE(client->Snapshot("/f", "/s").ok());
  CHECK(client->Snapshot("/f", "/s").code() == Code::kAlreadyExists);
  CHECK(client->Snapshot("/missing", "/x").code() == Code::kNotFound);

  auto restart_master = [&] {
    REQUIRE(cluster.Cluster({"kill", "master"}).exit_code == 0);
    REQUIRE(cluster.Cluster({"start", "master"}).exit_code == 0);
    REQUIRE(WaitUntil([&] { return client->Stat("/s").ok(); }, 30s));
  };
  auto references = [&](const std::string& path) {
    std::vector<std::uint32_t> counts;
    auto stat = client->Stat(path);
    REQUIRE(stat.ok());
    for (const auto& chunk : stat->chunks) counts.push_back(chunk.references);
    return counts;
  };
  restart_master();
  CHECK(references("/s") == std::vector<std::uint32_t>{2, 2});

  // Copy-on-write after the restart, then another restart replays it.
  const std::string patch = Random(1000, 5);
  REQUIRE(WaitUntil([&] { return client->Write("/s", 10, patch).ok(); }, 30s));
  restart_master();
  CHECK(references("/s") == std::vector<std::uint32_t>{1, 2});
  CHECK(references("/f") == std::vector<std::uint32_t>{1, 2});
  std::string expected = data;
  expected.replace(10, patch.size(), patch);
  CHECK(*client->Read("/s", 0, expected.size()) == expected);
  CHECK(*client->Read("/f", 0, data.size()) == data);
}

}  // namespace
}  // namespace bucket::testing
