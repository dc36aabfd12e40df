#include "actors/sim/sim_network.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "test/support/test_actors.h"

namespace bucket::sim {
namespace {

using testing::EchoActor;
using testing::PingClient;

actors::SocketPlan ServerPlan() {
  actors::SocketPlan plan;
  plan.node_id = "server";
  plan.router_bind = "sim://server/rpc";
  plan.pub_bind = "sim://server/events";
  return plan;
}

actors::SocketPlan ClientPlan(const std::string& id = "client") {
  actors::SocketPlan plan;
  plan.node_id = id;
  plan.sub_connect = {"sim://server/events"};
  return plan;
}

// Records the timers it fires, with their times.
class TimerActor : public actors::Actor {
 public:
  void Start(actors::Context& ctx) override {
    ctx.SetTimer(1, Millis(10));
    ctx.SetTimer(2, Millis(5));
    ctx.SetTimer(3, Millis(7));
    ctx.SetTimer(1, Millis(20));  // re-armed: fires once, at 20
    ctx.CancelTimer(3);
  }
  void Handle(const actors::Inbound&, actors::Context&) override {}
  void OnTimer(actors::TimerId id, actors::Context& ctx) override {
    fired.emplace_back(id, ctx.now());
  }
  std::vector<std::pair<actors::TimerId, Millis>> fired;
};

TEST_CASE("sim: timers fire at their deadlines, re-arm moves, cancel removes", "[sim]") {
  SimNetwork net(1);
  auto actor = std::make_unique<TimerActor>();
  auto* timers = actor.get();
  net.AddNode(ClientPlan("t"), std::move(actor));
  net.RunFor(Millis(100));
  REQUIRE(timers->fired.size() == 2);
  CHECK(timers->fired[0] == std::make_pair(actors::TimerId{2}, Millis(5)));
  CHECK(timers->fired[1] == std::make_pair(actors::TimerId{1}, Millis(20)));
}

TEST_CASE("sim: a link keeps FIFO order unless reordering is on", "[sim]") {
  for (bool reorder : {false, true}) {
    SimFaults faults;
    faults.delay_min = Millis(1);
    faults.delay_max = Millis(20);
    faults.reorder = reorder;
    SimNetwork net(42, faults);
    net.AddNode(ServerPlan(), std::make_unique<EchoActor>("server"));
    auto client = std::make_unique<PingClient>("sim://server/rpc", 200, Millis(1000));
    auto* pinger = client.get();
    net.AddNode(ClientPlan(), std::move(client));
    REQUIRE(net.RunUntil([&] { return pinger->answered.size() == 200; }, Millis(5000)));
    const bool in_order = std::is_sorted(pinger->answered.begin(), pinger->answered.end());
    CHECK(in_order == !reorder);
  }
}

TEST_CASE("sim: drops lose messages, retries on deadlines get every answer", "[sim]") {
  SimFaults faults;
  faults.drop_probability = 0.3;
  SimNetwork net(7, faults);
  net.AddNode(ServerPlan(), std::make_unique<EchoActor>("server"));
  auto client = std::make_unique<PingClient>("sim://server/rpc", 100, Millis(50), 20);
  auto* pinger = client.get();
  net.AddNode(ClientPlan(), std::move(client));
  REQUIRE(net.RunUntil([&] { return pinger->answered.size() == 100; }, Millis(60000)));
  CHECK(net.stats().dropped > 20);
  CHECK(pinger->timed_out.empty());
}

TEST_CASE("sim: a crashed peer answers nothing until it restarts", "[sim]") {
  SimNetwork net(3);
  net.AddNode(ServerPlan(), std::make_unique<EchoActor>("server"));
  auto client = std::make_unique<PingClient>("sim://server/rpc", 1, Millis(100));
  auto* pinger = client.get();
  net.AddNode(ClientPlan(), std::move(client));
  REQUIRE(net.RunUntil([&] { return pinger->answered.size() == 1; }, Millis(1000)));

  net.Crash("server");
  net.Post("client", [&](actors::Context& ctx) { pinger->Send(2, ctx); });
  net.RunFor(Millis(500));
  CHECK(pinger->timed_out == std::vector<std::uint64_t>{2});
  CHECK(pinger->answered.size() == 1);

  net.Restart("server", std::make_unique<EchoActor>("server"));
  net.Post("client", [&](actors::Context& ctx) { pinger->Send(3, ctx); });
  REQUIRE(net.RunUntil([&] { return pinger->answered.size() == 2; }, Millis(1000)));
  CHECK(pinger->answered.back() == 3);
}

TEST_CASE("sim: a partition cuts both ways and heals", "[sim]") {
  SimNetwork net(5);
  net.AddNode(ServerPlan(), std::make_unique<EchoActor>("server"));
  auto client = std::make_unique<PingClient>("sim://server/rpc", 0, Millis(100));
  auto* pinger = client.get();
  net.AddNode(ClientPlan(), std::move(client));
  net.Partition({"client"}, {"server"});
  net.Post("client", [&](actors::Context& ctx) { pinger->Send(1, ctx); });
  net.RunFor(Millis(500));
  CHECK(pinger->timed_out == std::vector<std::uint64_t>{1});
  net.Heal();
  net.Post("client", [&](actors::Context& ctx) { pinger->Send(2, ctx); });
  REQUIRE(net.RunUntil([&] { return pinger->answered.size() == 1; }, Millis(1000)));
}

TEST_CASE("sim: published messages reach subscribers by topic", "[sim]") {
  SimNetwork net(9);
  net.AddNode(ServerPlan(), std::make_unique<EchoActor>("server", Millis(100)));
  class Listener : public actors::Actor {
   public:
    void Start(actors::Context&) override {}
    void Handle(const actors::Inbound& in, actors::Context&) override {
      if (in.socket == actors::Socket::kSub) topics.push_back(in.peer);
    }
    void OnTimer(actors::TimerId, actors::Context&) override {}
    std::vector<std::string> topics;
  };
  auto listener = std::make_unique<Listener>();
  auto* heard = listener.get();
  auto plan = ClientPlan("listener");
  plan.sub_topics = {"tick"};
  net.AddNode(plan, std::move(listener));
  auto deaf = ClientPlan("deaf");
  deaf.sub_topics = {"other"};
  auto deaf_listener = std::make_unique<Listener>();
  auto* unheard = deaf_listener.get();
  net.AddNode(deaf, std::move(deaf_listener));
  net.RunFor(Millis(1000));
  CHECK(heard->topics.size() >= 9);
  CHECK(unheard->topics.empty());
}

TEST_CASE("sim: the same seed replays the same run", "[sim]") {
  auto run = [](std::uint64_t seed) {
    SimFaults faults;
    faults.drop_probability = 0.2;
    faults.duplicate_probability = 0.1;
    faults.reorder = true;
    SimNetwork net(seed, faults);
    std::vector<std::string> lines;
    net.trace = [&](const std::string& line) { lines.push_back(line); };
    net.AddNode(ServerPlan(), std::make_unique<EchoActor>("server"));
    net.AddNode(ClientPlan(), std::make_unique<PingClient>("sim://server/rpc", 50, Millis(30), 5));
    net.RunFor(Millis(2000));
    return lines;
  };
  const auto a = run(11);
  CHECK(a.size() > 50);
  CHECK(a == run(11));
  CHECK(a != run(12));
}

}  // namespace
}  // namespace bucket::sim
