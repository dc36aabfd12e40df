// Checkpoints and recovery of the master's state from its data folder.
//
// A checkpoint named after segment N holds the state after every record of
// segments <= N. It is written to a temporary file, synced, renamed into place
// and its folder synced, so a crash leaves either the old set or the new one.
// Recovery loads the newest checkpoint that reads back whole (an unreadable one
// is skipped for the previous: keep two) and replays the segments after it. A
// torn record at the very end of the last segment (a write never acknowledged)
// is cut off; corruption anywhere else stops recovery with an error naming the
// record, unless skip_corrupt is set (bucket-master --recover-skip).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/master/master_state.h"
#include "actors/storage/file_system.h"

namespace bucket::master {

struct RecoveryOptions {
  bool skip_corrupt = false;
  // Replay segments up to this one only (checkpoint builds stop at the sealed one).
  std::uint64_t max_segment = UINT64_MAX;
  // Truncate a torn tail in place (the live master does; a checkpoint build must not).
  bool cut_torn_tail = true;
};

struct RecoveryReport {
  std::uint64_t checkpoint = 0;       // segment the loaded checkpoint covers (0: none)
  std::uint64_t last_segment = 0;     // the highest segment seen
  std::uint64_t records_replayed = 0;
  std::vector<std::string> notes;     // torn tail cut, checkpoint skipped, record skipped
};

// Segment and checkpoint numbers present in `dir`, ascending.
std::vector<std::uint64_t> ListSegments(storage::FileSystem& fs, const std::string& dir);
std::vector<std::uint64_t> ListCheckpoints(storage::FileSystem& fs, const std::string& dir);

Status WriteCheckpoint(storage::FileSystem& fs, const std::string& dir, const MasterState& state,
                       std::uint64_t covers_segment, std::int64_t now_unix_ms);

// Rebuilds `state` (fresh) from `dir`.
Result<RecoveryReport> RecoverState(storage::FileSystem& fs, const std::string& dir,
                                    const RecoveryOptions& options, MasterState* state);

// Off the actor's loop: a new checkpoint covering segment `covers` (sealed),
// built from the previous checkpoint and the segments on disk.
Status BuildCheckpoint(storage::FileSystem& fs, const std::string& dir, std::uint64_t covers,
                       std::int64_t now_unix_ms);
// The same, written into `out_dir` instead (a backup); returns the file's path.
Result<std::string> BuildCheckpointInto(storage::FileSystem& fs, const std::string& dir,
                                        std::uint64_t covers, std::int64_t now_unix_ms,
                                        const std::string& out_dir);

// After checkpoint `newest` is durable: drops what the one before it no longer
// needs (keep two checkpoints, and the segments after the older one).
void DropObsoleteFiles(storage::FileSystem& fs, const std::string& dir);

}  // namespace bucket::master
