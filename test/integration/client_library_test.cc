// libbucket against real processes on loopback: file sizes around chunk
// boundaries, random-offset writes against a local model, reads and writes
// while a replica is down, and the typed error of every failure.
#include <signal.h>

#include <catch2/catch.hpp>
#include <future>
#include <map>
#include <mutex>
#include <random>

#include "client/bucket_client.h"
#include "test/support/cluster_client.h"
#include "test/support/local_cluster.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;
constexpr std::uint64_t kChunk = 1 << 20;

TEST_CASE("library: files of 0, 1, a chunk, a chunk and a byte, and many chunks",
          "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 3;
  LocalCluster cluster(options);
  cluster.Up();
  auto client = Connect(cluster);
  for (std::uint64_t size : {std::uint64_t{0}, std::uint64_t{1}, kChunk, kChunk + 1, 7 * kChunk + 4321}) {
    INFO("size " << size);
    const std::string path = "/sizes/f" + std::to_string(size);
    client::CreateOptions create;
    create.parents = true;
    REQUIRE(client->Create(path, create).ok());
    const std::string data = Random(size, size);
    REQUIRE(client->Write(path, 0, data).ok());
    auto back = client->Read(path, 0, size + 1000);
    REQUIRE(back.ok());
    CHECK(back->size() == size);
    CHECK(*back == data);
    auto stat = client->Stat(path);
    REQUIRE(stat.ok());
    CHECK(stat->info.size == size);
    CHECK(stat->info.chunk_count == (size + kChunk - 1) / kChunk);
    for (const auto& chunk : stat->chunks) CHECK(chunk.replicas.size() == 3);
  }
}

TEST_CASE("library: random-offset writes match a local model file", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Create("/model").ok());
  std::string model;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 40; ++i) {
    const std::uint64_t offset = rng() % (5 * kChunk);
    const std::string data = Random(1 + rng() % (kChunk + kChunk / 2), i);
    REQUIRE(client->Write("/model", offset, data).ok());
    if (model.size() < offset + data.size()) model.resize(offset + data.size(), '\0');
    model.replace(offset, data.size(), data);
    if (i % 10 == 9) {
      const std::uint64_t at = rng() % model.size();
      auto piece = client->Read("/model", at, 200000);
      REQUIRE(piece.ok());
      CHECK(*piece == model.substr(at, 200000));
    }
  }
  auto back = client->Read("/model", 0, model.size() + 1);
  REQUIRE(back.ok());
  CHECK(*back == model);
}

TEST_CASE("library: reads and writes go on while one replica is down", "[integration]") {
  LocalClusterOptions options;
  options.chunkservers = 4;  // new chunks still find three live chunkservers
  LocalCluster cluster(options);
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Create("/f").ok());
  const std::string data = Random(3 * kChunk + 100, 1);
  REQUIRE(client->Write("/f", 0, data).ok());
  auto stat = client->Stat("/f");
  REQUIRE(stat.ok());
  const std::string victim = stat->chunks[0].replicas[0].node_id;
  REQUIRE(cluster.Cluster({"kill", victim}).exit_code == 0);
  // Reads fail over at once, without waiting for the master to notice.
  auto back = client->Read("/f", 0, data.size());
  REQUIRE(back.ok());
  CHECK(*back == data);
  // Writes to chunks that had a replica there go on without it.
  const std::string more = Random(2 * kChunk, 2);
  REQUIRE(client->Write("/f", kChunk / 2, more).ok());
  std::string model = data;
  model.replace(kChunk / 2, more.size(), more);
  back = client->Read("/f", 0, model.size());
  REQUIRE(back.ok());
  CHECK(*back == model);
  auto appended = client->AppendRecord("/log", "x");  // a missing file: a typed error
  CHECK(appended.status().code() == Code::kNotFound);
}

TEST_CASE("library: every error path returns its typed error", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Mkdir("/d").ok());
  REQUIRE(client->Create("/d/f").ok());
  CHECK(client->Mkdir("/d").code() == Code::kAlreadyExists);
  CHECK(client->Mkdir("/x/y").code() == Code::kNotFound);
  CHECK(client->Create("/d/f").code() == Code::kAlreadyExists);
  CHECK(client->Create("/d").code() == Code::kIsADirectory);
  CHECK(client->Create("/d/f/g").code() == Code::kNotADirectory);
  CHECK(client->Create("relative").code() == Code::kInvalidPath);
  CHECK(client->Create("/a//b").code() == Code::kInvalidPath);
  CHECK(client->Remove("/d").code() == Code::kDirectoryNotEmpty);
  CHECK(client->Remove("/nope").code() == Code::kNotFound);
  CHECK(client->Rename("/nope", "/x").code() == Code::kNotFound);
  CHECK(client->Rename("/d", "/d/inside").code() == Code::kInvalidArgument);
  CHECK(client->Undelete("/never").code() == Code::kNotFound);
  CHECK(client->Stat("/nope").status().code() == Code::kNotFound);
  CHECK(client->List("/d/f/x").status().code() == Code::kNotADirectory);
  CHECK(client->Read("/nope", 0, 1).status().code() == Code::kNotFound);
  CHECK(client->Read("/d", 0, 1).status().code() == Code::kIsADirectory);
  CHECK(client->Write("/nope", 0, "x").code() == Code::kNotFound);
  CHECK(client->Append("/d/f", std::string(kChunk / 4 + 1, 'x')).status().code() ==
        Code::kInvalidArgument);
  client::CreateOptions bad;
  bad.replication = 99;
  CHECK(client->Create("/d/g", bad).code() == Code::kInvalidArgument);
  // A master that is gone: a timeout, not a hang.
  REQUIRE(cluster.Cluster({"kill", "master"}).exit_code == 0);
  config::ClientConfig cc;
  cc.master_rpc = cluster.master_rpc();
  cc.request_timeout_ms = 200;
  cc.request_attempts = 2;
  auto impatient = client::BucketClient::Connect(cc);
  REQUIRE(impatient.ok());
  CHECK((*impatient)->Stat("/d").status().code() == Code::kTimeout);
}

