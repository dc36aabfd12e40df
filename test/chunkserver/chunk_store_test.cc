#include "actors/chunkserver/chunk_store.h"

#include <catch2/catch.hpp>
#include <random>

#include "actors/core/crc32c.h"
#include "actors/storage/mem_file_system.h"

namespace bucket::chunkserver {
namespace {

constexpr std::uint64_t kChunk = 1 << 20;

std::string Random(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::unique_ptr<ChunkStore> OpenStore(storage::MemFileSystem& fs,
                                      std::vector<std::string> dirs = {"/d1"},
                                      OpenReport* report_out = nullptr,
                                      std::uint64_t recycle_bytes = 0) {
  OpenReport report;
  auto store = ChunkStore::Open(&fs, dirs, &report, recycle_bytes);
  REQUIRE(store.ok());
  if (report_out) *report_out = report;
  return std::move(*store);
}

Status WriteText(ChunkStore& store, std::uint64_t handle, std::uint64_t offset,
                 const std::string& text) {
  // Split into uneven pieces, as pushed frames arrive.
  std::vector<Payload> pieces;
  std::size_t at = 0;
  std::size_t step = 777;
  while (at < text.size()) {
    const std::size_t n = std::min(step, text.size() - at);
    pieces.push_back(Payload::Copy(text.data() + at, n));
    at += n;
    step = step * 3 + 1;
  }
  return store.Write(handle, offset, pieces);
}

std::string ReadText(ChunkStore& store, std::uint64_t handle, std::uint64_t offset,
                     std::uint64_t length) {
  auto bytes = store.Read(handle, offset, length);
  REQUIRE(bytes.ok());
  return std::string(bytes->view());
}

TEST_CASE("chunk store: writes and reads round-trip, aligned or not", "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs);
  REQUIRE(store->Create(7, 2, kChunk).ok());
  CHECK(store->Create(7, 2, kChunk).code() == Code::kAlreadyExists);
  std::string model(kChunk, '\0');
  std::mt19937_64 rng(1);
  std::uint64_t length = 0;
  for (int i = 0; i < 60; ++i) {
    const std::uint64_t offset = rng() % (kChunk - 1);
    const std::uint64_t n = 1 + rng() % std::min<std::uint64_t>(200000, kChunk - offset);
    const std::string data = Random(n, i);
    REQUIRE(WriteText(*store, 7, offset, data).ok());
    model.replace(offset, n, data);
    length = std::max(length, offset + n);
  }
  CHECK(store->Find(7)->length == length);
  CHECK(ReadText(*store, 7, 0, kChunk) == model.substr(0, length));
  CHECK(ReadText(*store, 7, 1000, 70000) == model.substr(1000, 70000));
  CHECK(ReadText(*store, 7, length - 5, 100).size() == 5);  // short only at the end
  CHECK(ReadText(*store, 7, length, 100).empty());
  CHECK(store->Verify(7).ok());
  CHECK(store->Write(7, kChunk - 1, {Payload::Copy("ab", 2)}).code() == Code::kInvalidArgument);
}

TEST_CASE("chunk store: checksums known from the push fill the blocks they match",
          "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs);
  REQUIRE(store->Create(5, 1, kChunk).ok());
  const std::string data = Random(3 * kBlockBytes + 500, 9);
  const std::vector<Payload> pieces = {Payload::Copy(data.data(), data.size())};
  // Segments of the data as a pushed piece's are summed: from its start.
  std::vector<SegmentCrc> known;
  for (std::uint64_t at = 0; at < data.size(); at += kBlockBytes) {
    const std::uint64_t n = std::min<std::uint64_t>(kBlockBytes, data.size() - at);
    known.push_back({at, n, Crc32c(data.data() + at, n)});
  }
  // Aligned: every block is one segment. The stored sums verify on read.
  REQUIRE(store->Write(5, 0, pieces, known).ok());
  CHECK(ReadText(*store, 5, 0, data.size()) == data);
  CHECK(store->Verify(5).ok());
  // Not aligned: no segment is a block, so every block is summed from its bytes.
  REQUIRE(store->Write(5, 1000, pieces, known).ok());
  CHECK(ReadText(*store, 5, 1000, data.size()) == data);
  CHECK(store->Verify(5).ok());
  // A block one of them fills takes its sum as given: a wrong one is what the
  // block's check then finds (so they must be right, as the push's check makes them).
  known[1].crc ^= 1;
  REQUIRE(store->Write(5, 0, pieces, known).ok());
  CHECK(store->Read(5, kBlockBytes, 10).status().code() == Code::kCorruption);
  CHECK(ReadText(*store, 5, 0, 100) == data.substr(0, 100));
}

TEST_CASE("chunk store: holes and padding read as zeros", "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs);
  REQUIRE(store->Create(1, 1, kChunk).ok());
  REQUIRE(WriteText(*store, 1, 200000, "tail").ok());
  const std::string head = ReadText(*store, 1, 0, 200004);
  CHECK(head.substr(0, 200000) == std::string(200000, '\0'));
  CHECK(head.substr(200000) == "tail");
  REQUIRE(store->PadTo(1, kChunk).ok());
  CHECK(store->Find(1)->length == kChunk);
  CHECK(ReadText(*store, 1, kChunk - 10, 10) == std::string(10, '\0'));
  CHECK(store->Verify(1).ok());
}

TEST_CASE("chunk store: the store is rebuilt from disk after a restart", "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  {
    auto store = OpenStore(fs);
    REQUIRE(store->Create(1, 3, kChunk).ok());
    REQUIRE(store->Create(2, 5, kChunk).ok());
    REQUIRE(WriteText(*store, 1, 0, "first chunk").ok());
    REQUIRE(WriteText(*store, 2, 100, "second").ok());
    REQUIRE(store->SetVersion(2, 6).ok());
  }
  auto store = OpenStore(fs);
  REQUIRE(store->size() == 2);
  CHECK(store->Find(1)->version == 3);
  CHECK(store->Find(2)->version == 6);
  CHECK(ReadText(*store, 1, 0, 100) == "first chunk");
  CHECK(ReadText(*store, 2, 100, 6) == "second");
  auto report = store->Report();
  REQUIRE(report.size() == 2);
  CHECK(report[1].handle == 2);
  CHECK(report[1].length == 106);
}

TEST_CASE("chunk store: a flipped bit anywhere is caught on read and never served",
          "[unit][chunkserver]") {
  std::mt19937_64 rng(9);
  for (int round = 0; round < 40; ++round) {
    storage::MemFileSystem fs;
    auto store = OpenStore(fs);
    REQUIRE(store->Create(4, 1, kChunk).ok());
    const std::string data = Random(300000, round);
    REQUIRE(WriteText(*store, 4, 0, data).ok());
    const std::uint64_t where = rng() % data.size();
    REQUIRE(fs.FlipBit("/d1/chunks/0000000000000004.chunk", where, static_cast<int>(rng() % 8))
                .ok());
    const std::uint64_t block_start = where / kBlockBytes * kBlockBytes;
    auto read = store->Read(4, block_start, 10);
    REQUIRE_FALSE(read.ok());
    CHECK(read.status().code() == Code::kCorruption);
    CHECK(store->Verify(4).code() == Code::kCorruption);
    // Blocks that were not touched still read.
    const std::uint64_t other = (block_start + kBlockBytes) % (4 * kBlockBytes);
    if (other / kBlockBytes != where / kBlockBytes) {
      CHECK(ReadText(*store, 4, other, 10) == data.substr(other, 10));
    }
    // A partial overwrite of the bad block is refused rather than re-checksummed.
    CHECK(WriteText(*store, 4, block_start + 1, "x").code() == Code::kCorruption);
  }
}

TEST_CASE("chunk store: a data file cut short fails the blocks it lost, and serves the rest",
          "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs);
  REQUIRE(store->Create(4, 1, kChunk).ok());
  const std::string data = Random(10 * kBlockBytes, 3);
  REQUIRE(WriteText(*store, 4, 0, data).ok());
  // Cut inside the sixth block: past the first few blocks read together.
  auto file = fs.Open("/d1/chunks/0000000000000004.chunk", storage::OpenMode::kReadWrite);
  REQUIRE(file.ok());
  REQUIRE((*file)->Truncate(5 * kBlockBytes + 100).ok());
  CHECK(store->Read(4, 0, data.size()).status().code() == Code::kCorruption);
  CHECK(store->Read(4, 5 * kBlockBytes, 10).status().code() == Code::kCorruption);
  CHECK(store->Read(4, 7 * kBlockBytes, 10).status().code() == Code::kCorruption);
  CHECK(ReadText(*store, 4, 0, 5 * kBlockBytes) == data.substr(0, 5 * kBlockBytes));
}

TEST_CASE("chunk store: damaged or orphaned files are quarantined and reported",
          "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  {
    auto store = OpenStore(fs);
    REQUIRE(store->Create(1, 1, kChunk).ok());
    REQUIRE(store->Create(2, 1, kChunk).ok());
    REQUIRE(store->Create(3, 1, kChunk).ok());
  }
  REQUIRE(fs.FlipBit("/d1/chunks/0000000000000002.meta", 20, 0).ok());  // header
  REQUIRE(fs.Remove("/d1/chunks/0000000000000003.meta").ok());          // data alone
  REQUIRE(fs.Open("/d1/chunks/junk.txt", storage::OpenMode::kCreate).ok());
  OpenReport report;
  auto store = OpenStore(fs, {"/d1"}, &report);
  CHECK(store->size() == 1);
  CHECK(store->Find(1) != nullptr);
  CHECK(report.quarantined.size() == 4);  // 2.chunk, 2.meta, 3.chunk, junk
  CHECK(fs.Exists("/d1/quarantine/0000000000000002.meta"));
  CHECK_FALSE(fs.Exists("/d1/chunks/0000000000000003.chunk"));
}

TEST_CASE("chunk store: a full disk is NoSpace and changes nothing", "[unit][chunkserver]") {
  storage::MemFileSystem fs(200000);
  auto store = OpenStore(fs);
  REQUIRE(store->Create(1, 1, kChunk).ok());
  REQUIRE(WriteText(*store, 1, 0, std::string(100000, 'a')).ok());
  CHECK(WriteText(*store, 1, 100000, std::string(150000, 'b')).code() == Code::kNoSpace);
  CHECK(store->Find(1)->length == 100000);
  CHECK(ReadText(*store, 1, 0, 200000) == std::string(100000, 'a'));
}

TEST_CASE("chunk store: EIO fails one disk, the other keeps serving", "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs, {"/d1", "/d2"});
  for (std::uint64_t h = 1; h <= 6; ++h) {
    REQUIRE(store->Create(h, 1, kChunk).ok());
    REQUIRE(WriteText(*store, h, 0, "chunk " + std::to_string(h)).ok());
  }
  std::vector<std::uint64_t> on_d1;
  for (std::uint64_t h = 1; h <= 6; ++h) {
    if (fs.Exists("/d1/chunks/" + std::string(15, '0') + std::to_string(h) + ".chunk")) {
      on_d1.push_back(h);
    }
  }
  REQUIRE_FALSE(on_d1.empty());
  REQUIRE(on_d1.size() < 6);  // spread over both disks
  fs.SetFailingPrefix("/d1/");
  auto failed = store->Read(on_d1.front(), 0, 10);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().code() == Code::kDiskFailed);
  auto lost = store->TakeLostChunks();
  std::sort(lost.begin(), lost.end());
  CHECK(lost == on_d1);
  CHECK(store->size() == 6 - on_d1.size());
  CHECK(store->Space().failed_disks == 1);
  for (const auto& r : store->Report()) CHECK(ReadText(*store, r.handle, 0, 7) == "chunk " + std::to_string(r.handle));
  REQUIRE(store->Create(99, 1, kChunk).ok());  // new chunks go to the good disk
  CHECK(fs.Exists("/d2/chunks/0000000000000063.chunk"));
}

