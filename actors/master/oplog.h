// OpLog: the master's operation log as it is written, with group commit.
//
// Records are appended to the current segment file in the page cache at once;
// making them durable is a separate SyncWork that the actor hands to the
// runtime. While one sync runs, more records pile up, and the next sync covers
// them all: many mutations, one fdatasync. Positions count records from the
// start of this process; a caller holds back whatever reveals the record at
// position p until synced() >= p.
//
// Segments are numbered; Roll() seals the current one and starts the next (for
// checkpoints). A new segment's directory entry is synced with its first data.
// Not thread-safe; the SyncWork it returns is safe to run on another thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/core/context.h"
#include "actors/master/log_file.h"
#include "actors/master/log_record.h"

namespace bucket::master {

std::string SegmentFileName(std::uint64_t segment);
std::string CheckpointFileName(std::uint64_t covers_segment);

struct PendingSync {
  std::uint64_t upto = 0;  // position made durable when the work succeeds
  actors::SyncWork work;
};

class OpLog {
 public:
  // Starts segment `segment` (a new, empty file) in `dir`.
  static Result<std::unique_ptr<OpLog>> Open(storage::FileSystem* fs, std::string dir,
                                             std::uint64_t segment,
                                             std::uint64_t segment_bytes_max);

  // Appends `record` to the page cache; returns its position.
  Result<std::uint64_t> Append(const LogRecord& record);

  std::uint64_t appended() const { return appended_; }
  std::uint64_t synced() const { return synced_; }
  bool sync_in_flight() const { return sync_in_flight_; }
  bool all_synced() const { return synced_ == appended_; }

  // The work that makes every record appended so far durable, unless one is
  // already running or nothing waits. Call OnSynced(upto) when it succeeded.
  std::optional<PendingSync> TakeSync();
  void OnSynced(std::uint64_t upto);
  void OnSyncFailed() { sync_in_flight_ = false; }

  // Seals the current segment and starts the next; returns the sealed number.
  Result<std::uint64_t> Roll();
  // True when the current segment has reached its size limit.
  bool wants_roll() const { return writer_->size() >= segment_bytes_max_; }

  std::uint64_t current_segment() const { return segment_; }
  std::uint64_t current_segment_bytes() const { return writer_->size(); }
  std::uint64_t records_since_roll() const { return records_since_roll_; }

 private:
  OpLog(storage::FileSystem* fs, std::string dir, std::uint64_t segment_bytes_max)
      : fs_(fs), dir_(std::move(dir)), segment_bytes_max_(segment_bytes_max) {}
  Status StartSegment(std::uint64_t segment);

  storage::FileSystem* fs_;
  std::string dir_;
  std::uint64_t segment_bytes_max_;
  std::uint64_t segment_ = 0;
  std::unique_ptr<FramedWriter> writer_;
  // Files with records not yet covered by a sync, and whether the directory
  // must be synced too (a segment was created).
  std::vector<std::shared_ptr<storage::File>> dirty_files_;
  bool dirty_directory_ = false;
  std::uint64_t appended_ = 0;
  std::uint64_t synced_ = 0;
  bool sync_in_flight_ = false;
  std::uint64_t records_since_roll_ = 0;
};

}  // namespace bucket::master
