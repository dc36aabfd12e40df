#include "actors/runtime/zmq_runtime.h"

#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <mutex>
#include <spdlog/sinks/null_sink.h>
#include <thread>

#include "messages/codec.h"
#include "test/support/test_actors.h"
#include "test/support/wait.h"

namespace bucket::runtime {
namespace {

using namespace std::chrono_literals;
using testing::WaitUntil;

std::shared_ptr<spdlog::logger> NullLog() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

// Records what arrives; thread-safe to inspect from the test thread.
class Probe : public actors::Actor {
 public:
  void Start(actors::Context&) override {}
  void Handle(const actors::Inbound& in, actors::Context&) override {
    std::lock_guard lock(mu_);
    inbound_.push_back(in);
  }
  void OnTimer(actors::TimerId id, actors::Context& ctx) override {
    std::lock_guard lock(mu_);
    timers_.emplace_back(id, ctx.now());
  }
  void OnSyncDone(actors::SyncId id, const Status& status, actors::Context&) override {
    std::lock_guard lock(mu_);
    syncs_.emplace_back(id, status);
  }
  std::vector<actors::Inbound> inbound() {
    std::lock_guard lock(mu_);
    return inbound_;
  }
  std::vector<std::pair<actors::TimerId, actors::Millis>> timers() {
    std::lock_guard lock(mu_);
    return timers_;
  }
  std::vector<std::pair<actors::SyncId, Status>> syncs() {
    std::lock_guard lock(mu_);
    return syncs_;
  }

