// The data path on the simulated network, with the real master, chunkserver
// and client code: the push chain, writes, record appends, reads, failures.
#include <catch2/catch.hpp>
#include <algorithm>
#include <random>
#include <set>
#include <sstream>

#include "actors/core/crc32c.h"
#include "test/sim/sim_cluster.h"
#include "test/support/fake_chunkserver.h"

namespace bucket::testing {
namespace {

using actors::Millis;
namespace msg = messages;

std::string Random(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

std::unique_ptr<SimCluster> Ready(std::uint64_t seed, SimClusterOptions options = {}) {
  auto cluster = std::make_unique<SimCluster>(seed, options);
  REQUIRE(cluster->WaitReady());
  return cluster;
}

// Every current replica of every chunk of `path` holds identical bytes.
void CheckReplicasIdentical(SimCluster& cluster, const std::string& path) {
  auto stat = cluster.Stat(path);
  REQUIRE(stat.ok());
  for (const auto& chunk : stat->chunks) {
    std::optional<std::string> first;
    for (const auto& replica : chunk.replicas) {
      const int i = std::stoi(replica.node_id.substr(2));
      auto bytes = cluster.ReplicaBytes(i, chunk.handle);
      REQUIRE(bytes.ok());
      if (!first) {
        first = *bytes;
      } else {
        CHECK(*bytes == *first);
      }
    }
  }
}

TEST_CASE("data path: a write across chunks reads back, identical on every replica",
          "[sim][chunkserver]") {
  auto owner = Ready(1);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  const std::string data = Random(3 * (1 << 20) + 12345, 1);  // 3 chunks and a bit
  REQUIRE(cluster.Write("/f", 0, data).ok());
  auto back = cluster.Read("/f", 0, data.size() + 100);
  REQUIRE(back.ok());
  CHECK(back->size() == data.size());
  CHECK(*back == data);
  auto stat = cluster.Stat("/f");
  REQUIRE(stat.ok());
  CHECK(stat->info.chunk_count == 4);
  CHECK(stat->info.size == data.size());  // committed lengths reached the master
  for (const auto& chunk : stat->chunks) CHECK(chunk.replicas.size() == 3);
  CheckReplicasIdentical(cluster, "/f");
  CHECK(*cluster.Read("/f", (1 << 20) - 10, 20) == data.substr((1 << 20) - 10, 20));
}

TEST_CASE("data path: random-offset writes match a local model", "[sim][chunkserver]") {
  auto owner = Ready(2);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/m", 0, 0, false, false}).ok());
  std::string model;
  std::mt19937_64 rng(2);
  for (int i = 0; i < 25; ++i) {
    const std::uint64_t offset = rng() % (3 << 20);
    const std::string data = Random(1 + rng() % 300000, 100 + i);
    REQUIRE(cluster.Write("/m", offset, data).ok());
    if (model.size() < offset + data.size()) model.resize(offset + data.size(), '\0');
    model.replace(offset, data.size(), data);
  }
  auto back = cluster.Read("/m", 0, model.size() + 10);
  REQUIRE(back.ok());
  CHECK(back->size() == model.size());
  CHECK(*back == model);  // holes read as zeros
  CheckReplicasIdentical(cluster, "/m");
}

TEST_CASE("data path: concurrent writes to one chunk leave every replica identical",
          "[sim][chunkserver]") {
  SimClusterOptions options;
  options.clients = 4;
  options.faults.delay_max = Millis(5);
  options.faults.reorder = true;
  auto owner = Ready(3, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/c", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/c", 0, std::string(500000, '.')).ok());
  std::vector<std::shared_ptr<std::optional<Status>>> writes;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 40; ++i) {
    writes.push_back(cluster.StartWrite("/c", rng() % 400000, Random(1 + rng() % 100000, i),
                                        1 + i % 4));
  }
  REQUIRE(cluster.net().RunUntil(
      [&] {
        return std::all_of(writes.begin(), writes.end(), [](auto& w) { return w->has_value(); });
      },
      Millis(120000)));
  for (auto& w : writes) CHECK(w->value().ok());
  CheckReplicasIdentical(cluster, "/c");  // consistent, though mingled (GFS 3.3)
}

TEST_CASE("data path: concurrent record appends are whole at their offsets everywhere",
          "[sim][chunkserver]") {
  SimClusterOptions options;
  options.clients = 3;
  options.faults.delay_max = Millis(4);
  auto owner = Ready(4, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/log", 0, 0, false, false}).ok());
  struct Pending {
    std::string record;
    std::shared_ptr<std::optional<Result<std::uint64_t>>> result;
  };
  std::vector<Pending> appends;
  std::mt19937_64 rng(4);
  for (int i = 0; i < 60; ++i) {
    // Up to 200 KiB: several records do not fit the 1 MiB chunks' tails.
    std::string record = "<" + std::to_string(i) + ">" + Random(1000 + rng() % 200000, i) + "|";
    appends.push_back({record, cluster.StartAppend("/log", record, 1 + i % 3)});
  }
  REQUIRE(cluster.net().RunUntil(
      [&] {
        return std::all_of(appends.begin(), appends.end(),
                           [](auto& a) { return a.result->has_value(); });
      },
      Millis(120000)));
  auto stat = cluster.Stat("/log");
  REQUIRE(stat.ok());
  CHECK(stat->info.chunk_count >= 4);  // padding moved records on to new chunks
  std::set<std::uint64_t> offsets;
  for (const auto& a : appends) {
    REQUIRE(a.result->value().ok());
    const std::uint64_t offset = *a.result->value();
    CHECK(offsets.insert(offset).second);
    CHECK(offset % (1 << 20) + a.record.size() <= (1u << 20));  // never across chunks
    // Whole at its offset on every replica of its chunk.
    const auto& chunk = stat->chunks[offset / (1 << 20)];
    for (const auto& replica : chunk.replicas) {
      auto bytes = cluster.ReplicaBytes(std::stoi(replica.node_id.substr(2)), chunk.handle);
      REQUIRE(bytes.ok());
      CHECK(bytes->substr(offset % (1 << 20), a.record.size()) == a.record);
    }
  }
}

TEST_CASE("data path: a record larger than a quarter chunk is refused", "[sim][chunkserver]") {
  auto owner = Ready(5);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/log", 0, 0, false, false}).ok());
  auto too_big = cluster.Append("/log", std::string((1 << 18) + 1, 'x'));
  REQUIRE_FALSE(too_big.ok());
  CHECK(too_big.status().code() == Code::kInvalidArgument);
  CHECK(cluster.Append("/log", std::string(1 << 18, 'x')).ok());
}

TEST_CASE("data path: a secondary that dies mid-write fails it visibly, a retry on a fresh "
          "lease succeeds without it",
          "[sim][chunkserver]") {
  auto owner = Ready(6);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, "warm up").ok());
  auto stat = cluster.Stat("/f");
  const auto chunk = stat->chunks[0];
  const std::string primary_id = chunk.replicas[0].node_id;
  const std::string secondary_id = chunk.replicas[2].node_id;

