// CurveZMQ against real processes: who is let in, what each key may do, and a
// node that refuses to start with a secret key others can read.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "client/bucket_client.h"
#include "config/load_config.h"
#include "test/support/local_cluster.h"
#include "test/support/process_helpers.h"
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
