// The operation log and checkpoints: round trips, group commit positions, and
// recovery from torn tails, flipped bytes, corrupt checkpoints and newer formats.
#include <catch2/catch.hpp>

#include "actors/master/checkpoint.h"
#include "actors/master/log_file.h"
#include "actors/master/oplog.h"
#include "actors/storage/mem_file_system.h"

namespace bucket::master {
namespace {

const std::string kDir = "/meta";

// A canonical text of everything durable in `state`, to compare states.
std::string Dump(const MasterState& state) {
  std::string text;
  REQUIRE(state
              .ToCheckpoint(0, 0,
                            [&](const CheckpointEntry& entry) {
                              text += EncodeCheckpointEntry(entry);
                              return Status::Ok();
                            })
              .ok());
  return text;
}

std::vector<LogRecord> SomeRecords(int n) {
  std::vector<LogRecord> records;
  records.push_back(MkdirRecord{{"c1", 1}, "/d", false, 10});
  for (int i = 0; i < n; ++i) {
    const std::string path = "/d/f" + std::to_string(i);
    records.push_back(CreateRecord{{"c1", 2 + static_cast<std::uint64_t>(i)}, path, 3, 1 << 20,
                                   false, false, 11});
    records.push_back(AddChunkRecord{static_cast<std::uint64_t>(3 + i), 0,
                                     static_cast<std::uint64_t>(100 + i), 1});
    records.push_back(SetVersionRecord{static_cast<std::uint64_t>(100 + i), 2, 5000});
    records.push_back(SetSizeRecord{static_cast<std::uint64_t>(3 + i), 4096});
  }
  records.push_back(RenameRecord{{"c2", 1}, "/d/f0", "/d/renamed", false, 12});
  records.push_back(DeleteRecord{{"c2", 2}, "/d/f1", false, false, 13});
  return records;
}

// Applies and appends every record, syncing as a master would; returns the state.
// `state` carries what earlier segments applied.
MasterState WriteLog(storage::MemFileSystem& fs, const std::vector<LogRecord>& records,
                     std::uint64_t segment = 1, bool sync = true, MasterState state = {}) {
  REQUIRE(fs.MakeDirs(kDir).ok());
  auto log = OpLog::Open(&fs, kDir, segment, 1 << 20);
  REQUIRE(log.ok());
  for (const auto& record : records) {
    REQUIRE(state.Apply(record).ok());
    REQUIRE((*log)->Append(record).ok());
  }
  if (sync) {
    auto pending = (*log)->TakeSync();
    REQUIRE(pending.has_value());
    REQUIRE(pending->work().ok());
    (*log)->OnSynced(pending->upto);
    CHECK((*log)->all_synced());
  }
  return state;
}

Result<MasterState> Recover(storage::FileSystem& fs, RecoveryReport* report = nullptr,
                            bool skip = false) {
  MasterState state;
  RecoveryOptions options;
  options.skip_corrupt = skip;
  auto result = RecoverState(fs, kDir, options, &state);
  if (!result.ok()) return result.status();
  if (report) *report = *result;
  return state;
}

std::string SegmentPath(std::uint64_t n) { return kDir + "/" + SegmentFileName(n); }

TEST_CASE("oplog: every record type round-trips", "[unit][master]") {
  for (const auto& record : SomeRecords(2)) {
    const std::string bytes = EncodeRecord(record);
    auto decoded = DecodeRecord(bytes.data(), bytes.size());
    REQUIRE(decoded.ok());
    CHECK(EncodeRecord(*decoded) == bytes);
  }
  const std::string purge = EncodeRecord(PurgeRecord{4});
  CHECK(DecodeRecord(purge.data(), purge.size()).ok());
  CHECK(DecodeRecord("\x92\x63\x90", 3).status().code() == Code::kCorruption);  // type 99
}

TEST_CASE("oplog: a synced log replays to the same state", "[unit][master]") {
  storage::MemFileSystem fs;
  const MasterState written = WriteLog(fs, SomeRecords(20));
  fs.Crash();
  RecoveryReport report;
  auto recovered = Recover(fs, &report);
  REQUIRE(recovered.ok());
  CHECK(report.records_replayed == SomeRecords(20).size());
  CHECK(Dump(*recovered) == Dump(written));
  CHECK(recovered->AlreadyApplied({"c1", 2}, 20));  // the retry cache came back too
  CHECK(recovered->tree().Lookup("/d/renamed").ok());
}

TEST_CASE("oplog: group commit: one sync covers every record before it", "[unit][master]") {
  storage::MemFileSystem fs;
  REQUIRE(fs.MakeDirs(kDir).ok());
  auto log = OpLog::Open(&fs, kDir, 1, 1 << 20);
  REQUIRE(log.ok());
  for (const auto& record : SomeRecords(3)) REQUIRE((*log)->Append(record).ok());
  auto first = (*log)->TakeSync();
  REQUIRE(first.has_value());
  CHECK(first->upto == (*log)->appended());
  CHECK_FALSE((*log)->TakeSync().has_value());  // one in flight at a time
  REQUIRE((*log)->Append(PurgeRecord{1}).ok());
  REQUIRE(first->work().ok());
  (*log)->OnSynced(first->upto);
  CHECK((*log)->synced() == (*log)->appended() - 1);
  auto second = (*log)->TakeSync();
  REQUIRE(second.has_value());
  CHECK(second->upto == (*log)->appended());
}

TEST_CASE("oplog: unsynced records are lost wholly by a crash, synced ones never",
          "[unit][master]") {
  storage::MemFileSystem fs;
  const auto records = SomeRecords(5);
  const MasterState synced = WriteLog(fs, records);
  // More records in a new segment, never synced.
  auto log = OpLog::Open(&fs, kDir, 2, 1 << 20);
  REQUIRE(log.ok());
  REQUIRE((*log)->Append(MkdirRecord{{}, "/lost", false, 20}).ok());
  fs.Crash();
  auto recovered = Recover(fs);
  REQUIRE(recovered.ok());
  CHECK(Dump(*recovered) == Dump(synced));
}

TEST_CASE("oplog: a torn tail is cut and recovery goes on after it", "[unit][master]") {
  std::mt19937_64 rng(3);
  for (int round = 0; round < 30; ++round) {
    storage::MemFileSystem fs;
    const auto records = SomeRecords(4);
    const MasterState synced = WriteLog(fs, records);
    auto file = fs.Open(SegmentPath(1), storage::OpenMode::kReadWrite);
    REQUIRE(file.ok());
    // An unsynced append, torn at a random point by the crash.
    const std::string extra = EncodeRecord(MkdirRecord{{}, "/maybe", false, 30});
    const std::uint64_t end = *(*file)->Size();
    std::string frame(8, '\0');
    frame[0] = static_cast<char>(extra.size());
    frame += extra;
    REQUIRE((*file)->WriteAt(end, frame.data(), frame.size()).ok());
    fs.Crash(rng, /*torn=*/true);
    RecoveryReport report;
    auto recovered = Recover(fs, &report);
    REQUIRE(recovered.ok());
    CHECK(Dump(*recovered) == Dump(synced));  // the torn record is never applied
    // The cut leaves a clean log: a new segment after it recovers without complaint.
    MasterState more = std::move(*recovered);
    auto next = OpLog::Open(&fs, kDir, report.last_segment + 1, 1 << 20);
    REQUIRE(next.ok());
    REQUIRE(more.Apply(MkdirRecord{{}, "/after", false, 31}).ok());
    REQUIRE((*next)->Append(MkdirRecord{{}, "/after", false, 31}).ok());
    auto pending = (*next)->TakeSync();
    REQUIRE(pending->work().ok());
    auto again = Recover(fs);
    REQUIRE(again.ok());
    CHECK(Dump(*again) == Dump(more));
  }
}

TEST_CASE("oplog: flipped bytes in the last record recover to the record before",
          "[unit][master]") {
  storage::MemFileSystem fs;
  auto records = SomeRecords(3);
  WriteLog(fs, records);
  const std::uint64_t size = *(*fs.Open(SegmentPath(1), storage::OpenMode::kReadOnly))->Size();
  REQUIRE(fs.FlipBit(SegmentPath(1), size - 2, 3).ok());
  RecoveryReport report;
  auto recovered = Recover(fs, &report);
  REQUIRE(recovered.ok());
  records.pop_back();
  MasterState expected;
  for (const auto& r : records) REQUIRE(expected.Apply(r).ok());
  CHECK(Dump(*recovered) == Dump(expected));
  REQUIRE(report.notes.size() == 1);
  CHECK(report.notes[0].find("torn") != std::string::npos);
}

TEST_CASE("oplog: corruption in the middle stops recovery unless skipped", "[unit][master]") {
  storage::MemFileSystem fs;
  WriteLog(fs, SomeRecords(10));
  REQUIRE(fs.FlipBit(SegmentPath(1), kFileHeaderBytes + 12, 1).ok());  // inside record 1
  auto refused = Recover(fs);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kCorruption);
  CHECK(refused.status().message().find(SegmentFileName(1)) != std::string::npos);
  CHECK(refused.status().message().find("record 1") != std::string::npos);
  CHECK(refused.status().message().find("--recover-skip") != std::string::npos);