  // By hand, as a client would: reserve, push, then the secondary dies, then write.
  auto& net = cluster.net();
  std::optional<msg::Message> answer;
  class Raw : public actors::Actor {
   public:
    void Start(actors::Context&) override {}
    void Handle(const actors::Inbound& in, actors::Context&) override {
      replies.push_back(in.message);
    }
    void OnTimer(actors::TimerId, actors::Context&) override {}
    std::vector<msg::Message> replies;
  };
  auto raw = std::make_unique<Raw>();
  Raw* client = raw.get();
  actors::SocketPlan plan;
  plan.node_id = "raw";
  net.AddNode(plan, std::move(raw));
  std::vector<msg::ChainHop> chain;
  for (const auto& r : chunk.replicas) chain.push_back({r.node_id, r.rpc_endpoint, r.data_endpoint});
  const std::string data = "bytes that will not land everywhere";
  net.Post("raw", [&](actors::Context& ctx) {
    ctx.Request(chain[0].rpc_endpoint, 1,
                msg::PushReserveRequest{"raw-1", data.size(), {chain[1], chain[2]}});
  });
  REQUIRE(net.RunUntil([&] { return client->replies.size() == 1; }, Millis(2000)));
  CHECK(std::get<msg::PushReserveResponse>(client->replies[0]).code == Code::kOk);
  net.Post("raw", [&](actors::Context& ctx) {
    ctx.Push(chain[0].data_endpoint,
             msg::DataPiece{"raw-1", 0, data.size(), Crc32c(data), {chain[1], chain[2]}},
             Payload::FromString(data));
  });
  net.RunFor(Millis(20));
  cluster.CrashChunkserver(std::stoi(secondary_id.substr(2)));
  net.Post("raw", [&](actors::Context& ctx) {
    ctx.Request(chain[0].rpc_endpoint, 2,
                msg::WriteRequest{chunk.handle, chunk.version, 100, "raw-1", data.size()});
  });
  REQUIRE(net.RunUntil([&] { return client->replies.size() == 2; }, Millis(5000)));
  const auto& written = std::get<msg::WriteResponse>(client->replies[1]);
  CHECK(written.code != Code::kOk);  // never reports success
  CHECK(written.failed_replicas == std::vector<std::string>{secondary_id});