 private:
  std::mutex mu_;
  std::vector<actors::Inbound> inbound_;
  std::vector<std::pair<actors::TimerId, actors::Millis>> timers_;
  std::vector<std::pair<actors::SyncId, Status>> syncs_;
};

// A runtime running an actor on its own thread, stopped and joined at scope exit.
struct Running {
  Running(actors::SocketPlan plan, actors::Actor& actor) {
    RuntimeOptions options;
    options.plan = std::move(plan);
    options.stop_on_signals = false;
    auto created = ZmqRuntime::Create(options, NullLog());
    REQUIRE(created.ok());
    runtime = std::move(*created);
    thread = std::thread([this, &actor] { result = runtime->Run(actor); });
  }
  ~Running() {
    runtime->Shutdown();
    thread.join();
  }
  std::unique_ptr<ZmqRuntime> runtime;
  std::thread thread;
  Status result;
};

actors::SocketPlan ServerPlan() {
  actors::SocketPlan plan;
  plan.node_id = "server";
  plan.router_bind = "tcp://127.0.0.1:*";
  plan.pull_bind = "tcp://127.0.0.1:*";
  plan.pub_bind = "tcp://127.0.0.1:*";
  return plan;
}

TEST_CASE("zmq: request and reply over DEALER/ROUTER, payload intact", "[zmq]") {
  testing::EchoActor echo("server");
  Running server(ServerPlan(), echo);
  const std::string address = server.runtime->BoundEndpoint(actors::Socket::kRouter);
  REQUIRE(address.rfind("tcp://127.0.0.1:", 0) == 0);

  Probe probe;
  actors::SocketPlan plan;
  plan.node_id = "client";
  Running client(plan, probe);
  const std::string big(3 << 20, 'x');
  client.runtime->Post([&](actors::Context& ctx) {
    for (std::uint64_t i = 1; i <= 50; ++i) ctx.Request(address, i, messages::Ping{i});
    ctx.Request(address, 51, messages::Ping{51}, Payload::FromString(big));
  });
  REQUIRE(WaitUntil([&] { return probe.inbound().size() == 51; }, 5s));
  const auto got = probe.inbound();
  for (std::uint64_t i = 0; i < 51; ++i) {
    const auto& pong = std::get<messages::Pong>(got[i].message);
    CHECK(pong.token == i + 1);  // one connection keeps order
    CHECK(got[i].header.request_id == i + 1);
    CHECK(got[i].header.sender == "server");
    CHECK(got[i].socket == actors::Socket::kDealer);
    CHECK(got[i].peer == address);
  }
  CHECK(got[50].payload.size() == big.size());
  CHECK(got[50].payload.view() == big);
}

TEST_CASE("zmq: garbage gets an error reply and the node keeps serving", "[zmq]") {
  testing::EchoActor echo("server");
  Running server(ServerPlan(), echo);
  const std::string address = server.runtime->BoundEndpoint(actors::Socket::kRouter);

  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::dealer);
  raw.set(zmq::sockopt::linger, 0);
  raw.set(zmq::sockopt::rcvtimeo, 5000);
  raw.connect(address);
  auto expect_error = [&](std::vector<std::string> frames, Code code) {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      raw.send(zmq::buffer(frames[i]),
               i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
    zmq::message_t header, body;
    REQUIRE(raw.recv(header));
    REQUIRE(header.more());
    REQUIRE(raw.recv(body));
    auto h = messages::DecodeHeader(header.data(), header.size());
    REQUIRE(h.ok());
    REQUIRE(h->kind == messages::Kind::kErrorResponse);
    auto b = messages::DecodeBody(h->kind, body.data(), body.size());
    REQUIRE(b.ok());
    CHECK(std::get<messages::ErrorResponse>(*b).code == code);
  };
  expect_error({"garbage"}, Code::kCorruption);
  expect_error({"\xc1", "\xc1"}, Code::kCorruption);
  messages::Header future;
  future.protocol_major = 99;
  future.kind = messages::Kind::kPing;
  expect_error({std::string(messages::EncodeHeader(future).view()), "x"},
               Code::kProtocolMismatch);
  messages::Header unknown;
  unknown.kind = static_cast<messages::Kind>(4242);
  unknown.request_id = 9;
  expect_error({std::string(messages::EncodeHeader(unknown).view()),
                std::string(messages::EncodeBody(messages::Ping{1}).view())},
               Code::kUnsupported);

  // Still serving.
  messages::Header ping_header;
  ping_header.kind = messages::Kind::kPing;
  ping_header.request_id = 10;
  auto encoded = messages::Encode(ping_header, messages::Ping{7});
  raw.send(zmq::buffer(encoded.header.view()), zmq::send_flags::sndmore);
  raw.send(zmq::buffer(encoded.body.view()));
  zmq::message_t header, body;
  REQUIRE(raw.recv(header));
  REQUIRE(raw.recv(body));
  auto h = messages::DecodeHeader(header.data(), header.size());
  REQUIRE(h.ok());
  CHECK(h->kind == messages::Kind::kPong);
  CHECK(h->request_id == 10);
  CHECK(server.runtime->counters().decode_errors >= 4);
}

TEST_CASE("zmq: PUB/SUB by topic, and PUSH/PULL", "[zmq]") {
  testing::EchoActor ticker("server", 20ms);
  Running server(ServerPlan(), ticker);
  Probe probe;
  actors::SocketPlan plan;
  plan.node_id = "listener";
  plan.sub_connect = {server.runtime->BoundEndpoint(actors::Socket::kPub)};
  plan.sub_topics = {"tick"};
  Running listener(plan, probe);
  REQUIRE(WaitUntil([&] { return probe.inbound().size() >= 3; }, 5s));
  const auto got = probe.inbound();
  CHECK(got[0].socket == actors::Socket::kSub);
  CHECK(got[0].peer == "tick");
  CHECK(got[1].header.request_id > got[0].header.request_id);  // publish sequence numbers

  Probe sink;
  actors::SocketPlan sink_plan;
  sink_plan.node_id = "sink";
  sink_plan.pull_bind = "tcp://127.0.0.1:*";
  Running puller(sink_plan, sink);
  const std::string data_address = puller.runtime->BoundEndpoint(actors::Socket::kPull);
  listener.runtime->Post([&](actors::Context& ctx) {
    ctx.Push(data_address, messages::Ping{1}, Payload::FromString("piece"));
  });
  REQUIRE(WaitUntil([&] { return !sink.inbound().empty(); }, 5s));
  CHECK(sink.inbound()[0].socket == actors::Socket::kPull);
  CHECK(sink.inbound()[0].payload.view() == "piece");
}

TEST_CASE("zmq: timers fire in order and syncs complete as inputs", "[zmq]") {
  Probe probe;
  actors::SocketPlan plan;
  plan.node_id = "timers";
  Running running(plan, probe);
  const auto loop_thread = running.thread.get_id();
  std::atomic<bool> ran_off_loop{false};
  running.runtime->Post([&](actors::Context& ctx) {
    ctx.SetTimer(1, 60ms);
    ctx.SetTimer(2, 20ms);
    ctx.SetTimer(3, 40ms);
    ctx.CancelTimer(3);
    ctx.RequestSync(5, [&] {
      ran_off_loop = std::this_thread::get_id() != loop_thread;
      return Status::IoError("disk says no");
    });
  });
  REQUIRE(WaitUntil([&] { return probe.timers().size() == 2 && !probe.syncs().empty(); }, 5s));
  const auto fired = probe.timers();
  CHECK(fired[0].first == 2);
  CHECK(fired[1].first == 1);
  CHECK(fired[1].second - fired[0].second >= 30ms);
  CHECK(probe.syncs()[0].first == 5);
  CHECK(probe.syncs()[0].second.code() == Code::kIoError);
  CHECK(ran_off_loop);
}

TEST_CASE("zmq: a busy port is a clear error", "[zmq]") {
  testing::EchoActor echo("server");
  Running first(ServerPlan(), echo);
  RuntimeOptions options;
  options.plan.node_id = "second";
  options.plan.router_bind = first.runtime->BoundEndpoint(actors::Socket::kRouter);
  auto second = ZmqRuntime::Create(options, NullLog());
  REQUIRE_FALSE(second.ok());
  CHECK_THAT(second.status().message(),
             Catch::Matchers::Contains(options.plan.router_bind) &&
                 Catch::Matchers::Contains("bind"));
}

TEST_CASE("zmq: an actor's stop ends Run with its reason", "[zmq]") {
  class Stopper : public actors::Actor {
   public:
    void Start(actors::Context& ctx) override { ctx.SetTimer(1, 10ms); }
    void Handle(const actors::Inbound&, actors::Context&) override {}
    void OnTimer(actors::TimerId, actors::Context& ctx) override { ctx.Stop("fsync failed"); }
  } stopper;
  RuntimeOptions options;
  options.plan.node_id = "stopper";
  options.stop_on_signals = false;
  auto runtime = ZmqRuntime::Create(options, NullLog());
  REQUIRE(runtime.ok());
  Status result = (*runtime)->Run(stopper);
  CHECK_THAT(result.message(), Catch::Matchers::Contains("fsync failed"));
}

}  // namespace
}  // namespace bucket::runtime
