// The data path with real processes on loopback: the push chain over three
// hops delivers identical bytes to every replica, and record appends from
// several processes at once each land whole, once.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "client/bucket_client.h"
#include "test/support/cluster_client.h"
#include "test/support/local_cluster.h"

namespace bucket::testing {
namespace {

std::string RandomFile(const std::string& path, std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << data;
  return data;
}

// Every chunk's data file, by name, in a chunkserver's data folder.
std::map<std::string, std::string> ChunkFiles(const std::string& data_dir) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir + "/chunks")) {
    if (entry.path().extension() == ".chunk") {
      files[entry.path().filename()] = ReadFile(entry.path());
    }
  }
  return files;
}

// Puts `size` random bytes as `remote` with `program` (put/get commands), gets
// them back both ways a client can (from the replicas' files on this host, and
// through the chunkservers, as a client on another host does), and checks they
// are the same.
void PutAndGetBack(LocalCluster& cluster, const std::string& program, const std::string& remote,
                   std::size_t size, std::uint64_t seed) {
  const std::string in = cluster.temp() / "in.bin", out = cluster.temp() / "out.bin";
  const std::string data = RandomFile(in, size, seed);
  auto put = RunCommand({Program(program), "--config", cluster.client_config(), "put", in, remote});
  INFO(put.output);
  REQUIRE(put.exit_code == 0);
  const std::string through = cluster.temp() / "through-chunkservers.toml";
  std::ofstream(through) << ReadFile(cluster.client_config())
                         << "\n[client]\nshort_circuit_reads = false\n";
  for (const std::string& config : {cluster.client_config(), through}) {
    auto get = RunCommand({Program(program), "--config", config, "get", remote, out});
    INFO(config << ": " << get.output);
    REQUIRE(get.exit_code == 0);
    CHECK((ReadFile(out) == data));
  }
}

TEST_CASE("data path: a file put through the chain comes back, identical on every replica",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  PutAndGetBack(cluster, "copy_file", "/data/in.bin", 5 * (1 << 20) + 4321, 1);

  auto first = ChunkFiles(cluster.DataDir(1));
  CHECK(first.size() == 6);
  CHECK(ChunkFiles(cluster.DataDir(2)) == first);
  CHECK(ChunkFiles(cluster.DataDir(3)) == first);
}

// Flips one byte, at `offset` of a chunk's data file, on disk.
void Rot(const std::string& data_dir, std::uint64_t handle, std::uint64_t offset) {
  char name[64];
  std::snprintf(name, sizeof(name), "/chunks/%016llx.chunk",
                static_cast<unsigned long long>(handle));
  std::fstream file(data_dir + name, std::ios::in | std::ios::out | std::ios::binary);
  REQUIRE(file.good());
  file.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  file.read(&byte, 1);
  byte = static_cast<char>(byte ^ 0x10);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(&byte, 1);
}

TEST_CASE("data path: a client on the chunkservers' host reads their files itself, and takes "
          "no rotten byte",
          "[integration]") {
  constexpr std::uint64_t kChunk = 1 << 20;  // the test clusters' chunk size
  LocalCluster cluster;
  cluster.Up();
  auto local = Connect(cluster);
  REQUIRE(local->Create("/local").ok());
  const std::string data = Random(3 * kChunk + 777, 11);
  REQUIRE(local->Write("/local", 0, data).ok());

  // Every replica is on this host: every byte comes from the chunk files.
  CHECK(*local->Read("/local", 0, data.size()) == data);
  CHECK(local->LocalReadBytes() == data.size());
  // Short-circuit reads off: the same bytes, all through the chunkservers.
  config::ClientConfig through;
  through.master_rpc = cluster.master_rpc();
  through.request_timeout_ms = 2000;
  through.short_circuit_reads = false;
  auto remote = client::BucketClient::Connect(through);
  REQUIRE(remote.ok());
  CHECK(*(*remote)->Read("/local", 0, data.size()) == data);
  CHECK((*remote)->LocalReadBytes() == 0);

  // Every replica of the second chunk rots: its bytes are refused whichever
  // way they would come, and the other chunks still read.
  auto stat = local->Stat("/local");
  REQUIRE(stat.ok());
  REQUIRE(stat->chunks.size() == 4);
  for (const auto& replica : stat->chunks[1].replicas) {
    Rot(cluster.DataDir(std::stoi(replica.node_id.substr(12))), stat->chunks[1].handle, 4321);
  }
  auto fresh = Connect(cluster);
  auto rotten = fresh->Read("/local", kChunk, kChunk);
  CHECK_FALSE(rotten.ok());
  CHECK_FALSE(local->Read("/local", 0, data.size()).ok());
  CHECK(*fresh->Read("/local", 0, kChunk) == data.substr(0, kChunk));
  CHECK(*local->Read("/local", 2 * kChunk, kChunk + 777) == data.substr(2 * kChunk));
}

