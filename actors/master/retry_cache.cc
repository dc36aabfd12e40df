#include "actors/master/retry_cache.h"

#include <algorithm>

namespace bucket::master {

void RetryCache::Insert(const std::string& client_id, std::uint64_t request_id,
                        std::int64_t unix_ms) {
  Entries& entries = clients_[client_id];
  Prune(unix_ms, entries);
  auto at = std::lower_bound(entries.begin(), entries.end(), request_id, EarlierRequest);
  if (at != entries.end() && at->request_id == request_id) return;
  entries.insert(at, Entry{request_id, unix_ms});
  ++size_;
}

bool RetryCache::Contains(const std::string& client_id, std::uint64_t request_id) const {
  auto client = clients_.find(client_id);
  if (client == clients_.end()) return false;
  const Entries& entries = client->second;
  auto at = std::lower_bound(entries.begin(), entries.end(), request_id, EarlierRequest);
  return at != entries.end() && at->request_id == request_id;
}

std::size_t RetryCache::DropOlderThan(Entries& entries, std::int64_t cutoff_unix_ms) {
  // Entries are in request order, and so nearly in time order (a late retry
  // can put a newer time before an older one, which then waits for it): only
  // the front is looked at, so a prune costs what it drops.
  std::size_t dropped = 0;
  while (!entries.empty() && entries.front().unix_ms < cutoff_unix_ms) {
    entries.pop_front();
    ++dropped;
  }
  return dropped;
}

void RetryCache::DropOldest() {
  auto oldest = clients_.end();
  for (auto it = clients_.begin(); it != clients_.end(); ++it) {
    if (it->second.empty()) continue;
    if (oldest == clients_.end() ||
        it->second.front().unix_ms < oldest->second.front().unix_ms) {
      oldest = it;
    }
  }
  if (oldest == clients_.end()) return;
  oldest->second.pop_front();
  --size_;
}

void RetryCache::Prune(std::int64_t now_unix_ms, Entries& inserting) {
  const std::int64_t cutoff = now_unix_ms - window_ms_;
  size_ -= DropOlderThan(inserting, cutoff);
  if (++inserts_since_sweep_ >= kSweepEvery) {
    inserts_since_sweep_ = 0;
    for (auto it = clients_.begin(); it != clients_.end();) {
      Entries& entries = it->second;
      size_ -= DropOlderThan(entries, cutoff);
      // A client with nothing left is forgotten, unless it is inserting now.
      if (entries.empty() && &entries != &inserting) {
        it = clients_.erase(it);
      } else {
        ++it;
      }
    }
  }
  while (size_ >= entries_max_ && size_ > 0) DropOldest();
}

void RetryCache::ForEach(
    const std::function<void(const std::string&, std::uint64_t, std::int64_t)>& fn) const {
  for (const auto& [client_id, entries] : clients_) {
    for (const Entry& entry : entries) fn(client_id, entry.request_id, entry.unix_ms);
  }
}

}  // namespace bucket::master