TEST_CASE("chunk store: a crash mid-write never loses or corrupts what was there",
          "[unit][chunkserver]") {
  std::mt19937_64 rng(5);
  for (int round = 0; round < 30; ++round) {
    storage::MemFileSystem fs;
    std::string before;
    {
      auto store = OpenStore(fs);
      REQUIRE(store->Create(1, 1, kChunk).ok());
      before = Random(100000 + rng() % 50000, round);
      REQUIRE(WriteText(*store, 1, 0, before).ok());
      auto sync = store->SyncWorkFor(1);
      REQUIRE(sync().ok());
      REQUIRE(fs.SyncDir("/d1/chunks").ok());
      // An append that the crash may tear anywhere.
      REQUIRE(WriteText(*store, 1, before.size(), Random(70000, round + 100)).ok());
    }
    fs.Crash(rng, /*torn=*/true);
    auto store = OpenStore(fs);
    REQUIRE(store->Find(1) != nullptr);
    CHECK(ReadText(*store, 1, 0, before.size()) == before);
  }
}

TEST_CASE("chunk store: metadata from a newer Bucket is refused", "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  { REQUIRE(OpenStore(fs)->Create(1, 1, kChunk).ok()); }
  auto meta = fs.Open("/d1/chunks/0000000000000001.meta", storage::OpenMode::kReadWrite);
  REQUIRE(meta.ok());
  const char format = 9;
  REQUIRE((*meta)->WriteAt(8, &format, 1).ok());
  OpenReport report;
  auto store = ChunkStore::Open(&fs, {"/d1"}, &report);
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().code() == Code::kUnsupported);
}

