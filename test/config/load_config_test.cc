#include "config/load_config.h"

#include <catch2/catch.hpp>

#include "config/endpoint.h"
#include "config/units.h"

namespace bucket::config {
namespace {

using Catch::Matchers::Contains;

TEST_CASE("sizes and durations parse as people write them", "[unit][config]") {
  CHECK(*ParseSize("64MiB") == 64ull << 20);
  CHECK(*ParseSize("1.5GiB") == 3ull << 29);
  CHECK(*ParseSize("4096") == 4096);
  CHECK(*ParseSize("10MB") == 10000000);
  CHECK_FALSE(ParseSize("ten").ok());
  CHECK_FALSE(ParseSize("10 parsecs").ok());
  CHECK(*ParseDuration("250ms") == 250);
  CHECK(*ParseDuration("10s") == 10000);
  CHECK(*ParseDuration("1d") == 86400000);
  CHECK_FALSE(ParseDuration("10").ok());
  CHECK(FormatSize(64ull << 20) == "64MiB");
  CHECK(FormatDuration(60000) == "1m");
}

TEST_CASE("defaults apply to an empty file", "[unit][config]") {
  auto master = ParseMasterConfig("", "master.toml");
  REQUIRE(master.ok());
  CHECK(master->heartbeat_interval_ms == 1000);
  CHECK(master->dead_after_ms == 10000);
  CHECK(master->log.level == "info");
  auto cs = ParseChunkserverConfig("", "cs.toml");
  REQUIRE(cs.ok());
  CHECK(cs->rack == "default");
  auto client = ParseClientConfig("", "client.toml");
  REQUIRE(client.ok());
  CHECK(client->log.level == "warn");
}

TEST_CASE("values are read from their sections", "[unit][config]") {
  auto cs = ParseChunkserverConfig(R"(
[node]
id = "chunkserver-7"
rack = "r2"
data_dirs = ["/d1", "/d2"]
[network]
rpc = "tcp://0.0.0.0:9000"
[heartbeat]
interval = "250ms"
)",
                                   "cs.toml");
  REQUIRE(cs.ok());
  CHECK(cs->node_id == "chunkserver-7");
  CHECK(cs->data_dirs == std::vector<std::string>{"/d1", "/d2"});
  CHECK(cs->rpc_bind == "tcp://0.0.0.0:9000");
  CHECK(cs->heartbeat_interval_ms == 250);
}

TEST_CASE("an unknown key names the file, line and key", "[unit][config]") {
  auto master = ParseMasterConfig("[heartbeat]\ninterval = \"1s\"\nintervall = \"2s\"\n",
                                  "master.toml");
  REQUIRE_FALSE(master.ok());
  CHECK_THAT(master.status().message(), Contains("master.toml:3") && Contains("heartbeat.intervall"));
}

TEST_CASE("an unknown section is named", "[unit][config]") {
  auto master = ParseMasterConfig("\n[netwrok]\nrpc = \"tcp://127.0.0.1:1\"\n", "m.toml");
  REQUIRE_FALSE(master.ok());
  CHECK_THAT(master.status().message(), Contains("m.toml:2") && Contains("[netwrok]"));
}

TEST_CASE("a wrong type names the file, line and key", "[unit][config]") {
  auto master = ParseMasterConfig("[heartbeat]\n\ninterval = 5\n", "master.toml");
  REQUIRE_FALSE(master.ok());
  CHECK_THAT(master.status().message(),
             Contains("master.toml:3") && Contains("heartbeat.interval") && Contains("duration"));
}

TEST_CASE("an impossible value names the key", "[unit][config]") {
  auto a = ParseMasterConfig("[heartbeat]\ndead_after = \"1s\"\n", "master.toml");
  REQUIRE_FALSE(a.ok());
  CHECK_THAT(a.status().message(), Contains("master.toml:2") && Contains("heartbeat.dead_after"));
  auto b = ParseChunkserverConfig("[network]\nrpc = \"localhost:7000\"\n", "cs.toml");
  REQUIRE_FALSE(b.ok());
  CHECK_THAT(b.status().message(), Contains("cs.toml:2") && Contains("network.rpc"));
  auto c = ParseMasterConfig("[log]\nlevel = \"loud\"\n", "m.toml");
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.status().message(), Contains("log.level") && Contains("loud"));
  auto d = ParseChunkserverConfig("[node]\nid = \"has space\"\n", "cs.toml");
  REQUIRE_FALSE(d.ok());
  CHECK_THAT(d.status().message(), Contains("cs.toml:2") && Contains("node.id"));
}

TEST_CASE("a syntax error names the file and line", "[unit][config]") {
  auto master = ParseMasterConfig("[node]\nid = \n", "broken.toml");
  REQUIRE_FALSE(master.ok());
  CHECK_THAT(master.status().message(), Contains("broken.toml:2"));
}

TEST_CASE("a missing file is a clear error", "[unit][config]") {
  auto master = LoadMasterConfig("/nonexistent/master.toml");
  REQUIRE_FALSE(master.ok());
  CHECK_THAT(master.status().message(), Contains("/nonexistent/master.toml"));
}

TEST_CASE("advertised endpoints replace wildcard hosts", "[unit][config]") {
  CHECK(*AdvertisedEndpoint("tcp://127.0.0.1:7700", "") == "tcp://127.0.0.1:7700");
  CHECK(*AdvertisedEndpoint("tcp://0.0.0.0:7700", "cs1.example") == "tcp://cs1.example:7700");
  const std::string host = *AdvertisedEndpoint("tcp://0.0.0.0:7700", "");
  CHECK(host.rfind("tcp://", 0) == 0);
  CHECK(host.find("0.0.0.0") == std::string::npos);
  CHECK_FALSE(AdvertisedEndpoint("tcp://127.0.0.1:*", "").ok());
}

TEST_CASE("every sample config in examples/ loads", "[unit][config]") {
  const std::string dir = BUCKET_SOURCE_DIR "/examples/";
  auto master = LoadMasterConfig(dir + "master.toml");
  INFO(master.status().ToString());
  CHECK(master.ok());
  auto cs = LoadChunkserverConfig(dir + "chunkserver.toml");
  INFO(cs.status().ToString());
  CHECK(cs.ok());
  auto client = LoadClientConfig(dir + "client.toml");
  INFO(client.status().ToString());
  CHECK(client.ok());
  auto cluster = LoadClusterConfig(dir + "cluster.toml");
  INFO(cluster.status().ToString());
  CHECK(cluster.ok());
}

}  // namespace
}  // namespace bucket::config