// Gets `path` with `c` into a file under the cluster's temporary folder;
// returns the status and whatever bytes reached the file.
std::pair<Status, std::string> GetFile(client::BucketClient& c, LocalCluster& cluster,
                                       const std::string& path) {
  const std::string out = cluster.temp() / "got.bin";
  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  Status got = c.Get(path, fd);
  ::close(fd);
  return {got, ReadFile(out)};
}

TEST_CASE("data path: get copies local replicas' files on its own thread, and takes no rotten "
          "byte from them",
          "[integration]") {
  constexpr std::uint64_t kChunk = 1 << 20;  // the test clusters' chunk size
  // No scrubbing: rotten replicas found in the background would leave the
  // master's lists, and the order in which a client tries them (below) with them.
  LocalClusterOptions options;
  options.extra_chunkserver = "[scrub]\nrate = \"0\"";
  LocalCluster cluster(options);
  cluster.Up();
  auto writer = Connect(cluster);
  const std::string data = Random(3 * kChunk + 777, 12);
  const std::vector<std::string> partly = {"/partly-rotten-0", "/partly-rotten-1",
                                           "/partly-rotten-2"};
  for (const auto& path : {partly[0], partly[1], partly[2], std::string("/rotten")}) {
    REQUIRE(writer->Create(path).ok());
    REQUIRE(writer->Write(path, 0, data).ok());
  }
  // Every replica is on this host: every byte of a get is copied from the
  // files on the caller's thread.
  {
    auto local = Connect(cluster);
    auto [status, bytes] = GetFile(*local, cluster, partly[0]);
    REQUIRE(status.ok());
    CHECK((bytes == data));  // not decomposed: megabytes would be printed
    CHECK(local->LocalCopyBytes() == data.size());
  }
  // Short-circuit reads off: the same bytes, all through the chunkservers.
  {
    config::ClientConfig through;
    through.master_rpc = cluster.master_rpc();
    through.short_circuit_reads = false;
    auto remote = client::BucketClient::Connect(through);
    REQUIRE(remote.ok());
    auto [status, bytes] = GetFile(**remote, cluster, partly[0]);
    REQUIRE(status.ok());
    CHECK((bytes == data));
    CHECK((*remote)->LocalReadBytes() == 0);
  }
  // Half way into the second chunk, the replicas rot in one place: in each
  // partly rotten file all but one (a different one in each), in the last
  // file all three.
  const std::uint64_t rot_at = kChunk / 2 + 100;
  auto node_of = [](const messages::ReplicaLocation& r) { return std::stoi(r.node_id.substr(12)); };
  for (std::size_t k = 0; k < partly.size(); ++k) {
    auto stat = writer->Stat(partly[k]);
    REQUIRE(stat.ok());
    REQUIRE(stat->chunks[1].replicas.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      if (i == k) continue;
      Rot(cluster.DataDir(node_of(stat->chunks[1].replicas[i])), stat->chunks[1].handle, rot_at);
    }
  }
  auto rotten = writer->Stat("/rotten");
  REQUIRE(rotten.ok());
  for (const auto& replica : rotten->chunks[1].replicas) {
    Rot(cluster.DataDir(node_of(replica)), rotten->chunks[1].handle, rot_at);
  }
  // A fresh client tries a chunk's replicas in the same order in each file
  // (the master lists them in one order, and the client's rotation starts at
  // zero): it copies from a rotten one in two files, and goes on through the
  // chunkservers from the rotten block; from the good one in the third. Each
  // file comes back whole.
  int fell_back = 0, copied_whole = 0;
  for (const auto& path : partly) {
    auto fresh = Connect(cluster);
    auto [status, bytes] = GetFile(*fresh, cluster, path);
    INFO(path);
    REQUIRE(status.ok());
    CHECK((bytes == data));
    if (fresh->LocalCopyBytes() == data.size()) {
      ++copied_whole;
    } else {
      ++fell_back;
      // All but the second chunk's rest from the step (256 KiB) that holds
      // the rotten block on was copied; that rest came through the loop.
      constexpr std::uint64_t kStep = 256 << 10;
      CHECK(fresh->LocalCopyBytes() == data.size() - (kChunk - rot_at / kStep * kStep));
    }
  }
  CHECK(fell_back == 2);
  CHECK(copied_whole == 1);
  // No replica vouches for the rotten block: the get fails, and what it wrote
  // out before it is the file's own bytes, ending before that block.
  auto fresh = Connect(cluster);
  auto [status, bytes] = GetFile(*fresh, cluster, "/rotten");
  CHECK_FALSE(status.ok());
  CHECK(bytes.size() <= kChunk + rot_at);
  CHECK((bytes == data.substr(0, bytes.size())));
}

