#include "actors/master/retry_cache.h"

#include <algorithm>

namespace bucket::master {
namespace {

bool EarlierRequest(const auto& entry, std::uint64_t request_id) {
  return entry.request_id < request_id;
}

}  // namespace

void RetryCache::Entries::pop_front() {
  ++head;
  // Compact once the dropped front is half the vector: O(1) per pop overall.
  if (head * 2 >= items.size()) {
    items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(head));
    head = 0;
    if (items.capacity() > 4 * items.size() + 4) items.shrink_to_fit();
  }
}

const RetryCache::Entry* RetryCache::Find(const Entries& entries,
                                          std::uint64_t request_id) const {
  auto at = std::lower_bound(entries.begin(), entries.end(), request_id,
                             EarlierRequest<Entry>);
  return at != entries.end() && at->request_id == request_id ? &*at : nullptr;
}

void RetryCache::Unindex(const std::string& client, const Entries& entries) {
  if (!entries.empty()) fronts_.erase({entries.front().unix_ms, &client});
}

void RetryCache::Index(const std::string& client, const Entries& entries) {
  if (!entries.empty()) fronts_.insert({entries.front().unix_ms, &client});
}

void RetryCache::Insert(const std::string& client_id, std::uint64_t request_id,
                        std::int64_t unix_ms) {
  auto client = clients_.try_emplace(client_id).first;
  const std::string& name = client->first;
  Entries& entries = client->second;
  if (Find(entries, request_id) != nullptr) return;
  Prune(unix_ms, entries);
  // The index changes only when the client's front does (usually the new
  // entry goes at the end).
  const bool new_front = entries.empty() || request_id < entries.front().request_id;
  if (new_front) Unindex(name, entries);
  auto at = std::lower_bound(entries.items.begin() + static_cast<std::ptrdiff_t>(entries.head),
                             entries.items.end(), request_id, EarlierRequest<Entry>);
  entries.items.insert(at, Entry{request_id, unix_ms});
  if (new_front) Index(name, entries);
  ++size_;
}

bool RetryCache::Contains(const std::string& client_id, std::uint64_t request_id,
                          std::int64_t now_unix_ms) const {
  auto client = clients_.find(client_id);
  if (client == clients_.end()) return false;
  const Entry* entry = Find(client->second, request_id);
  return entry != nullptr && entry->unix_ms >= now_unix_ms - window_ms_;
}

void RetryCache::Prune(std::int64_t now_unix_ms, const Entries& keep) {
  // Each client's entries are in request order, and so nearly in time order
  // (a late retry can put a newer time before an older one, which then waits
  // for it): only fronts are looked at, so a prune costs what it drops.
  const std::int64_t cutoff = now_unix_ms - window_ms_;
  auto drop_front_of = [&](FrontIndex::iterator oldest, auto expired) {
    auto client = clients_.find(*oldest->second);
    Entries& entries = client->second;
    fronts_.erase(oldest);
    do {
      entries.pop_front();
      --size_;
    } while (!entries.empty() && expired(entries.front()));
    Index(client->first, entries);
    if (entries.empty() && &entries != &keep) clients_.erase(client);
  };
  while (!fronts_.empty() && fronts_.begin()->first < cutoff) {
    drop_front_of(fronts_.begin(), [&](const Entry& e) { return e.unix_ms < cutoff; });
  }
  while (size_ >= entries_max_ && !fronts_.empty()) {
    drop_front_of(fronts_.begin(), [](const Entry&) { return false; });
  }
}

void RetryCache::ForEach(
    const std::function<void(const std::string&, std::uint64_t, std::int64_t)>& fn) const {
  for (const auto& [client_id, entries] : clients_) {
    for (const Entry& entry : entries) fn(client_id, entry.request_id, entry.unix_ms);
  }
}

}  // namespace bucket::master
