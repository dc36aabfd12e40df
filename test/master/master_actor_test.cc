// The master's rules on the simulated network and clock: durability before
// replies, the retry cache, safe mode, allocation, leases (never two primaries;
// expiry, extension, revocation, restarts), file sizes, trash and orphans.
#include <catch2/catch.hpp>

#include "actors/master/open_master.h"
#include "actors/sim/sim_network.h"
#include "actors/storage/mem_file_system.h"
#include "test/support/fake_chunkserver.h"
#include "test/support/null_log.h"

namespace bucket::master {
namespace {

using actors::Millis;
using testing::FakeChunkserver;
using testing::RawClient;
namespace msg = messages;

const std::string kMaster = "inproc://master/rpc";

struct Harness {
  explicit Harness(std::uint64_t seed, int chunkservers = 3, sim::SimFaults faults = {})
      : net(seed, faults) {
    config.data_dir = "/master";
    config.heartbeat_interval_ms = 100;
    config.suspect_after_ms = 300;
    config.dead_after_ms = 1000;
    config.lease_duration_ms = 2000;
    config.trash_grace_ms = 5000;
    config.default_chunk_size_bytes = 1 << 20;
    AddMaster();
    actors::SocketPlan client_plan;
    client_plan.node_id = "client";
    auto raw = std::make_unique<RawClient>(kMaster);
    client = raw.get();
    net.AddNode(client_plan, std::move(raw));
    for (int i = 1; i <= chunkservers; ++i) AddChunkserver(i);
  }

  void AddMaster() {
    actors::SocketPlan plan;
    plan.node_id = "master";
    plan.router_bind = kMaster;
    plan.sub_bind = "inproc://master/hb";
    plan.pub_bind = "inproc://master/events";
    auto actor = OpenMaster(config, kMaster, &fs, {}, testing::NullLog());
    REQUIRE(actor.ok());
    if (net.ActorOf("master") == nullptr && !added_master) {
      net.AddNode(plan, std::move(*actor));
      added_master = true;
    } else {
      net.Restart("master", std::move(*actor));
    }
  }
  void RestartMaster(bool lose_unsynced = true) {
    net.Crash("master");
    if (lose_unsynced) fs.Crash();
    AddMaster();
  }

  void AddChunkserver(int i, std::map<std::uint64_t, std::uint64_t> replicas = {}) {
    const std::string id = "cs" + std::to_string(i);
    msg::NodeAddress address{id, "rack-" + std::to_string(i % 2), "inproc://" + id + "/rpc",
                             "inproc://" + id + "/data"};
    actors::SocketPlan plan;
    plan.node_id = id;
    plan.router_bind = address.rpc_endpoint;
    plan.pub_connect = {"inproc://master/hb"};
    auto fake = std::make_unique<FakeChunkserver>(address, kMaster, std::move(replicas));
    chunkservers[id] = fake.get();
    net.AddNode(plan, std::move(fake));
  }

  // Sends `request` as the client and runs until its reply arrives.
  msg::Message Call(msg::Message request, std::uint64_t id = 0) {
    if (id == 0) id = ++next_id;
    net.Post("client", [&, id](actors::Context& ctx) { client->Send(id, request, ctx); });
    REQUIRE(net.RunUntil([&] { return client->replies.count(id) != 0; }, Millis(30000)));
    auto reply = client->replies[id].front();
    client->replies.erase(id);
    return reply;
  }
  Code CallCode(msg::Message request) {
    auto reply = Call(std::move(request));
    if (auto* r = std::get_if<msg::NamespaceResponse>(&reply)) return r->code;
    if (auto* r = std::get_if<msg::ErrorResponse>(&reply)) return r->code;
    if (auto* r = std::get_if<msg::LeaseResponse>(&reply)) return r->code;
    FAIL("unexpected reply");
    return Code::kInternal;
  }
  msg::LeaseResponse Lease(const std::string& path, std::uint64_t index,
                           std::vector<std::string> failed = {}) {
    auto reply = Call(msg::LeaseRequest{path, index, std::move(failed)});
    if (auto* e = std::get_if<msg::ErrorResponse>(&reply)) {
      msg::LeaseResponse r;
      r.code = e->code;
      r.detail = e->detail;
      return r;
    }
    return std::get<msg::LeaseResponse>(reply);
  }
  MasterActor& master() { return *static_cast<MasterActor*>(net.ActorOf("master")); }
  void WaitOutOfSafeMode() {
    REQUIRE(net.RunUntil([&] { return !master().safe_mode(); }, Millis(5000)));
  }
  // How many chunkservers think they are primary for `handle` right now.
  int Primaries(std::uint64_t handle) {
    int count = 0;
    for (auto& [id, cs] : chunkservers) {
      if (net.IsUp(id) && cs->IsPrimary(handle, net.now())) ++count;
    }
    return count;
  }