  // The library retries on a fresh lease without the dead secondary.
  REQUIRE(cluster.Write("/f", 100, data).ok());
  CHECK(cluster.Read("/f", 100, data.size()).value() == data);
  auto after = cluster.Stat("/f");
  CHECK(after->chunks[0].version > chunk.version);
  for (const auto& r : after->chunks[0].replicas) CHECK(r.node_id != secondary_id);
  (void)primary_id;
}

TEST_CASE("data path: a silent secondary is blamed, not the primary, when the client waits "
          "as long as the primary does",
          "[sim][chunkserver]") {
  // As shipped, a client waits for an answer as long as a primary waits for
  // its secondaries; or a client may wait less. Either way the primary's
  // answer, naming the silent secondary, must come before the client gives up
  // and blames the primary.
  SimClusterOptions options;
  std::tie(options.request_timeout_ms, options.mutation_timeout_ms) =
      GENERATE(std::make_pair(2000, 2000), std::make_pair(1000, 4000));
  CAPTURE(options.request_timeout_ms, options.mutation_timeout_ms);
  auto owner = Ready(41, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, "warm up").ok());
  const auto chunk = cluster.Stat("/f")->chunks[0];
  const std::string primary_id = chunk.replicas[0].node_id;
  const std::string silent_id = chunk.replicas[2].node_id;  // the chain's end: the push
                                                            // reaches the others
  cluster.CrashChunkserver(std::stoi(silent_id.substr(2)));

  const std::string data = "written past a silent secondary";
  REQUIRE(cluster.Write("/f", 100, data).ok());
  CHECK(cluster.Read("/f", 100, data.size()).value() == data);
  auto after = cluster.Stat("/f");
  REQUIRE(after.ok());
  std::set<std::string> kept;
  for (const auto& r : after->chunks[0].replicas) kept.insert(r.node_id);
  CHECK(kept.count(silent_id) == 0);
  CHECK(kept.count(primary_id) == 1);
  CHECK(kept.count(chunk.replicas[1].node_id) == 1);
}

TEST_CASE("data path: a push larger than the buffers is refused with a clear error",
          "[sim][chunkserver]") {
  SimClusterOptions options;
  options.buffer_memory = 1 << 20;
  auto owner = Ready(7, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, "x").ok());
  const auto chunk = cluster.Stat("/f")->chunks[0];
  class Raw : public actors::Actor {
   public:
    void Start(actors::Context&) override {}
    void Handle(const actors::Inbound& in, actors::Context&) override { reply = in.message; }
    void OnTimer(actors::TimerId, actors::Context&) override {}
    std::optional<msg::Message> reply;
  };
  auto raw = std::make_unique<Raw>();
  Raw* client = raw.get();
  actors::SocketPlan plan;
  plan.node_id = "raw";
  cluster.net().AddNode(plan, std::move(raw));
  const auto& last = chunk.replicas[2];
  cluster.net().Post("raw", [&](actors::Context& ctx) {
    const auto& r = chunk.replicas;
    ctx.Request(r[0].rpc_endpoint, 1,
                msg::PushReserveRequest{"big", 2 << 20,
                                        {{r[1].node_id, r[1].rpc_endpoint, r[1].data_endpoint},
                                         {last.node_id, last.rpc_endpoint, last.data_endpoint}}});
  });
  REQUIRE(cluster.net().RunUntil([&] { return client->reply.has_value(); }, Millis(2000)));
  const auto& refused = std::get<msg::PushReserveResponse>(*client->reply);
  CHECK(refused.code == Code::kBusy);
  CHECK(refused.detail.find("push buffers full") != std::string::npos);
  CHECK(refused.detail.find(chunk.replicas[0].node_id) != std::string::npos);
  // Nothing stays reserved on any hop.
  for (int i = 1; i <= 3; ++i) CHECK(cluster.chunkserver(i).buffers().reserved_bytes() == 0);
}