std::size_t CountFiles(storage::MemFileSystem& fs, const std::string& dir) {
  auto names = fs.List(dir);
  REQUIRE(names.ok());
  return names->size();
}

TEST_CASE("chunk store: a new chunk written over a deleted chunk's file never shows its old bytes",
          "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs, {"/d1"}, nullptr, /*recycle_bytes=*/kChunk);
  REQUIRE(store->Create(1, 1, kChunk).ok());
  const std::string old_bytes = Random(kChunk, 5);
  REQUIRE(WriteText(*store, 1, 0, old_bytes).ok());
  REQUIRE(store->Delete(1).ok());
  CHECK_FALSE(fs.Exists("/d1/chunks/0000000000000001.chunk"));
  CHECK(CountFiles(fs, "/d1/recycle") == 1);
  CHECK(store->Space().free_bytes == fs.Usage("/d1")->free_bytes + kChunk);  // reusable: free

  REQUIRE(store->Create(2, 1, kChunk).ok());
  CHECK(CountFiles(fs, "/d1/recycle") == 0);  // taken, not a new file
  CHECK(store->Read(2, 0, kChunk)->size() == 0);
  // Data with a gap before it in its block, and a block written after an
  // unwritten one: the gaps read as zeros, not as the old chunk's bytes.
  REQUIRE(WriteText(*store, 2, 100, "new").ok());
  REQUIRE(WriteText(*store, 2, 3 * 65536 + 10, "later").ok());
  std::string expected(3 * 65536 + 15, '\0');
  expected.replace(100, 3, "new");
  expected.replace(3 * 65536 + 10, 5, "later");
  CHECK(ReadText(*store, 2, 0, kChunk) == expected);
  CHECK(store->Verify(2).ok());
  CHECK(store->Find(2)->length == expected.size());
}