TEST_CASE("data path: a client reads back at once what it has just written, by get and by read",
          "[integration]") {
  constexpr std::uint64_t kChunk = 1 << 20;  // the test clusters' chunk size
  LocalCluster cluster;
  cluster.Up();
  // More chunks than one request locates (16), written by the client that
  // reads them: what it cached while writing must not pass for the file.
  const std::string data = Random(20 * kChunk + 777, 13);
  for (bool short_circuit : {true, false}) {
    INFO("short-circuit reads " << short_circuit);
    config::ClientConfig config;
    config.master_rpc = cluster.master_rpc();
    config.short_circuit_reads = short_circuit;
    auto c = client::BucketClient::Connect(config);
    REQUIRE(c.ok());
    const std::string path = short_circuit ? "/mine-local" : "/mine-through";
    REQUIRE((*c)->Create(path).ok());
    REQUIRE((*c)->Write(path, 0, data).ok());
    auto [status, bytes] = GetFile(**c, cluster, path);
    REQUIRE(status.ok());
    CHECK((bytes == data));
    auto read = (*c)->Read(path, 17 * kChunk + 5, 2 * kChunk);
    REQUIRE(read.ok());
    CHECK((*read == data.substr(17 * kChunk + 5, 2 * kChunk)));
    // Written further on, past the chunks located so far: read back at once.
    const std::string more = Random(3 * kChunk, 14);
    REQUIRE((*c)->Write(path, data.size(), more).ok());
    auto again = GetFile(**c, cluster, path);
    REQUIRE(again.first.ok());
    CHECK((again.second == data + more));
  }
}

TEST_CASE("data path: a put of several 64MiB blocks, read from the local file into reused "
          "buffers, comes back whole",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  // Three blocks: the third is read into the first one's buffer, which must by
  // then be free (a buffer refilled too early would corrupt the first block).
  PutAndGetBack(cluster, "bucket", "/big.bin", 2 * (64 << 20) + (3 << 20) + 17, 2);
}

TEST_CASE("data path: get reads whole files that end at, before and after its windows' edges",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  // Get keeps two 8 MiB windows in flight: a file ending exactly at an edge
  // must stop at the empty window after it; one ending a byte past an edge
  // must not stop at the full window before it; an empty file reads nothing.
  PutAndGetBack(cluster, "bucket", "/edge.bin", 16 << 20, 3);
  PutAndGetBack(cluster, "bucket", "/past-edge.bin", (8 << 20) + 1, 4);
  PutAndGetBack(cluster, "bucket", "/empty.bin", 0, 5);
}

TEST_CASE("data path: record appends from several processes land whole, each once",
          "[integration]") {
  LocalCluster cluster;
  cluster.Up();
  std::vector<std::unique_ptr<ChildProcess>> appenders;
  for (const char* name : {"a", "b", "c", "d"}) {
    appenders.push_back(std::make_unique<ChildProcess>(
        std::vector<std::string>{Program("log_appender"), "--config", cluster.client_config(),
                                 "/logs/app", name, "150", "5000"},
        cluster.temp() / (std::string("appender-") + name + ".txt")));
  }
  for (auto& appender : appenders) CHECK(appender->Stop(0) == 0);  // waits for the exit
  std::set<std::string> acknowledged;
  std::set<std::uint64_t> offsets;
  for (const char* name : {"a", "b", "c", "d"}) {
    for (const auto& line : ReadLines(cluster.temp() / (std::string("appender-") + name + ".txt"))) {
      const auto space = line.find(' ');
      CHECK(offsets.insert(std::stoull(line.substr(0, space))).second);
      acknowledged.insert(line.substr(space + 1));
    }
  }
  CHECK(acknowledged.size() == 600);
  config::ClientConfig cc;
  cc.master_rpc = cluster.master_rpc();
  auto client = client::BucketClient::Connect(cc);
  REQUIRE(client.ok());
  auto records = (*client)->ReadRecords("/logs/app");
  REQUIRE(records.ok());
  std::map<std::string, int> seen;
  for (const auto& record : *records) {
    REQUIRE(record.payload.size() == 5000);  // whole
    ++seen[record.payload.substr(0, record.payload.find(' '))];
  }
  for (const auto& name : acknowledged) CHECK(seen[name] == 1);
  CHECK(seen.size() == acknowledged.size());
}

}  // namespace
}  // namespace bucket::testing
