// Short-circuit reads: a client reading a replica's files itself takes only
// bytes that the chunk's checksums vouch for, of the chunk it asked for, at
// the version it asked for; everything else is refused, for the caller to read
// through the chunkserver.
#include "client/local_replica_reader.h"

#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "actors/chunkserver/chunk_meta.h"
#include "actors/chunkserver/chunk_store.h"
#include "actors/storage/mem_file_system.h"

namespace bucket::client {
namespace {

constexpr std::uint64_t kChunk = 1 << 20;
const std::string kNode = "cs1";

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
    REQUIRE(reader.Open(kNode, handle, paths->data, paths->meta, actors::Millis(0)).ok());
  }
  storage::MemFileSystem fs;
  std::unique_ptr<chunkserver::ChunkStore> store;
};

Result<LocalPiece> ReadLocal(LocalReplicaReader& reader, std::uint64_t handle,
                             std::uint64_t version, std::uint64_t offset, std::uint64_t length) {
  return reader.Read(kNode, handle, version, offset, length, actors::Millis(0));
}

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
  CHECK(Text(ReadLocal(reader, 7, 3, 0, data.size())) == data);
  CHECK(Text(ReadLocal(reader, 7, 3, 70000, 100000)) == data.substr(70000, 100000));
  // Short only past the chunk's data, which the piece says ends there.
  auto tail = ReadLocal(reader, 7, 3, 290000, 65536);
  CHECK(Text(tail) == data.substr(290000));
  CHECK(tail->chunk_length == data.size());
  // Written after the files were opened: seen, with the new length.
  replica.Write(7, data.size(), "more");
  auto grown = ReadLocal(reader, 7, 3, data.size(), 100);
  CHECK(Text(grown) == "more");
  CHECK(grown->chunk_length == data.size() + 4);
  // An older version asked for is fine (a newer lease raised it).
  CHECK(Text(ReadLocal(reader, 7, 2, 0, 10)) == data.substr(0, 10));
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
    CHECK(ReadLocal(reader, 7, 3, 131072, 1000).status().code() == Code::kCorruption);
    // Other blocks are still vouched for.
    CHECK(Text(ReadLocal(reader, 7, 3, 0, 1000)) == data.substr(0, 1000));
  }
  SECTION("a replica behind the version asked for") {
    CHECK(ReadLocal(reader, 7, 4, 0, 1000).status().code() == Code::kStaleVersion);
  }
  SECTION("the chunk deleted and its data file reused for another chunk while open here") {
    REQUIRE(replica.store->Delete(7).ok());
    REQUIRE(replica.store->Create(8, 1, kChunk).ok());
    replica.Write(8, 0, Random(200000, 3));
    CHECK(ReadLocal(reader, 7, 3, 0, 1000).status().code() == Code::kCorruption);
  }
  SECTION("files opened under another chunk's handle") {
    REQUIRE(replica.store->Create(9, 3, kChunk).ok());
    auto paths = replica.store->PathsOf(7);
    REQUIRE(reader.Open(kNode, 9, paths->data, paths->meta, actors::Millis(0)).ok());
    CHECK(ReadLocal(reader, 9, 3, 0, 1000).status().code() == Code::kCorruption);
  }
  SECTION("a chunk not open, or closed") {
    reader.Close(kNode, 7);
    CHECK_FALSE(reader.IsOpen(kNode, 7));
    CHECK(ReadLocal(reader, 7, 3, 0, 1000).status().code() == Code::kNotFound);
  }
}

TEST_CASE("short-circuit read into a reused buffer: the same bytes, the same refusals",
          "[unit][client]") {
  Replica replica;
  REQUIRE(replica.store->Create(7, 3, kChunk).ok());
  const std::string data = Random(300000, 4);  // ends inside the fifth block
  replica.Write(7, 0, data);
  LocalReplicaReader reader(&replica.fs);
  replica.OpenIn(reader, 7);
  constexpr std::uint64_t kStep = 4 * chunkserver::kBlockBytes;
  std::vector<std::uint8_t> buffer(kStep);
  auto read_into = [&](std::uint64_t version, std::uint64_t offset, std::uint64_t length) {
    return reader.ReadInto(kNode, 7, version, offset, length, actors::Millis(0), buffer.data());
  };
  auto bytes = [&](std::uint64_t n) {
    return std::string(reinterpret_cast<const char*>(buffer.data()), n);
  };

  // Step by step through the chunk, as Get copies it: every byte, then short
  // where the chunk's data ends (its last block read whole into the buffer).
  std::string copied;
  for (std::uint64_t at = 0;; at += kStep) {
    auto got = read_into(3, at, kStep);
    REQUIRE(got.ok());
    copied += bytes(*got);
    if (*got < kStep) break;
  }
  CHECK(copied == data);
  // Reads must start at a block's start, where the checksums do.
  CHECK(read_into(3, 1000, 10).status().code() == Code::kInvalidArgument);
  CHECK(read_into(4, 0, 10).status().code() == Code::kStaleVersion);

  auto paths = replica.store->PathsOf(7);
  auto file = replica.fs.Open(paths->data, storage::OpenMode::kReadWrite);
  REQUIRE(file.ok());
  const char rotten = static_cast<char>(data[270000] ^ 0x04);
  REQUIRE((*file)->WriteAt(270000, &rotten, 1).ok());
  // The step holding the rotten byte is refused; the one before still reads.
  CHECK(read_into(3, kStep, kStep).status().code() == Code::kCorruption);
  REQUIRE(read_into(3, 0, kStep).ok());
  CHECK(bytes(kStep) == data.substr(0, kStep));
}

