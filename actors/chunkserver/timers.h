// The chunkserver's timer and sync ids: fixed ones for periodic work, ranges
// keyed by a request or mutation id.
#pragma once

#include "actors/core/context.h"

namespace bucket::chunkserver {

enum ChunkserverTimer : actors::TimerId {
  kRegisterRetry = 1,
  kHeartbeat = 2,
  kReport = 3,
  kExpireBuffers = 4,
  kScrub = 5,
};

inline constexpr actors::TimerId kRangeMask = actors::TimerId{7} << 60;
inline constexpr actors::TimerId kRequestTimer = actors::TimerId{1} << 60;   // our requests
inline constexpr actors::TimerId kMutationTimer = actors::TimerId{2} << 60;  // primary deadlines
inline constexpr actors::TimerId kApplyTimer = actors::TimerId{3} << 60;     // secondary, by chunk
inline constexpr actors::TimerId kCloneTimer = actors::TimerId{4} << 60;     // clone pacing

inline constexpr actors::SyncId kMutationSync = actors::SyncId{1} << 60;  // | mutation id
inline constexpr actors::SyncId kApplySync = actors::SyncId{2} << 60;     // | chunk handle

}  // namespace bucket::chunkserver
