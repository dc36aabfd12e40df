#include "actors/master/retry_cache.h"

namespace bucket::master {

std::string RetryCache::Key(const std::string& client_id, std::uint64_t request_id) {
  return client_id + '#' + std::to_string(request_id);
}

void RetryCache::Insert(const std::string& client_id, std::uint64_t request_id,
                        std::int64_t unix_ms) {
  Prune(unix_ms);
  std::string key = Key(client_id, request_id);
  if (!keys_.insert(key).second) return;
  order_.push_back({std::move(key), client_id, request_id, unix_ms});
}

bool RetryCache::Contains(const std::string& client_id, std::uint64_t request_id) const {
  return keys_.count(Key(client_id, request_id)) != 0;
}

void RetryCache::Prune(std::int64_t now_unix_ms) {
  while (!order_.empty() &&
         (order_.front().unix_ms < now_unix_ms - window_ms_ || order_.size() >= entries_max_)) {
    keys_.erase(order_.front().key);
    order_.pop_front();
  }
}

void RetryCache::ForEach(
    const std::function<void(const std::string&, std::uint64_t, std::int64_t)>& fn) const {
  for (const auto& entry : order_) fn(entry.client_id, entry.request_id, entry.unix_ms);
}

}  // namespace bucket::master