TEST_CASE("data path: a corrupt replica is never served, reads fail over", "[sim][chunkserver]") {
  auto owner = Ready(8);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  const std::string data = Random(400000, 8);
  REQUIRE(cluster.Write("/f", 0, data).ok());
  const auto chunk = cluster.Stat("/f")->chunks[0];
  char name[64];
  std::snprintf(name, sizeof(name), "/data/chunks/%016llx.chunk",
                static_cast<unsigned long long>(chunk.handle));
  // Rot the same block on two of the three replicas.
  for (int r = 0; r < 2; ++r) {
    const std::string node = chunk.replicas[r].node_id;
    REQUIRE(cluster.disk(node).FlipBit(name, 70000, 4).ok());
  }
  for (int i = 0; i < 5; ++i) {
    auto back = cluster.Read("/f", 0, data.size());
    REQUIRE(back.ok());
    CHECK(*back == data);
  }
}

TEST_CASE("data path: a primary whose lease ran out refuses, the client gets a fresh one",
          "[sim][chunkserver]") {
  SimClusterOptions options;
  options.lease_ms = 1000;
  auto owner = Ready(9, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, "one").ok());
  cluster.net().RunFor(Millis(3000));  // no mutations: no extensions; the lease lapses
  const auto chunk = cluster.Stat("/f")->chunks[0];
  for (int i = 1; i <= 3; ++i) CHECK_FALSE(cluster.chunkserver(i).IsPrimary(chunk.handle, cluster.net().now()));
  REQUIRE(cluster.Write("/f", 3, "two").ok());
  CHECK(*cluster.Read("/f", 0, 6) == "onetwo");
}

TEST_CASE("data path: a streaming writer keeps its lease through extensions",
          "[sim][chunkserver]") {
  SimClusterOptions options;
  options.lease_ms = 1000;
  options.chunk_size = 64 << 20;
  auto owner = Ready(10, options);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  std::uint64_t offset = 0;
  std::uint64_t version = 0;
  for (int i = 0; i < 30; ++i) {
    REQUIRE(cluster.Write("/f", offset, Random(10000, i)).ok());
    offset += 10000;
    cluster.net().RunFor(Millis(200));
    const auto chunk = cluster.Stat("/f")->chunks[0];
    if (i == 0) version = chunk.version;
    CHECK(chunk.version == version);  // 6s of writing on a 1s lease, never re-granted
  }
}

// Mutations each client has on their way, by the simulated network's trace:
// reservations the client's pushes made at a first hop, less the write
// answers it got back. `peak` keeps the highest since the last Reset.
struct MutationsInFlight {
  std::map<std::string, int> now;
  std::map<std::string, int> peak;
  void Reset() { peak.clear(); }
  void Count(const std::string& line) {  // "<ms> <node> <- <sender> <Kind> #<id>"
    std::istringstream words(line);
    std::string at, node, arrow, sender, kind;
    if (!(words >> at >> node >> arrow >> sender >> kind) || arrow != "<-") return;
    if (kind == "PushReserveRequest" && sender.rfind("client", 0) == 0) {
      peak[sender] = std::max(peak[sender], ++now[sender]);
    } else if (kind == "WriteResponse" && node.rfind("client", 0) == 0) {
      --now[node];
    }
  }
};

