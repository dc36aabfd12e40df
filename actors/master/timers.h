// The master's timer ids: fixed ones for periodic work, and ranges for timers
// keyed by a request id or a chunk handle.
#pragma once

#include <cstdint>

#include "actors/core/context.h"

namespace bucket::master {

enum MasterTimer : actors::TimerId {
  kPublishState = 1,
  kCheckLiveness = 2,
  kSweepTrash = 3,
  kCheckSafeMode = 4,
  kDecayCreations = 5,
  kRepairScan = 6,
  kRebalanceScan = 7,
  kSnapshotRetry = 8,
};

enum MasterSync : actors::SyncId {
  kLogSync = 1,
  kCheckpointSync = 2,
  kBackupSync = 3,
};

inline constexpr actors::TimerId kCommandTimerBase = actors::TimerId{1} << 62;
inline constexpr actors::TimerId kBlockedTimerBase = actors::TimerId{2} << 62;
inline constexpr actors::TimerId kTimerRangeMask = actors::TimerId{3} << 62;

inline actors::TimerId CommandTimer(std::uint64_t request_id) {
  return kCommandTimerBase | request_id;
}
inline actors::TimerId BlockedTimer(std::uint64_t handle) { return kBlockedTimerBase | handle; }

}  // namespace bucket::master