  sim::SimNetwork net;
  storage::MemFileSystem fs;
  config::MasterConfig config;
  RawClient* client = nullptr;
  std::map<std::string, FakeChunkserver*> chunkservers;
  std::uint64_t next_id = 1000;
  bool added_master = false;
};

TEST_CASE("master: namespace requests are answered only once their record is durable",
          "[sim][master]") {
  sim::SimFaults faults;
  faults.sync_delay_min = Millis(40);
  faults.sync_delay_max = Millis(40);
  Harness h(1, 3, faults);
  h.WaitOutOfSafeMode();
  const Millis sent = h.net.now();
  REQUIRE(h.CallCode(msg::MkdirRequest{"/a", false}) == Code::kOk);
  CHECK(h.net.now() - sent >= Millis(40));
  // A listing that arrives while the record is unsynced waits for it too, so it
  // never shows what could still be lost.
  h.net.Post("client", [&](actors::Context& ctx) {
    h.client->Send(1, msg::CreateRequest{"/a/f", 0, 0, false, false}, ctx);
    h.client->Send(2, msg::ListRequest{"/a", "", 10}, ctx);
  });
  REQUIRE(h.net.RunUntil([&] { return h.client->replies.count(2) != 0; }, Millis(1000)));
  CHECK(h.client->reply_times[2] >= h.client->reply_times[1]);
  const auto& listing = std::get<msg::ListResponse>(h.client->replies[2].front());
  REQUIRE(listing.entries.size() == 1);
  CHECK(listing.entries[0].name == "f");
  CHECK(listing.entries[0].replication == 3);
  CHECK(listing.entries[0].chunk_size == 1 << 20);
}

TEST_CASE("master: a resent request is answered as its first try", "[sim][master]") {
  Harness h(2);
  h.WaitOutOfSafeMode();
  auto first = h.Call(msg::CreateRequest{"/f", 0, 0, false, false}, 77);
  CHECK(std::get<msg::NamespaceResponse>(first).code == Code::kOk);
  auto again = h.Call(msg::CreateRequest{"/f", 0, 0, false, false}, 77);
  CHECK(std::get<msg::NamespaceResponse>(again).code == Code::kOk);  // not AlreadyExists
  auto other = h.Call(msg::CreateRequest{"/f", 0, 0, false, false}, 78);
  CHECK(std::get<msg::NamespaceResponse>(other).code == Code::kAlreadyExists);
  // ... and after a master restart, from the log.
  h.RestartMaster();
  h.WaitOutOfSafeMode();
  auto after = h.Call(msg::CreateRequest{"/f", 0, 0, false, false}, 77);
  CHECK(std::get<msg::NamespaceResponse>(after).code == Code::kOk);
  CHECK(h.master().state().tree().file_count() == 1);
}

TEST_CASE("master: safe mode allows reads only until chunkservers report", "[sim][master]") {
  Harness h(3, 0);
  CHECK(h.master().safe_mode());
  CHECK(h.CallCode(msg::MkdirRequest{"/a", false}) == Code::kSafeMode);
  auto listing = h.Call(msg::ListRequest{"/", "", 10});
  CHECK(std::get<msg::ListResponse>(listing).code == Code::kOk);
  h.AddChunkserver(1);
  h.WaitOutOfSafeMode();
  CHECK(h.CallCode(msg::MkdirRequest{"/a", false}) == Code::kOk);
  // An administrator can hold it there.
  auto held = h.Call(msg::SafeModeRequest{msg::SafeModeAction::kEnter});
  CHECK(std::get<msg::SafeModeResponse>(held).safe_mode);
  CHECK(h.CallCode(msg::MkdirRequest{"/b", false}) == Code::kSafeMode);
  h.Call(msg::SafeModeRequest{msg::SafeModeAction::kLeave});
  CHECK(h.CallCode(msg::MkdirRequest{"/b", false}) == Code::kOk);
}

TEST_CASE("master: a lease allocates a chunk, bumps its version and names one primary",
          "[sim][master]") {
  Harness h(4);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  auto lease = h.Lease("/f", 0);
  REQUIRE(lease.code == Code::kOk);
  CHECK(lease.chunk.version == 2);
  REQUIRE(lease.chunk.replicas.size() == 3);
  CHECK(lease.chunk_size == 1 << 20);
  const std::uint64_t handle = lease.chunk.handle;
  // Every replica was told the version before the client heard of it.
  for (auto& [id, cs] : h.chunkservers) CHECK(cs->replicas[handle] == 2);
  auto* primary = h.chunkservers.at(lease.chunk.replicas[0].node_id);
  CHECK(primary->IsPrimary(handle, h.net.now()));
  CHECK(primary->secondaries[handle].size() == 2);
  CHECK(h.Primaries(handle) == 1);
  // Asking again gives the same primary and version, with no new bump.
  auto again = h.Lease("/f", 0);
  CHECK(again.chunk.replicas[0].node_id == lease.chunk.replicas[0].node_id);
  CHECK(again.chunk.version == 2);
  // Chunks are allocated in order.
  CHECK(h.Lease("/f", 5).code == Code::kInvalidArgument);
  CHECK(h.Lease("/f", 1).code == Code::kOk);
  auto stat = std::get<msg::StatResponse>(h.Call(msg::StatRequest{"/f", true}));
  REQUIRE(stat.chunks.size() == 2);
  CHECK(stat.chunks[0].handle == handle);
  CHECK(stat.chunks[0].replicas.size() == 3);
}

TEST_CASE("master: chunks allocated at once spread over every chunkserver", "[sim][master]") {
  Harness h(14, 4);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  // Eight chunks asked for together, as a client streaming a file does: no
  // grant has finished when the next placement is chosen.
  for (std::uint64_t index = 0; index < 8; ++index) {
    h.net.Post("client", [&h, index](actors::Context& ctx) {
      h.client->Send(100 + index, msg::LeaseRequest{"/f", index, {}}, ctx);
    });
  }
  REQUIRE(h.net.RunUntil([&] { return h.client->replies.size() >= 8; }, Millis(30000)));
  std::map<std::string, int> replicas_on;
  for (std::uint64_t index = 0; index < 8; ++index) {
    auto* lease = std::get_if<msg::LeaseResponse>(&h.client->replies[100 + index].front());
    REQUIRE(lease != nullptr);
    for (const auto& r : lease->chunk.replicas) ++replicas_on[r.node_id];
  }
  REQUIRE(replicas_on.size() == 4);
  for (const auto& [node, count] : replicas_on) {
    INFO(node);
    CHECK(count == 6);  // 24 replicas over 4 equal nodes
  }
}

TEST_CASE("master: too few chunkservers for a new chunk is an error and creates nothing",
          "[sim][master]") {
  Harness h(5, 2);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 3, 0, false, false}) == Code::kOk);
  auto lease = h.Lease("/f", 0);
  CHECK(lease.code == Code::kUnavailable);
  CHECK(lease.detail.find("needs 3") != std::string::npos);
  auto stat = std::get<msg::StatResponse>(h.Call(msg::StatRequest{"/f", true}));
  CHECK(stat.info.chunk_count == 0);
  CHECK(h.master().state().chunks().size() == 0);
  REQUIRE(h.CallCode(msg::CreateRequest{"/g", 2, 0, false, false}) == Code::kOk);
  CHECK(h.Lease("/g", 0).code == Code::kOk);
}