TEST_CASE("data path: writers sharing a window keep its mutations in flight together, "
          "not each", "[sim][chunkserver]") {
  SimClusterOptions options;
  options.clients = 2;
  options.write_window = std::make_shared<client::WriteWindow>(8, 2);
  auto owner = Ready(11, options);
  SimCluster& cluster = *owner;
  auto counted = std::make_shared<MutationsInFlight>();
  cluster.net().trace = [counted](const std::string& line) { counted->Count(line); };
  for (const char* path : {"/alone", "/one", "/two"}) {
    REQUIRE(cluster.Call(msg::CreateRequest{path, 0, 0, false, false}).ok());
  }
  // 4 MiB is 16 mutations of 256 KiB: more than the window.
  const std::string alone = Random(4 << 20, 1);
  REQUIRE(cluster.Write("/alone", 0, alone).ok());
  CHECK(counted->peak["client1"] == 8);  // a writer alone has the whole window
  CHECK(options.write_window->writers() == 0);

  counted->Reset();
  const std::string one = Random(4 << 20, 2);
  const std::string two = Random(4 << 20, 3);
  auto first = cluster.StartWrite("/one", 0, one, 1);
  auto second = cluster.StartWrite("/two", 0, two, 2);
  REQUIRE(cluster.net().RunUntil([&] { return first->has_value() && second->has_value(); },
                                 Millis(60000)));
  REQUIRE(first->value().ok());
  REQUIRE(second->value().ok());
  CHECK(counted->peak["client1"] == 4);  // two writers share it
  CHECK(counted->peak["client2"] == 4);
  CHECK(options.write_window->writers() == 0);
  CHECK(*cluster.Read("/one", 0, one.size()) == one);
  CHECK(*cluster.Read("/two", 0, two.size()) == two);

  // A write that fails leaves the window too.
  CHECK(cluster.Write("/missing", 0, "x").code() == Code::kNotFound);
  CHECK(options.write_window->writers() == 0);
}

TEST_CASE("data path: a replica whose push buffers are full refuses a record, stays in the lease",
          "[sim][chunkserver]") {
  SimClusterOptions options;
  options.buffer_memory = 1 << 20;
  auto owner = Ready(31, options);
  SimCluster& cluster = *owner;
  auto& net = cluster.net();
  REQUIRE(cluster.Call(msg::CreateRequest{"/log", 0, 0, false, false}).ok());
  REQUIRE(cluster.Append("/log", "first").ok());
  const auto chunk = cluster.Stat("/log")->chunks[0];
  // A reservation no data follows fills the last replica's buffers: a record
  // (a push of one piece, sent unreserved) finds no room there.
  const auto& last = chunk.replicas[2];
  auto raw = std::make_unique<RawClient>("");
  RawClient* hog = raw.get();
  actors::SocketPlan plan;
  plan.node_id = "hog";
  net.AddNode(plan, std::move(raw));
  net.Post("hog", [&](actors::Context& ctx) {
    ctx.Request(last.rpc_endpoint, 1, msg::PushReserveRequest{"hog-1", 1 << 20, {}});
  });
  REQUIRE(net.RunUntil([&] { return hog->replies.count(1) != 0; }, Millis(2000)));
  REQUIRE(std::get<msg::PushReserveResponse>(hog->replies[1][0]).code == Code::kOk);

  auto refused = cluster.Append("/log", "second");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kBusy);
  CHECK(refused.status().message().find(last.node_id) != std::string::npos);
  CHECK(refused.status().message().find("push buffers full") != std::string::npos);
  // Full buffers are no fault of the replica: the master was not told to
  // drop it, so the chunk keeps its version and all three replicas.
  auto during = cluster.Stat("/log");
  REQUIRE(during.ok());
  CHECK(during->chunks[0].version == chunk.version);
  CHECK(during->chunks[0].replicas.size() == 3);

  // Once the reservation lapses, a record lands on every replica.
  const int last_number = std::stoi(last.node_id.substr(2));
  REQUIRE(net.RunUntil(
      [&] { return cluster.chunkserver(last_number).buffers().reserved_bytes() == 0; },
      Millis(60000)));
  auto offset = cluster.Append("/log", "third");
  REQUIRE(offset.ok());
  for (const auto& replica : chunk.replicas) {
    auto bytes = cluster.ReplicaBytes(std::stoi(replica.node_id.substr(2)), chunk.handle);
    REQUIRE(bytes.ok());
    INFO(replica.node_id);
    CHECK(bytes->substr(*offset, 5) == "third");
  }
}

