// The monitor's logic without sockets: gap detection, the model, the screen.
#include <catch2/catch.hpp>

#include "client/monitor/monitor_actor.h"
#include "client/monitor/monitor_model.h"
#include "client/monitor/monitor_view.h"

namespace bucket::client {
namespace {

namespace msg = messages;

struct Recorder : MonitorListener {
  void OnPublished(const std::string& topic, std::uint64_t, const msg::Message&,
                   std::uint64_t) override {
    topics.push_back(topic);
  }
  void OnGap(const std::string& topic_class, std::uint64_t missed, std::uint64_t) override {
    gaps.emplace_back(topic_class, missed);
  }
  std::vector<std::string> topics;
  std::vector<std::pair<std::string, std::uint64_t>> gaps;
};

actors::Inbound Published(const std::string& topic, std::uint64_t sequence, msg::Message m) {
  actors::Inbound in;
  in.socket = actors::Socket::kSub;
  in.peer = topic;
  in.header.request_id = sequence;
  in.message = std::move(m);
  return in;
}

TEST_CASE("monitor: a gap in a topic's sequence numbers is reported, a restart is not a gap",
          "[unit][monitor]") {
  Recorder recorder;
  MonitorActor actor({}, &recorder);
  actors::Context ctx(actors::Millis(0), 0);
  actor.Handle(Published("state", 1, msg::ClusterState{}), ctx);
  actor.Handle(Published("state", 2, msg::ClusterState{}), ctx);
  actor.Handle(Published("event.dead", 1, msg::ClusterEvent{}), ctx);
  actor.Handle(Published("state", 7, msg::ClusterState{}), ctx);       // 3..6 dropped
  actor.Handle(Published("event.back", 2, msg::ClusterEvent{}), ctx);  // its own sequence
  actor.Handle(Published("state", 1, msg::ClusterState{}), ctx);       // the master restarted
  actor.Handle(Published("state", 2, msg::ClusterState{}), ctx);
  REQUIRE(recorder.gaps.size() == 1);
  CHECK(recorder.gaps[0] == std::make_pair(std::string("state"), std::uint64_t{4}));
  CHECK(actor.messages_missed() == 4);
  CHECK(recorder.topics.size() == 7);
}

TEST_CASE("monitor: a partial subscription tracks gaps only where it sees everything",
          "[unit][monitor]") {
  Recorder recorder;
  MonitorActor actor({"event.dead"}, &recorder);  // event sequences count every event type
  actors::Context ctx(actors::Millis(0), 0);
  actor.Handle(Published("event.dead", 3, msg::ClusterEvent{}), ctx);
  actor.Handle(Published("event.dead", 9, msg::ClusterEvent{}), ctx);
  CHECK(recorder.gaps.empty());
}

TEST_CASE("monitor: the screen fits 80x24, shows every node and the events", "[unit][monitor]") {
  MonitorModel model;
  msg::ClusterState state;
  state.unix_ms = 1700000000000;
  state.master.master_id = "master";
  state.master.rpc_endpoint = "tcp://127.0.0.1:7700";
  for (int i = 1; i <= 4; ++i) {
    msg::ChunkserverStatus cs;
    cs.address.node_id = "chunkserver-" + std::to_string(i);
    cs.address.rpc_endpoint = "tcp://127.0.0.1:771" + std::to_string(i);
    cs.address.rack = "rack-1";
    cs.state = i == 3 ? msg::NodeState::kDead : msg::NodeState::kUp;
    cs.write_bytes_per_s = 1e6 * i;
    state.chunkservers.push_back(cs);
  }
  for (int k = 0; k < 5; ++k) model.OnState(state);
  model.OnEvent(msg::ClusterEvent{1700000000000, "dead", "chunkserver-3", 0, "silent for 4.0s"});
  ViewOptions options;
  options.now_unix_ms = state.unix_ms;
  const auto lines = RenderScreen(model.Take(), options, 80, 24);
  REQUIRE(lines.size() == 24);
  std::string screen;
  for (const auto& line : lines) {
    CHECK(line.size() <= 80 * 3);  // UTF-8 sparklines take 3 bytes a column
    screen += line + "\n";
  }
  for (int i = 1; i <= 4; ++i) CHECK(screen.find("chunkserver-" + std::to_string(i)) != std::string::npos);
  CHECK(screen.find("dead") != std::string::npos);
  CHECK(screen.find("silent for 4.0s") != std::string::npos);
  CHECK(screen.find("q quit") != std::string::npos);
  // Wider terminals show the endpoints too; the filter shows only dead ones.
  options.filter = StateFilter::kDead;
  const auto wide = RenderScreen(model.Take(), options, 140, 40);
  std::string wide_screen;
  for (const auto& line : wide) wide_screen += line + "\n";
  CHECK(wide_screen.find("127.0.0.1:7713") != std::string::npos);
  CHECK(wide_screen.find("chunkserver-1 ") == std::string::npos);
  CHECK(Sparkline({0, 1, 2, 4, 8}, 5, false) == "  .-#");  // linear, to the peak
  CHECK(Sparkline({8, 8, 0, 8, 8, 8}, 3, false) == "###");  // the newest values only
}

}  // namespace
}  // namespace bucket::client