TEST_CASE("chunk store: recycled files stay under their bound and survive a restart",
          "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  {
    auto store = OpenStore(fs, {"/d1"}, nullptr, /*recycle_bytes=*/2 * kChunk);
    for (std::uint64_t h = 1; h <= 3; ++h) {
      REQUIRE(store->Create(h, 1, kChunk).ok());
      REQUIRE(WriteText(*store, h, 0, std::string(kChunk, 'x')).ok());
    }
    REQUIRE(store->Create(4, 1, kChunk).ok());  // empty: nothing worth keeping
    for (std::uint64_t h = 1; h <= 4; ++h) REQUIRE(store->Delete(h).ok());
    CHECK(CountFiles(fs, "/d1/recycle") == 2);  // the third would pass the bound
    CHECK(CountFiles(fs, "/d1/chunks") == 0);
  }
  REQUIRE(fs.Open("/d1/recycle/not-ours", storage::OpenMode::kCreate).ok());
  {
    // Reopened with a smaller bound: one file is taken back, the rest removed.
    OpenReport report;
    auto store = OpenStore(fs, {"/d1"}, &report, /*recycle_bytes=*/kChunk);
    CHECK(report.chunks == 0);
    CHECK(CountFiles(fs, "/d1/recycle") == 1);
    REQUIRE(store->Create(9, 1, kChunk).ok());
    CHECK(CountFiles(fs, "/d1/recycle") == 0);
    REQUIRE(WriteText(*store, 9, 0, "nine").ok());
    CHECK(ReadText(*store, 9, 0, kChunk) == "nine");
  }
  {
    auto store = OpenStore(fs, {"/d1"}, nullptr, /*recycle_bytes=*/0);  // off: none kept
    REQUIRE(store->Delete(9).ok());
    CHECK(CountFiles(fs, "/d1/recycle") == 0);
  }
}