TEST_CASE("master: a failed secondary gets the lease revoked and a fresh one without it",
          "[sim][master]") {
  Harness h(6);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  auto lease = h.Lease("/f", 0);
  REQUIRE(lease.code == Code::kOk);
  const std::string failed = lease.chunk.replicas[2].node_id;
  auto fresh = h.Lease("/f", 0, {failed});
  REQUIRE(fresh.code == Code::kOk);
  CHECK(fresh.chunk.version == 3);
  CHECK(fresh.chunk.replicas.size() == 2);
  for (const auto& r : fresh.chunk.replicas) CHECK(r.node_id != failed);
  CHECK(h.Primaries(lease.chunk.handle) == 1);
  // The failed one missed the bump: it is stale and not handed out.
  auto stat = std::get<msg::StatResponse>(h.Call(msg::StatRequest{"/f", true}));
  CHECK(stat.chunks[0].replicas.size() == 2);
}

TEST_CASE("master: a primary that does not answer the revocation keeps it until expiry",
          "[sim][master]") {
  Harness h(7);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  auto lease = h.Lease("/f", 0);
  REQUIRE(lease.code == Code::kOk);
  const std::uint64_t handle = lease.chunk.handle;
  auto* primary = h.chunkservers.at(lease.chunk.replicas[0].node_id);
  primary->answer_revokes = false;
  const Millis asked = h.net.now();
  std::uint64_t id = ++h.next_id;
  h.net.Post("client", [&](actors::Context& ctx) {
    h.client->Send(id, msg::LeaseRequest{"/f", 0, {lease.chunk.replicas[1].node_id}}, ctx);
  });
  // Never two primaries, at every step until the new lease is granted.
  while (h.client->replies.count(id) == 0) {
    REQUIRE(h.net.Step());
    REQUIRE(h.Primaries(handle) <= 1);
    REQUIRE(h.net.now() - asked < Millis(10000));
  }
  const auto& fresh = std::get<msg::LeaseResponse>(h.client->replies[id].front());
  CHECK(fresh.code == Code::kOk);
  CHECK(h.net.now() - asked >= Millis(1900));  // waited out the 2s lease
  CHECK(primary->revoke_requests == 1);
}