TEST_CASE("data path: a record past a dead hop of the chain drops that hop, not those after it",
          "[sim][chunkserver]") {
  auto owner = Ready(32);
  SimCluster& cluster = *owner;
  REQUIRE(cluster.Call(msg::CreateRequest{"/log", 0, 0, false, false}).ok());
  REQUIRE(cluster.Append("/log", "first").ok());
  const auto chunk = cluster.Stat("/log")->chunks[0];
  // The middle of the push chain dies: the record never reaches the last hop.
  const std::string middle = chunk.replicas[1].node_id;
  cluster.CrashChunkserver(std::stoi(middle.substr(2)));
  auto offset = cluster.Append("/log", "second");
  REQUIRE(offset.ok());
  auto after = cluster.Stat("/log");
  REQUIRE(after.ok());
  std::set<std::string> kept;
  for (const auto& r : after->chunks.back().replicas) kept.insert(r.node_id);
  CHECK(kept.count(middle) == 0);
  CHECK(kept.count(chunk.replicas[0].node_id) == 1);
  CHECK(kept.count(chunk.replicas[2].node_id) == 1);
}

TEST_CASE("data path: a primary whose fdatasync fails does not acknowledge the write",
          "[sim][chunkserver]") {
  SimClusterOptions options;
  options.durability = "fsync";
  options.faults.sync_delay_min = Millis(20);  // a window between the write and its sync
  options.faults.sync_delay_max = Millis(20);
  auto owner = Ready(33, options);
  SimCluster& cluster = *owner;
  auto& net = cluster.net();
  REQUIRE(cluster.Call(msg::CreateRequest{"/f", 0, 0, false, false}).ok());
  REQUIRE(cluster.Write("/f", 0, "first").ok());
  const auto chunk = cluster.Stat("/f")->chunks[0];
  int primary = 0;
  for (int i = 1; i <= 3; ++i) {
    if (cluster.chunkserver(i).IsPrimary(chunk.handle, net.now())) primary = i;
  }
  REQUIRE(primary != 0);
  std::vector<msg::ChainHop> chain;
  for (const auto& r : chunk.replicas) {
    msg::ChainHop hop{r.node_id, r.rpc_endpoint, r.data_endpoint};
    chain.insert(r.node_id == SimCluster::ChunkserverId(primary) ? chain.begin() : chain.end(), hop);
  }
  auto raw = std::make_unique<RawClient>("");
  RawClient* client = raw.get();
  actors::SocketPlan plan;
  plan.node_id = "raw";
  net.AddNode(plan, std::move(raw));
  const std::string data = "synced nowhere";
  net.Post("raw", [&](actors::Context& ctx) {
    ctx.Request(chain[0].rpc_endpoint, 1,
                msg::PushReserveRequest{"raw-1", data.size(), {chain[1], chain[2]}});
  });
  REQUIRE(net.RunUntil([&] { return client->replies.count(1) != 0; }, Millis(2000)));
  net.Post("raw", [&](actors::Context& ctx) {
    ctx.Push(chain[0].data_endpoint,
             msg::DataPiece{"raw-1", 0, data.size(), Crc32c(data), {chain[1], chain[2]}},
             Payload::FromString(data));
    ctx.Request(chain[0].rpc_endpoint, 2,
                msg::WriteRequest{chunk.handle, chunk.version, 100, "raw-1", data.size()});
  });
  // The primary has written the bytes and asked for its sync: its disk fails now.
  REQUIRE(net.RunUntil(
      [&] { return cluster.chunkserver(primary).store().Find(chunk.handle)->length >= 100; },
      Millis(2000)));
  cluster.disk(SimCluster::ChunkserverId(primary)).SetFailingPrefix("/data/");
  REQUIRE(net.RunUntil([&] { return client->replies.count(2) != 0; }, Millis(5000)));
  const auto& written = std::get<msg::WriteResponse>(client->replies[2][0]);
  CHECK(written.code != Code::kOk);
  CHECK(written.detail.find("fdatasync failed") != std::string::npos);
  CHECK(std::find(written.failed_replicas.begin(), written.failed_replicas.end(),
                  SimCluster::ChunkserverId(primary)) != written.failed_replicas.end());
}

}  // namespace
}  // namespace bucket::testing