TEST_CASE("library: one client used from several threads", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Mkdir("/t").ok());
  REQUIRE(client->Create("/t/shared").ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const std::string path = "/t/f" + std::to_string(t) + "-" + std::to_string(i);
        const std::string data = Random(10000 + i, t * 100 + i);
        if (!client->Create(path).ok() || !client->Write(path, 0, data).ok()) ++failures;
        auto back = client->Read(path, 0, data.size());
        if (!back.ok() || *back != data) ++failures;
        if (!client->AppendRecord("/t/shared", path).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  auto records = client->ReadRecords("/t/shared");
  REQUIRE(records.ok());
  CHECK(records->size() == 60);
}

TEST_CASE("library: pipelined calls, many in flight, each answered once", "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  auto client = Connect(cluster);
  REQUIRE(client->Mkdir("/p").ok());
  REQUIRE(client->Create("/p/taken").ok());

  // 200 creates, 32 in flight, each next one started from a callback; one of
  // them is a name that exists and must fail alone.
  constexpr int kFiles = 200;
  std::mutex mu;
  std::map<int, Status> outcome;
  std::atomic<int> next{0};
  std::promise<void> all_done;
  std::function<void()> start_next = [&] {
    const int i = next.fetch_add(1);
    if (i >= kFiles) return;
    const std::string path = i == 77 ? "/p/taken" : "/p/f" + std::to_string(i);
    client->CreateAsync(path, {}, [&, i](Status status) {
      std::lock_guard lock(mu);
      outcome.emplace(i, std::move(status));
      if (outcome.size() == kFiles) all_done.set_value();
      start_next();
    });
  };
  for (int k = 0; k < 32; ++k) start_next();
  REQUIRE(all_done.get_future().wait_for(30s) == std::future_status::ready);
  REQUIRE(outcome.size() == kFiles);
  for (const auto& [i, status] : outcome) {
    INFO("create " << i << ": " << status.ToString());
    CHECK(status.code() == (i == 77 ? Code::kAlreadyExists : Code::kOk));
  }
  auto listed = client->List("/p");
  REQUIRE(listed.ok());
  CHECK(listed->size() == kFiles);  // 199 new files and /p/taken

  // Stats in flight together, answered with their own file's info.
  std::promise<std::vector<std::string>> names_promise;
  auto names = std::make_shared<std::vector<std::string>>();
  std::atomic<int> stats_left{10};
  for (int i = 0; i < 10; ++i) {
    client->StatAsync("/p/f" + std::to_string(i), [&, i, names](Result<client::FileStat> stat) {
      {
        std::lock_guard lock(mu);
        names->push_back(stat.ok() ? stat->info.name : "error " + stat.status().ToString());
      }
      if (--stats_left == 0) names_promise.set_value(*names);
    });
  }
  auto stat_names = names_promise.get_future().get();
  std::sort(stat_names.begin(), stat_names.end());
  std::vector<std::string> expected;
  for (int i = 0; i < 10; ++i) expected.push_back("f" + std::to_string(i));
  std::sort(expected.begin(), expected.end());
  CHECK(stat_names == expected);

  // A bad path is refused before it is sent, on the caller's thread.
  bool refused = false;
  client->RemoveAsync("relative/path", {}, [&](Status status) {
    refused = status.code() == Code::kInvalidPath;
  });
  CHECK(refused);

  // A blocking call from a callback would wait for its own thread: it fails
  // at once instead of hanging the client.
  std::promise<Status> inner;
  client->MkdirAsync("/q", false, [&](Status) { inner.set_value(client->Mkdir("/q2")); });
  auto inner_future = inner.get_future();
  REQUIRE(inner_future.wait_for(30s) == std::future_status::ready);
  CHECK(inner_future.get().code() == Code::kInternal);
  CHECK(client->Stat("/q").ok());
  CHECK(client->Stat("/q2").status().code() == Code::kNotFound);
}

}  // namespace
}  // namespace bucket::testing
