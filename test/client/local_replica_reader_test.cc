// Short-circuit reads: a client reading a replica's files itself takes only
// bytes that the chunk's checksums vouch for, of the chunk it asked for, at
// the version it asked for; everything else is refused, for the caller to read
// through the chunkserver.
#include "client/local_replica_reader.h"

#include <catch2/catch.hpp>
#include <random>

#include "actors/chunkserver/chunk_store.h"
#include "actors/storage/mem_file_system.h"

namespace bucket::client {
namespace {

constexpr std::uint64_t kChunk = 1 << 20;

std::string Random(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

struct Replica {
  explicit Replica(std::uint64_t recycle_bytes = 0) {
    chunkserver::OpenReport report;
    auto opened = chunkserver::ChunkStore::Open(&fs, {"/d1"}, &report, recycle_bytes);
    REQUIRE(opened.ok());
    store = std::move(*opened);
  }
  void Write(std::uint64_t handle, std::uint64_t offset, const std::string& text) {
    REQUIRE(store->Write(handle, offset, {Payload::Copy(text.data(), text.size())}).ok());
  }
  // Opens `handle`'s files in `reader` as its chunkserver's LocalReadResponse names them.
  void OpenIn(LocalReplicaReader& reader, std::uint64_t handle) {
    auto paths = store->PathsOf(handle);
    REQUIRE(paths.ok());
    REQUIRE(reader.Open(handle, paths->data, paths->meta).ok());
  }
  storage::MemFileSystem fs;
  std::unique_ptr<chunkserver::ChunkStore> store;
};

std::string Text(const Result<LocalPiece>& piece) {
  REQUIRE(piece.ok());
  return std::string(piece->bytes.view());
}

TEST_CASE("short-circuit read: the bytes the chunkserver would serve, and where the chunk ends",
          "[unit][client]") {
  Replica replica;
  REQUIRE(replica.store->Create(7, 3, kChunk).ok());
  const std::string data = Random(300000, 1);  // ends inside a block
  replica.Write(7, 0, data);
  LocalReplicaReader reader(&replica.fs);
  replica.OpenIn(reader, 7);
  CHECK(Text(reader.Read(7, 3, 0, data.size())) == data);
  CHECK(Text(reader.Read(7, 3, 70000, 100000)) == data.substr(70000, 100000));
  // Short only past the chunk's data, which the piece says ends there.
  auto tail = reader.Read(7, 3, 290000, 65536);
  CHECK(Text(tail) == data.substr(290000));
  CHECK(tail->chunk_length == data.size());
  // Written after the files were opened: seen, with the new length.
  replica.Write(7, data.size(), "more");
  auto grown = reader.Read(7, 3, data.size(), 100);
  CHECK(Text(grown) == "more");
  CHECK(grown->chunk_length == data.size() + 4);
  // An older version asked for is fine (a newer lease raised it).
  CHECK(Text(reader.Read(7, 2, 0, 10)) == data.substr(0, 10));
}

TEST_CASE("short-circuit read: a rotten byte, a stale replica or another chunk's files are refused",
          "[unit][client]") {
  Replica replica(/*recycle_bytes=*/4 * kChunk);
  REQUIRE(replica.store->Create(7, 3, kChunk).ok());
  const std::string data = Random(200000, 2);
  replica.Write(7, 0, data);
  LocalReplicaReader reader(&replica.fs);
  replica.OpenIn(reader, 7);

  SECTION("a flipped byte fails its block's checksum") {
    auto paths = replica.store->PathsOf(7);
    auto file = replica.fs.Open(paths->data, storage::OpenMode::kReadWrite);
    REQUIRE(file.ok());
    const char rotten = static_cast<char>(data[150000] ^ 0x04);
    REQUIRE((*file)->WriteAt(150000, &rotten, 1).ok());
    CHECK(reader.Read(7, 3, 131072, 1000).status().code() == Code::kCorruption);
    // Other blocks are still vouched for.
    CHECK(Text(reader.Read(7, 3, 0, 1000)) == data.substr(0, 1000));
  }
  SECTION("a replica behind the version asked for") {
    CHECK(reader.Read(7, 4, 0, 1000).status().code() == Code::kStaleVersion);
  }
  SECTION("the chunk deleted and its data file reused for another chunk while open here") {
    REQUIRE(replica.store->Delete(7).ok());
    REQUIRE(replica.store->Create(8, 1, kChunk).ok());
    replica.Write(8, 0, Random(200000, 3));
    CHECK(reader.Read(7, 3, 0, 1000).status().code() == Code::kCorruption);
  }
  SECTION("files opened under another chunk's handle") {
    REQUIRE(replica.store->Create(9, 3, kChunk).ok());
    auto paths = replica.store->PathsOf(7);
    REQUIRE(reader.Open(9, paths->data, paths->meta).ok());
    CHECK(reader.Read(9, 3, 0, 1000).status().code() == Code::kCorruption);
  }
  SECTION("a chunk not open, or closed") {
    reader.Close(7);
    CHECK_FALSE(reader.IsOpen(7));
    CHECK(reader.Read(7, 3, 0, 1000).status().code() == Code::kNotFound);
  }
}

TEST_CASE("short-circuit read: files that cannot be opened are an error naming them",
          "[unit][client]") {
  storage::MemFileSystem fs;
  LocalReplicaReader reader(&fs);
  Status opened = reader.Open(5, "/elsewhere/5.chunk", "/elsewhere/5.meta");
  CHECK(opened.code() == Code::kNotFound);
  CHECK(opened.message().find("/elsewhere/5.chunk") != std::string::npos);
  CHECK_FALSE(reader.IsOpen(5));
}

TEST_CASE("short-circuit read: at most max_open chunks' files stay open, the least recent closed",
          "[unit][client]") {
  Replica replica;
  LocalReplicaReader reader(&replica.fs, /*max_open=*/2);
  for (std::uint64_t handle : {1, 2, 3}) {
    REQUIRE(replica.store->Create(handle, 1, kChunk).ok());
    replica.Write(handle, 0, "chunk " + std::to_string(handle));
  }
  replica.OpenIn(reader, 1);
  replica.OpenIn(reader, 2);
  CHECK(Text(reader.Read(1, 1, 0, 7)) == "chunk 1");  // 1 is now the most recent
  replica.OpenIn(reader, 3);
  CHECK(reader.IsOpen(1));
  CHECK_FALSE(reader.IsOpen(2));
  CHECK(reader.IsOpen(3));
}

}  // namespace
}  // namespace bucket::client