TEST_CASE("master: the primary extends its lease, no one else is granted meanwhile",
          "[sim][master]") {
  Harness h(8);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  auto lease = h.Lease("/f", 0);
  const std::uint64_t handle = lease.chunk.handle;
  auto* primary = h.chunkservers.at(lease.chunk.replicas[0].node_id);
  for (int i = 0; i < 5; ++i) {
    h.net.RunFor(Millis(1000));
    h.net.Post(primary->id(), [&](actors::Context& ctx) { primary->AskExtension(handle, ctx); });
  }
  h.net.RunFor(Millis(100));
  CHECK(primary->IsPrimary(handle, h.net.now()));  // 5s later, on a 2s lease
  auto same = h.Lease("/f", 0);
  CHECK(same.chunk.replicas[0].node_id == primary->id());
  CHECK(same.chunk.version == lease.chunk.version);
  // Once it stops asking, the lease runs out and another can be chosen.
  h.net.RunFor(Millis(3000));
  CHECK_FALSE(primary->IsPrimary(handle, h.net.now()));
  auto next = h.Lease("/f", 0, {primary->id()});
  CHECK(next.code == Code::kOk);
  CHECK(next.chunk.replicas[0].node_id != primary->id());
  CHECK(h.Primaries(handle) == 1);
}

TEST_CASE("master: after a restart no new primary before the logged lease end",
          "[sim][master]") {
  Harness h(9);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  auto lease = h.Lease("/f", 0);
  const std::uint64_t handle = lease.chunk.handle;
  h.RestartMaster();
  h.WaitOutOfSafeMode();
  std::uint64_t id = ++h.next_id;
  const Millis asked = h.net.now();
  h.net.Post("client", [&](actors::Context& ctx) {
    h.client->Send(id, msg::LeaseRequest{"/f", 0, {lease.chunk.replicas[0].node_id}}, ctx);
  });
  while (h.client->replies.count(id) == 0) {
    REQUIRE(h.net.Step());
    REQUIRE(h.Primaries(handle) <= 1);
    REQUIRE(h.net.now() - asked < Millis(10000));
  }
  CHECK(std::get<msg::LeaseResponse>(h.client->replies[id].front()).code == Code::kOk);
}

