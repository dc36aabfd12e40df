// Hostile input against real processes: one malformed message of every kind,
// sent to the master and to a chunkserver on each socket they listen on, gets
// an error (or, where no reply can go, a log line), and the node keeps serving.
#include <catch2/catch.hpp>
#include <msgpack.hpp>

#include "client/bucket_client.h"
#include "config/load_config.h"
#include "test/support/local_cluster.h"
#include "test/support/raw_peer.h"
#include "test/support/sample_messages.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;
namespace msg = messages;

// Three ways to spoil a body of the given kind: cut short, a trailing byte,
// and a value of the wrong type where the field list should be.
std::vector<std::pair<std::string, std::string>> SpoiledBodies(const msg::Message& sample) {
  const std::string good(msg::EncodeBody(sample).view());
  msgpack::sbuffer wrong_type;
  msgpack::pack(wrong_type, std::string("not the fields of a message"));
  return {{"truncated", good.substr(0, good.size() - 1)},
          {"with a trailing byte", good + '\x00'},
          {"of the wrong type", std::string(wrong_type.data(), wrong_type.size())}};
}

// Sends every spoiled body of every kind to the ROUTER at `endpoint`; each must
// be answered with Corruption under its own request id, and the node must
// answer a ping after each kind.
void EveryKindRefused(const std::string& node, const std::string& endpoint) {
  RawPeer peer(endpoint);
  std::uint64_t id = 1000;
  for (const msg::Message& sample : OneOfEach()) {
    const msg::Kind kind = msg::KindOf(sample);
    for (const auto& [how, body] : SpoiledBodies(sample)) {
      INFO(node << ": " << msg::KindName(kind) << " " << how);
      peer.SendRaw(kind, ++id, body);
      auto reply = peer.Receive();
      REQUIRE(reply.has_value());
      CHECK(reply->header.request_id == id);
      REQUIRE(std::holds_alternative<msg::ErrorResponse>(reply->message));
      CHECK(std::get<msg::ErrorResponse>(reply->message).code == Code::kCorruption);
      CHECK_FALSE(std::get<msg::ErrorResponse>(reply->message).detail.empty());
    }
    INFO(node << " after " << msg::KindName(kind));
    REQUIRE(peer.Serving(++id));
  }
}

std::string LogOf(const LocalCluster& cluster, const std::string& node) {
  return ReadFile(cluster.dir() + "/" + node + "/log/" + node + ".log");
}

TEST_CASE("malformed input: every kind, spoiled three ways, is refused by master and chunkserver",
          "[integration]") {
  LocalCluster cluster(LocalClusterOptions::Single());
  cluster.Up();
  const auto chunkserver = cluster.ChunkserverConfig(1);

  EveryKindRefused("master", cluster.master_rpc());
  EveryKindRefused("chunkserver-1", chunkserver.rpc_bind);

  // Nothing broke: a client still writes and reads through both.
  auto client = client::BucketClient::Connect(*config::LoadClientConfig(cluster.client_config()));
  REQUIRE(client.ok());
  REQUIRE((*client)->Create("/after").ok());
  REQUIRE((*client)->Write("/after", 0, "still here").ok());
  CHECK(*(*client)->Read("/after", 0, 10) == "still here");
}

TEST_CASE("malformed input: garbage on the data PULL and the heartbeat SUB is dropped and logged",
          "[integration]") {
  LocalCluster cluster(LocalClusterOptions::Single());
  cluster.Up();
  const auto chunkserver = cluster.ChunkserverConfig(1);
  const auto master = cluster.MasterConfig();

  // A PUSH of spoiled DataPieces (and of frames that are no message at all).
  RawPeer pusher(chunkserver.data_bind, {}, zmq::socket_type::push);
  for (const auto& [how, body] : SpoiledBodies(OneOfEach()[0])) {
    pusher.SendRaw(msg::Kind::kDataPiece, 1, body);
  }
  CHECK(WaitUntil(
      [&] { return LogOf(cluster, "chunkserver-1").find("on data PULL") != std::string::npos; },
      10s));
  CHECK(RawPeer(chunkserver.rpc_bind).Serving(1));

  // A publisher on the master's heartbeat SUB: it subscribes to heartbeats only,
  // so the garbage goes out under that topic until the master has seen some.
  zmq::context_t context;
  zmq::socket_t publisher(context, zmq::socket_type::pub);
  publisher.set(zmq::sockopt::linger, 0);
  publisher.connect(master.heartbeat_bind);
  CHECK(WaitUntil(
      [&] {
        const std::string topic = std::string(msg::kTopicHeartbeat) + "chunkserver-9";
        publisher.send(zmq::buffer(topic), zmq::send_flags::sndmore);
        publisher.send(zmq::buffer(std::string("\xc1\xc1")), zmq::send_flags::sndmore);
        publisher.send(zmq::buffer(std::string("\xc1")));
        return LogOf(cluster, "master").find("on SUB") != std::string::npos;
      },
      10s));
  CHECK(RawPeer(cluster.master_rpc()).Serving(2));
  auto client = client::BucketClient::Connect(*config::LoadClientConfig(cluster.client_config()));
  REQUIRE(client.ok());
  auto status = (*client)->ClusterStatus();
  REQUIRE(status.ok());
  REQUIRE(status->chunkservers.size() == 1);
  CHECK(status->chunkservers[0].state == msg::NodeState::kUp);
}

}  // namespace
}  // namespace bucket::testing
