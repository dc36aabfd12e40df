#include "actors/core/timer_queue.h"

namespace bucket::actors {

void TimerQueue::Set(TimerId id, Millis deadline) {
  Cancel(id);
  const Key key{deadline, armed_++};
  by_deadline_.emplace(key, id);
  by_id_.emplace(id, key);
}

void TimerQueue::Cancel(TimerId id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  by_deadline_.erase(it->second);
  by_id_.erase(it);
}

void TimerQueue::Clear() {
  by_deadline_.clear();
  by_id_.clear();
}

std::optional<Millis> TimerQueue::NextDeadline() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first.first;
}

std::vector<TimerId> TimerQueue::PopExpired(Millis now) {
  std::vector<TimerId> expired;
  while (!by_deadline_.empty() && by_deadline_.begin()->first.first <= now) {
    const TimerId id = by_deadline_.begin()->second;
    by_deadline_.erase(by_deadline_.begin());
    by_id_.erase(id);
    expired.push_back(id);
  }
  return expired;
}

}  // namespace bucket::actors