TEST_CASE("master: random lease churn never makes two primaries", "[sim][master]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed=" << seed);
    sim::SimFaults faults;
    faults.drop_probability = 0.05;
    faults.delay_max = Millis(10);
    Harness h(100 + seed, 4, faults);
    h.WaitOutOfSafeMode();
    REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
    std::mt19937_64 rng(seed);
    std::vector<std::string> ids = {"cs1", "cs2", "cs3", "cs4"};
    std::uint64_t handle = 0;
    for (int round = 0; round < 40; ++round) {
      std::vector<std::string> failed;
      if (rng() % 3 == 0) failed.push_back(ids[rng() % ids.size()]);
      if (rng() % 5 == 0) {
        auto* cs = h.chunkservers.at(ids[rng() % ids.size()]);
        cs->answer_revokes = !cs->answer_revokes;
      }
      std::uint64_t id = ++h.next_id;
      h.net.Post("client", [&, failed](actors::Context& ctx) {
        h.client->Send(id, msg::LeaseRequest{"/f", 0, failed}, ctx);
      });
      const Millis start = h.net.now();
      while (h.client->replies.count(id) == 0 && h.net.now() - start < Millis(8000)) {
        if (!h.net.Step()) break;
        const auto& tree = h.master().state().tree();
        const Inode* file = tree.Find(*tree.Lookup("/f"));
        if (handle == 0 && !file->chunks.empty()) handle = file->chunks[0];
        if (handle != 0) REQUIRE(h.Primaries(handle) <= 1);
      }
    }
  }
}

TEST_CASE("master: committed lengths set the file size", "[sim][master]") {
  Harness h(10);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  h.Lease("/f", 0);
  auto second = h.Lease("/f", 1);
  auto* primary = h.chunkservers.at(second.chunk.replicas[0].node_id);
  h.net.Post(primary->id(), [&](actors::Context& ctx) {
    primary->ReportLength(second.chunk.handle, 1000, ctx);
  });
  h.net.RunFor(Millis(100));
  auto stat = std::get<msg::StatResponse>(h.Call(msg::StatRequest{"/f", false}));
  CHECK(stat.info.size == (1 << 20) + 1000);
  h.RestartMaster();
  stat = std::get<msg::StatResponse>(h.Call(msg::StatRequest{"/f", false}));
  CHECK(stat.info.size == (1 << 20) + 1000);
}

TEST_CASE("master: deleted files are purged after the grace period and their chunks "
          "collected through reports",
          "[sim][master]") {
  Harness h(11);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  const std::uint64_t handle = h.Lease("/f", 0).chunk.handle;
  REQUIRE(h.CallCode(msg::DeleteRequest{"/f", false, false}) == Code::kOk);
  auto* cs = h.chunkservers.at("cs1");
  h.net.Post("cs1", [&](actors::Context& ctx) { cs->Report(ctx); });
  h.net.RunFor(Millis(100));
  CHECK(cs->replicas.count(handle) == 1);  // still in the trash: kept
  REQUIRE(h.CallCode(msg::UndeleteRequest{"/f"}) == Code::kOk);
  REQUIRE(h.CallCode(msg::DeleteRequest{"/f", false, false}) == Code::kOk);
  h.net.RunFor(Millis(6000));  // past the 5s grace
  CHECK(h.master().state().chunks().Find(handle) == nullptr);
  CHECK(h.CallCode(msg::UndeleteRequest{"/f"}) == Code::kNotFound);
  for (auto& [id, fake] : h.chunkservers) {
    h.net.Post(id, [&, fake = fake](actors::Context& ctx) { fake->Report(ctx); });
  }
  h.net.RunFor(Millis(100));
  for (auto& [id, fake] : h.chunkservers) CHECK(fake->deleted.count(handle) == 1);
}