  RecoveryReport report;
  auto skipped = Recover(fs, &report, /*skip=*/true);
  REQUIRE(skipped.ok());
  CHECK_FALSE(report.notes.empty());
  // Record 1 made /d; without it the creates under /d cannot apply either, and
  // are skipped and reported one by one rather than invented.
  CHECK(skipped->tree().Lookup("/d").status().code() == Code::kNotFound);
}

TEST_CASE("checkpoints: load plus tail replay, a bad newest one falls back to the previous",
          "[unit][master]") {
  storage::MemFileSystem fs;
  const auto records = SomeRecords(6);
  std::vector<LogRecord> first(records.begin(), records.begin() + 10);
  std::vector<LogRecord> second(records.begin() + 10, records.end());
  MasterState state = WriteLog(fs, first, 1);
  REQUIRE(BuildCheckpoint(fs, kDir, 1, 100).ok());
  state = WriteLog(fs, second, 2, true, std::move(state));
  REQUIRE(BuildCheckpoint(fs, kDir, 2, 200).ok());
  WriteLog(fs, {MkdirRecord{{}, "/tail", false, 40}}, 3, true, std::move(state));
  DropObsoleteFiles(fs, kDir);
  CHECK(ListCheckpoints(fs, kDir) == std::vector<std::uint64_t>{1, 2});
  CHECK(ListSegments(fs, kDir) == std::vector<std::uint64_t>{2, 3});

  MasterState expected;
  for (const auto& r : records) REQUIRE(expected.Apply(r).ok());
  REQUIRE(expected.Apply(MkdirRecord{{}, "/tail", false, 40}).ok());
  RecoveryReport report;
  auto recovered = Recover(fs, &report);
  REQUIRE(recovered.ok());
  CHECK(report.checkpoint == 2);
  CHECK(report.records_replayed == 1);
  CHECK(Dump(*recovered) == Dump(expected));

  // Rot in the newest checkpoint: the previous one plus the segments after it.
  REQUIRE(fs.FlipBit(kDir + "/" + CheckpointFileName(2), 40, 2).ok());
  auto fallback = Recover(fs, &report);
  REQUIRE(fallback.ok());
  CHECK(report.checkpoint == 1);
  CHECK(Dump(*fallback) == Dump(expected));

  // An unfinished checkpoint (never renamed into place) is ignored.
  auto tmp = fs.Open(kDir + "/" + CheckpointFileName(3) + ".tmp", storage::OpenMode::kCreate);
  REQUIRE(tmp.ok());
  CHECK(ListCheckpoints(fs, kDir) == std::vector<std::uint64_t>{1, 2});
}

TEST_CASE("oplog: a newer on-disk format is refused with a clear error", "[unit][master]") {
  storage::MemFileSystem fs;
  WriteLog(fs, SomeRecords(2));
  auto file = fs.Open(SegmentPath(1), storage::OpenMode::kReadWrite);
  REQUIRE(file.ok());
  const char version = 9;
  REQUIRE((*file)->WriteAt(8, &version, 1).ok());
  auto refused = Recover(fs);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("newer") != std::string::npos);
}

}  // namespace
}  // namespace bucket::master
