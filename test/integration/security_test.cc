// CurveZMQ against real processes: who is let in, what each key may do, and a
// node that refuses to start with a secret key others can read.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "client/bucket_client.h"
#include "config/load_config.h"
#include "test/support/local_cluster.h"
#include "test/support/process_helpers.h"
#include "test/support/raw_peer.h"
#include "test/support/tcp_tap.h"
#include "test/support/wait.h"

namespace bucket::testing {
namespace {

using namespace std::chrono_literals;

config::ClientConfig ConfigOf(const std::string& path) {
  auto loaded = config::LoadClientConfig(path);
  REQUIRE(loaded.ok());
  loaded->request_timeout_ms = 1500;
  loaded->request_attempts = 1;
  return *loaded;
}

std::unique_ptr<client::BucketClient> ConnectWith(const config::ClientConfig& config) {
  auto client = client::BucketClient::Connect(config);
  REQUIRE(client.ok());
  return std::move(*client);
}

// A client config like `base` but with another key pair.
config::ClientConfig WithKeys(config::ClientConfig base, const std::string& keys, const std::string& name) {
  base.security.public_key = keys + "/" + name + ".pub";
  base.security.secret_key = keys + "/" + name + ".key";
  return base;
}

TEST_CASE("security: with CurveZMQ on, only allow-listed keys get in, each with its rights",
          "[integration]") {
  LocalClusterOptions options;
  options.secure = true;
  LocalCluster cluster(options);
  cluster.Up();
  const std::string keys = cluster.dir() + "/keys";

  // The admin key (client.toml) may do everything.
  auto admin = ConnectWith(ConfigOf(cluster.client_config()));
  REQUIRE(admin->Mkdir("/d").ok());
  REQUIRE(admin->Create("/d/f").ok());
  REQUIRE(admin->Write("/d/f", 0, "secret bytes").ok());
  CHECK(*admin->Read("/d/f", 0, 12) == "secret bytes");

  // A read-only key reads, and may not write, delete or rename.
  auto reader = ConnectWith(ConfigOf(cluster.dir() + "/reader.toml"));
  CHECK(*reader->Read("/d/f", 0, 12) == "secret bytes");
  CHECK(reader->List("/d").ok());
  CHECK(reader->Mkdir("/e").code() == Code::kPermissionDenied);
  CHECK(reader->Create("/d/g").code() == Code::kPermissionDenied);
  CHECK(reader->Remove("/d/f").code() == Code::kPermissionDenied);
  CHECK(reader->Rename("/d/f", "/d/h").code() == Code::kPermissionDenied);
  CHECK(reader->Write("/d/f", 0, "x").code() == Code::kPermissionDenied);
  CHECK(reader->SetNodeState("chunkserver-1", messages::NodeAdminAction::kDrain).code() ==
        Code::kPermissionDenied);

  // A chunkserver's key may not act as a client.
  auto impostor = ConnectWith(WithKeys(ConfigOf(cluster.client_config()), keys, "chunkserver-1"));
  CHECK(impostor->Mkdir("/x").code() == Code::kPermissionDenied);
  CHECK(impostor->List("/").status().code() == Code::kPermissionDenied);

  // No key, an unknown key, or the wrong server key: never answered.
  config::ClientConfig plain;
  plain.master_rpc = cluster.master_rpc();
  plain.request_timeout_ms = 1000;
  plain.request_attempts = 1;
  CHECK(ConnectWith(plain)->List("/").status().code() == Code::kTimeout);

  REQUIRE(RunCommand({Program("bucket-keygen"), "stranger", "--dir", cluster.temp().path()})
              .exit_code == 0);
  const std::string stranger_key = ReadFile(cluster.temp().path() + "/stranger.pub");
  auto stranger = ConnectWith(WithKeys(ConfigOf(cluster.client_config()), cluster.temp().path(),
                                       "stranger"));
  CHECK(stranger->List("/").status().code() == Code::kTimeout);
  // The master logs whom it refused, by public key.
  CHECK(WaitUntil(
      [&] {
        return ReadFile(cluster.dir() + "/master/log/master.log")
                   .find("refused a connection") != std::string::npos &&
               ReadFile(cluster.dir() + "/master/log/master.log")
                       .find(stranger_key.substr(0, 40)) != std::string::npos;
      },
      10s));

  auto wrong_server = ConfigOf(cluster.client_config());
  wrong_server.security.server_public_key = cluster.temp().path() + "/stranger.pub";
  CHECK(ConnectWith(wrong_server)->List("/").status().code() == Code::kTimeout);

  // The admin still works: nothing above took the master down.
  CHECK(admin->List("/d").ok());
}

TEST_CASE("security: a node refuses to start with a secret key others can read", "[integration]") {
  LocalClusterOptions options;
  options.secure = true;
  LocalCluster cluster(options);
  const std::string secret = cluster.dir() + "/keys/master.key";
  REQUIRE(::chmod(secret.c_str(), 0644) == 0);
  auto started = RunCommand({Program("bucket-master"), "--config", cluster.dir() + "/master.toml"},
                            10s);
  CHECK(started.exit_code != 0);
  CHECK(started.err.find("readable by others") != std::string::npos);
}

}  // namespace
}  // namespace bucket::testing

