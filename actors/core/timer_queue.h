// TimerQueue: named one-shot timers keyed by TimerId, ordered by deadline.
//
// Arming an armed id moves it; cancelling an unknown id is a no-op. Timers with
// equal deadlines fire in the order they were armed, which keeps runs replayable.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "actors/core/context.h"

namespace bucket::actors {

class TimerQueue {
 public:
  void Set(TimerId id, Millis deadline);
  void Cancel(TimerId id);
  void Clear();
  // The earliest deadline, if any timer is armed.
  std::optional<Millis> NextDeadline() const;
  // Removes and returns the ids of every timer whose deadline is <= now, earliest first.
  std::vector<TimerId> PopExpired(Millis now);
  std::size_t size() const { return by_id_.size(); }

 private:
  using Key = std::pair<Millis, std::uint64_t>;  // deadline, arming order
  std::map<Key, TimerId> by_deadline_;
  std::unordered_map<TimerId, Key> by_id_;
  std::uint64_t armed_ = 0;
};

}  // namespace bucket::actors
