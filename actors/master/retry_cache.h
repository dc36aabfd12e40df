// RetryCache: which (client, request) mutations already succeeded, so that a
// client that resends a request after losing the reply (a crash, a timeout)
// gets the first answer instead of AlreadyExists or a second application, as
// HDFS's NameNode retry cache does. Rebuilt from the log and kept in
// checkpoints; entries older than the window are dropped (by record time, so
// replay is deterministic), and its size is bounded.
//
// Memory matters: a busy master remembers every mutation of the last window
// (a million creates is a million entries). Each client's name is kept once;
// an entry is 16 bytes in its client's list, sorted by request id (clients
// number their requests upwards, so inserts land at the end).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>

namespace bucket::master {

class RetryCache {
 public:
  RetryCache(std::int64_t window_ms = 600000, std::size_t entries_max = 1 << 20)
      : window_ms_(window_ms), entries_max_(entries_max) {}

  void Insert(const std::string& client_id, std::uint64_t request_id, std::int64_t unix_ms);
  bool Contains(const std::string& client_id, std::uint64_t request_id) const;
  std::size_t size() const { return size_; }
  // Every entry, each client's in request order.
  void ForEach(const std::function<void(const std::string&, std::uint64_t, std::int64_t)>& fn)
      const;

 private:
  struct Entry {
    std::uint64_t request_id;
    std::int64_t unix_ms;
  };
  using Entries = std::deque<Entry>;
  static bool EarlierRequest(const Entry& entry, std::uint64_t request_id) {
    return entry.request_id < request_id;
  }
  // Drops entries older than the window (the inserting client's every time,
  // every client's once per kSweepEvery inserts), then the oldest while at
  // the bound.
  void Prune(std::int64_t now_unix_ms, Entries& inserting);
  std::size_t DropOlderThan(Entries& entries, std::int64_t cutoff_unix_ms);
  void DropOldest();

  std::int64_t window_ms_;
  std::size_t entries_max_;
  std::size_t size_ = 0;
  std::size_t inserts_since_sweep_ = 0;
  static constexpr std::size_t kSweepEvery = 4096;
  std::map<std::string, Entries, std::less<>> clients_;
};

}  // namespace bucket::master