namespace bucket::testing {
namespace {

config::CurveKeys KeysOf(const std::string& client_toml) {
  auto loaded = config::LoadClientConfig(client_toml);
  REQUIRE(loaded.ok());
  auto keys = config::LoadCurveKeys(loaded->security, /*server=*/false);
  REQUIRE(keys.ok());
  return *keys;
}

TEST_CASE("security: chunkservers check rights too: a read-only key may not push or write",
          "[integration]") {
  LocalCluster cluster(LocalClusterOptions::Single(/*secure=*/true));
  cluster.Up();
  auto admin = ConnectWith(ConfigOf(cluster.client_config()));
  REQUIRE(admin->Create("/f").ok());
  REQUIRE(admin->Write("/f", 0, "admin bytes").ok());
  auto stat = admin->Stat("/f");
  REQUIRE(stat.ok());
  REQUIRE(stat->chunks.size() == 1);
  const auto& chunk = stat->chunks.front();
  const auto chunkserver = cluster.ChunkserverConfig(1);

  // Straight to the chunkserver with the reader's key, past the master.
  const config::CurveKeys reader = KeysOf(cluster.dir() + "/reader.toml");
  RawPeer peer(chunkserver.rpc_bind, reader);
  peer.Send(1, messages::WriteRequest{chunk.handle, chunk.version, 0, "reader-1", 4});
  auto reply = peer.Receive();
  REQUIRE(reply.has_value());
  REQUIRE(std::holds_alternative<messages::ErrorResponse>(reply->message));
  CHECK(std::get<messages::ErrorResponse>(reply->message).code == Code::kPermissionDenied);
  peer.Send(2, messages::PushReserveRequest{"reader-2", 4, {}});
  reply = peer.Receive();
  REQUIRE(reply.has_value());
  REQUIRE(std::holds_alternative<messages::ErrorResponse>(reply->message));
  CHECK(std::get<messages::ErrorResponse>(reply->message).code == Code::kPermissionDenied);
  // Reading is its right.
  peer.Send(3, messages::ReadRequest{chunk.handle, chunk.version, 0, 11});
  reply = peer.Receive();
  REQUIRE(reply.has_value());
  CHECK(std::holds_alternative<messages::ReadResponse>(reply->message));

  // Pushed data under the reader's key is dropped, and the refusal logged.
  RawPeer pusher(chunkserver.data_bind, reader, zmq::socket_type::push);
  pusher.Send(0, messages::DataPiece{"reader-3", 0, 4, 0, {}});
  CHECK(WaitUntil(
      [&] {
        return ReadFile(cluster.dir() + "/chunkserver-1/log/chunkserver-1.log")
                   .find("may not send DataPiece") != std::string::npos;
      },
      10s));
  CHECK(*admin->Read("/f", 0, 11) == "admin bytes");
}

TEST_CASE("security: a peer is its key: a routing id taken over by another key is refused",
          "[integration]") {
  LocalCluster cluster(LocalClusterOptions::Single(/*secure=*/true));
  cluster.Up();
  const config::CurveKeys admin = KeysOf(cluster.client_config());
  const config::CurveKeys reader = KeysOf(cluster.dir() + "/reader.toml");
  RawPeer first(cluster.master_rpc(), admin, zmq::socket_type::dealer, "client-shared");
  REQUIRE(first.Serving(1));
  // Another allowed key claims the same routing id: libzmq hands the id over
  // (ROUTER_HANDOVER), the master does not.
  RawPeer second(cluster.master_rpc(), reader, zmq::socket_type::dealer, "client-shared");
  second.Send(2, messages::ListRequest{"/", "", 10});
  auto reply = second.Receive();
  REQUIRE(reply.has_value());
  REQUIRE(std::holds_alternative<messages::ErrorResponse>(reply->message));
  const auto& error = std::get<messages::ErrorResponse>(reply->message);
  CHECK(error.code == Code::kPermissionDenied);
  CHECK(error.detail.find("belongs to another key") != std::string::npos);
  // The same key under its own routing id is served.
  RawPeer own(cluster.master_rpc(), reader, zmq::socket_type::dealer, "reader-own");
  own.Send(3, messages::ListRequest{"/", "", 10});
  reply = own.Receive();
  REQUIRE(reply.has_value());
  CHECK(std::holds_alternative<messages::ListResponse>(reply->message));
}

TEST_CASE("security: with CurveZMQ on, nothing a client sends is readable on the wire",
          "[integration]") {
  const std::string marker = "wire-marker-7f3a9c";
  // The same session, relayed through a tap, without and with CURVE: the tap
  // must see the marker in the clear without it (else the check proves
  // nothing), and never with it.
  for (const bool secure : {false, true}) {
    INFO("curve " << secure);
    LocalCluster cluster(LocalClusterOptions::Single(secure));
    cluster.Up();
    TcpTap tap(PortOf(cluster.master_rpc()));
    auto config = ConfigOf(cluster.client_config());
    config.master_rpc = tap.endpoint();
    auto client = ConnectWith(config);
    REQUIRE(client->Mkdir("/" + marker).ok());
    REQUIRE(client->List("/").ok());
    const std::string captured = tap.Captured();
    CHECK(captured.size() > 0);
    CHECK((captured.find(marker) != std::string::npos) == !secure);
  }
}

}  // namespace
}  // namespace bucket::testing