TEST_CASE("short-circuit read: files that cannot be opened are an error naming them",
          "[unit][client]") {
  storage::MemFileSystem fs;
  LocalReplicaReader reader(&fs);
  Status opened =
      reader.Open(kNode, 5, "/elsewhere/5.chunk", "/elsewhere/5.meta", actors::Millis(0));
  CHECK(opened.code() == Code::kNotFound);
  CHECK(opened.message().find("/elsewhere/5.chunk") != std::string::npos);
  CHECK_FALSE(reader.IsOpen(kNode, 5));
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
  CHECK(Text(ReadLocal(reader, 1, 1, 0, 7)) == "chunk 1");  // 1 is now the most recent
  replica.OpenIn(reader, 3);
  CHECK(reader.IsOpen(kNode, 1));
  CHECK_FALSE(reader.IsOpen(kNode, 2));
  CHECK(reader.IsOpen(kNode, 3));
}

TEST_CASE("short-circuit read: each chunkserver's replica is read from its own files",
          "[unit][client]") {
  // Two chunkservers on one host: the second's replica is short (it missed
  // a write). A read meant for either gets that one's bytes.
  Replica full, short_one;
  const std::string data = Random(200000, 4);
  for (Replica* r : {&full, &short_one}) REQUIRE(r->store->Create(7, 1, kChunk).ok());
  full.Write(7, 0, data);
  short_one.Write(7, 0, data.substr(0, 100000));
  storage::MemFileSystem host;  // both replicas' files, as on one host
  for (auto [replica, dir] : {std::pair{&full, "/cs1"}, std::pair{&short_one, "/cs2"}}) {
    for (const char* suffix : {".chunk", ".meta"}) {
      const std::string name = std::string("/d1/chunks/0000000000000007") + suffix;
      auto bytes = storage::ReadWholeFile(replica->fs, name);
      REQUIRE(bytes.ok());
      REQUIRE(host.MakeDirs(dir).ok());
      auto file = host.Open(std::string(dir) + suffix, storage::OpenMode::kCreate);
      REQUIRE(file.ok());
      REQUIRE((*file)->WriteAt(0, bytes->data(), bytes->size()).ok());
    }
  }
  LocalReplicaReader reader(&host);
  const actors::Millis now(0);
  REQUIRE(reader.Open("cs1", 7, "/cs1.chunk", "/cs1.meta", now).ok());
  REQUIRE(reader.Open("cs2", 7, "/cs2.chunk", "/cs2.meta", now).ok());
  auto from_short = reader.Read("cs2", 7, 1, 100000, 50000, now);
  REQUIRE(from_short.ok());
  CHECK(from_short->bytes.size() == 0);
  CHECK(from_short->chunk_length == 100000);
  CHECK(Text(reader.Read("cs1", 7, 1, 100000, 50000, now)) == data.substr(100000, 50000));
  reader.Close("cs2", 7);
  CHECK(reader.IsOpen("cs1", 7));
}

TEST_CASE("short-circuit read: files not read for a while are closed, so a deleted chunk's "
          "space comes free",
          "[unit][client]") {
  Replica replica;
  LocalReplicaReader reader(&replica.fs);
  for (std::uint64_t handle : {1, 2}) {
    REQUIRE(replica.store->Create(handle, 1, kChunk).ok());
    replica.Write(handle, 0, "chunk " + std::to_string(handle));
    replica.OpenIn(reader, handle);  // at 0 ms
  }
  REQUIRE(reader.Read(kNode, 2, 1, 0, 7, actors::Millis(5000)).ok());
  CHECK(reader.CloseUnusedSince(actors::Millis(1000)) == 1);
  CHECK_FALSE(reader.IsOpen(kNode, 1));
  CHECK(reader.IsOpen(kNode, 2));
  CHECK(reader.CloseUnusedSince(actors::Millis(6000)) == 0);
  CHECK_FALSE(reader.IsOpen(kNode, 2));
}

}  // namespace
}  // namespace bucket::client