TEST_CASE("chunk store: a disk short of space gives back its recycled files before NoSpace",
          "[unit][chunkserver]") {
  storage::MemFileSystem fs(3 * kChunk);
  auto store = OpenStore(fs, {"/d1"}, nullptr, /*recycle_bytes=*/4 * kChunk);
  REQUIRE(store->Create(10, 1, kChunk).ok());
  for (std::uint64_t h = 1; h <= 2; ++h) {
    REQUIRE(store->Create(h, 1, kChunk).ok());
    REQUIRE(WriteText(*store, h, 0, std::string(kChunk, 'x')).ok());
  }
  for (std::uint64_t h = 1; h <= 2; ++h) REQUIRE(store->Delete(h).ok());
  REQUIRE(CountFiles(fs, "/d1/recycle") == 2);
  REQUIRE(fs.Usage("/d1")->free_bytes < kChunk);  // the metadata took a little
  // Chunk 10 (made before there were recycled files) needs the space they hold.
  CHECK(WriteText(*store, 10, 0, std::string(kChunk, 'y')).ok());
  CHECK(CountFiles(fs, "/d1/recycle") == 0);
  CHECK(ReadText(*store, 10, kChunk - 10, 10) == std::string(10, 'y'));
  // With none left, a full disk is NoSpace as before.
  REQUIRE(store->Create(11, 1, kChunk).ok());
  REQUIRE(WriteText(*store, 11, 0, std::string(kChunk, 'z')).ok());
  REQUIRE(store->Create(12, 1, kChunk).ok());
  CHECK(WriteText(*store, 12, 0, std::string(kChunk, 'z')).code() == Code::kNoSpace);
}

TEST_CASE("chunk store: bytes a read returned stay its own when the chunk's file is recycled "
          "and written over", "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs, {"/d1"}, nullptr, /*recycle_bytes=*/4 * kChunk);
  REQUIRE(store->Create(1, 1, kChunk).ok());
  REQUIRE(WriteText(*store, 1, 0, std::string(kChunk, 'x')).ok());
  // A read's reply may wait in a socket while the chunk is deleted and its file
  // reused for a new chunk.
  auto held = store->Read(1, 10, 100);
  REQUIRE(held.ok());
  REQUIRE(store->Delete(1).ok());
  CHECK(CountFiles(fs, "/d1/recycle") == 1);
  REQUIRE(store->Create(2, 1, kChunk).ok());
  CHECK(CountFiles(fs, "/d1/recycle") == 0);  // chunk 2 took the file
  REQUIRE(WriteText(*store, 2, 0, std::string(kChunk, 'y')).ok());
  CHECK(held->view() == std::string(100, 'x'));
  CHECK(store->Read(2, 10, 100)->view() == std::string(100, 'y'));
}

TEST_CASE("chunk store: a corrupt replica's file is never recycled", "[unit][chunkserver]") {
  storage::MemFileSystem fs;
  auto store = OpenStore(fs, {"/d1"}, nullptr, /*recycle_bytes=*/4 * kChunk);
  REQUIRE(store->Create(1, 1, kChunk).ok());
  REQUIRE(WriteText(*store, 1, 0, "bytes on a bad spot").ok());
  REQUIRE(store->Delete(1, /*recycle=*/false).ok());
  CHECK(CountFiles(fs, "/d1/recycle") == 0);
  CHECK_FALSE(fs.Exists("/d1/chunks/0000000000000001.chunk"));
}

TEST_CASE("chunk store: a recycled file counts at its own size, and writing over it needs no new space",
          "[unit][chunkserver]") {
  storage::MemFileSystem fs(kChunk + kChunk / 2);
  auto store = OpenStore(fs, {"/d1"}, nullptr, /*recycle_bytes=*/4 * kChunk);
  REQUIRE(store->Create(1, 1, kChunk).ok());
  REQUIRE(WriteText(*store, 1, 0, std::string(kChunk, 'x')).ok());
  REQUIRE(store->Delete(1).ok());
  REQUIRE(fs.Usage("/d1")->free_bytes < kChunk);
  // The new chunk's file is the recycled one: a whole chunk fits in it.
  REQUIRE(store->Create(2, 1, kChunk).ok());
  CHECK(WriteText(*store, 2, 0, std::string(kChunk, 'y')).ok());
  CHECK(ReadText(*store, 2, kChunk - 3, 3) == "yyy");
  REQUIRE(store->Delete(2).ok());
  // A short chunk over it leaves the file whole: it is kept at its size.
  REQUIRE(store->Create(3, 1, kChunk).ok());
  REQUIRE(WriteText(*store, 3, 0, "short").ok());
  REQUIRE(store->Delete(3).ok());
  CHECK(CountFiles(fs, "/d1/recycle") == 1);
  CHECK(store->Space().free_bytes == fs.Usage("/d1")->free_bytes + kChunk);
}

}  // namespace
}  // namespace bucket::chunkserver