TEST_CASE("master: orphans are never ordered deleted in safe mode or above the issued handles",
          "[sim][master]") {
  Harness h(12, 0);
  // A chunkserver holding chunks the master has never heard of.
  h.AddChunkserver(1, {{5, 2}, {999999, 2}});
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 1, 0, false, false}) == Code::kAlreadyExists);
  for (int i = 0; i < 6; ++i) {  // handles 1..6 issued
    REQUIRE(h.CallCode(msg::CreateRequest{"/g" + std::to_string(i), 1, 0, false, false}) ==
            Code::kOk);
    REQUIRE(h.Lease("/g" + std::to_string(i), 0).code == Code::kOk);
  }
  REQUIRE(h.CallCode(msg::DeleteRequest{"/g4", false, true}) == Code::kOk);  // frees handle 5
  auto* cs = h.chunkservers.at("cs1");
  h.net.Post("cs1", [&](actors::Context& ctx) { cs->Report(ctx); });
  h.net.RunFor(Millis(100));
  CHECK(cs->deleted.count(5) == 1);
  CHECK(cs->deleted.count(999999) == 0);  // above every handle issued: never touched
}

TEST_CASE("master: stale replicas are never handed out, a higher version is adopted",
          "[sim][master]") {
  Harness h(13);
  h.WaitOutOfSafeMode();
  REQUIRE(h.CallCode(msg::CreateRequest{"/f", 0, 0, false, false}) == Code::kOk);
  auto lease = h.Lease("/f", 0);
  const std::uint64_t handle = lease.chunk.handle;
  auto* behind = h.chunkservers.at(lease.chunk.replicas[1].node_id);
  behind->replicas[handle] = 1;  // pretend it missed the bump
  h.net.Post(behind->id(), [&](actors::Context& ctx) { behind->Report(ctx); });
  h.net.RunFor(Millis(100));
  auto located = std::get<msg::LocateResponse>(h.Call(msg::LocateRequest{"/f", 0, 1}));
  REQUIRE(located.chunks.size() == 1);
  CHECK(located.chunks[0].replicas.size() == 2);
  CHECK(behind->deleted.count(handle) == 1);  // current copies exist elsewhere

  auto* ahead = h.chunkservers.at(lease.chunk.replicas[0].node_id);
  ahead->replicas[handle] = 7;
  h.net.Post(ahead->id(), [&](actors::Context& ctx) { ahead->Report(ctx); });
  h.net.RunFor(Millis(100));
  CHECK(h.master().state().chunks().Find(handle)->version == 7);
}

TEST_CASE("master: every acknowledged mutation survives crashes at random moments",
          "[sim][master]") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed=" << seed);
    sim::SimFaults faults;
    faults.sync_delay_max = Millis(5);
    Harness h(200 + seed, 1, faults);
    h.WaitOutOfSafeMode();
    std::mt19937_64 rng(seed);
    std::set<std::string> acknowledged;  // created and acknowledged
    std::set<std::string> unknown;       // sent, never answered
    for (int i = 0; i < 60; ++i) {
      const std::string path = "/f" + std::to_string(i);
      const std::uint64_t id = 5000 + i;
      h.net.Post("client", [&, path, id](actors::Context& ctx) {
        h.client->Send(id, msg::CreateRequest{path, 1, 0, false, false}, ctx);
      });
      h.net.RunFor(Millis(rng() % 4));
      if (rng() % 10 == 0) {
        h.RestartMaster();
        h.WaitOutOfSafeMode();
      }
      h.net.RunFor(Millis(20));
      for (int j = 0; j <= i; ++j) {
        const std::string p = "/f" + std::to_string(j);
        auto got = h.client->replies.find(5000 + j);
        if (got != h.client->replies.end() &&
            std::get<msg::NamespaceResponse>(got->second.front()).code == Code::kOk) {
          acknowledged.insert(p);
          unknown.erase(p);
        } else if (acknowledged.count(p) == 0) {
          unknown.insert(p);
        }
      }
    }
    h.RestartMaster();
    for (const auto& path : acknowledged) {
      INFO(path);
      CHECK(h.master().state().tree().Lookup(path).ok());
    }
    // Each unanswered one is there wholly or not at all; resent, it succeeds
    // either way (from the retry cache, or applied now), never AlreadyExists.
    h.WaitOutOfSafeMode();
    for (const auto& path : unknown) {
      const std::uint64_t id = 5000 + std::stoull(path.substr(2));
      auto reply = h.Call(msg::CreateRequest{path, 1, 0, false, false}, id);
      CHECK(std::get<msg::NamespaceResponse>(reply).code == Code::kOk);
    }
  }
}

}  // namespace
}  // namespace bucket::master
