// RetryCache: which (client, request) mutations already succeeded, so that a
// client that resends a request after losing the reply (a crash, a timeout)
// gets the first answer instead of AlreadyExists or a second application, as
// HDFS's NameNode retry cache does. Rebuilt from the log and kept in
// checkpoints; entries older than the window are dropped (by record time, so
// replay is deterministic), and its size is bounded.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_set>

namespace bucket::master {

class RetryCache {
 public:
  RetryCache(std::int64_t window_ms = 600000, std::size_t entries_max = 1 << 20)
      : window_ms_(window_ms), entries_max_(entries_max) {}

  void Insert(const std::string& client_id, std::uint64_t request_id, std::int64_t unix_ms);
  bool Contains(const std::string& client_id, std::uint64_t request_id) const;
  std::size_t size() const { return keys_.size(); }
  void ForEach(const std::function<void(const std::string&, std::uint64_t, std::int64_t)>& fn)
      const;

 private:
  struct Entry {
    std::string key;
    std::string client_id;
    std::uint64_t request_id;
    std::int64_t unix_ms;
  };
  static std::string Key(const std::string& client_id, std::uint64_t request_id);
  void Prune(std::int64_t now_unix_ms);

  std::int64_t window_ms_;
  std::size_t entries_max_;
  std::deque<Entry> order_;  // oldest first
  std::unordered_set<std::string> keys_;
};

}  // namespace bucket::master
