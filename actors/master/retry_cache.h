// RetryCache: which (client, request) mutations already succeeded, so that a
// client that resends a request after losing the reply (a crash, a timeout)
// gets the first answer instead of AlreadyExists or a second application, as
// HDFS's NameNode retry cache does. Rebuilt from the log and kept in
// checkpoints; entries older than the window are forgotten (by record time,
// so replay is deterministic), and its size is bounded.
//
// Memory matters: a busy master remembers every mutation of the last window
// (a million creates is a million entries). Each client's name is kept once;
// an entry is 16 bytes in its client's list, sorted by request id (clients
// number their requests upwards, so inserts land at the end). An index of
// each client's oldest entry makes forgetting cost what it forgets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace bucket::master {

class RetryCache {
 public:
  RetryCache(std::int64_t window_ms = 600000, std::size_t entries_max = 1 << 20)
      : window_ms_(window_ms), entries_max_(entries_max) {}

  void Insert(const std::string& client_id, std::uint64_t request_id, std::int64_t unix_ms);
  // True if the request succeeded within the window before `now_unix_ms`.
  bool Contains(const std::string& client_id, std::uint64_t request_id,
                std::int64_t now_unix_ms) const;
  std::size_t size() const { return size_; }
  // Every entry, each client's in request order.
  void ForEach(const std::function<void(const std::string&, std::uint64_t, std::int64_t)>& fn)
      const;

 private:
  struct Entry {
    std::uint64_t request_id;
    std::int64_t unix_ms;
  };
  // One client's entries by request id: a vector whose front is dropped by
  // moving `head` (and compacted now and then), lighter than a deque for
  // the many clients that make one or two requests.
  struct Entries {
    std::vector<Entry> items;
    std::size_t head = 0;
    bool empty() const { return head == items.size(); }
    const Entry& front() const { return items[head]; }
    auto begin() const { return items.begin() + static_cast<std::ptrdiff_t>(head); }
    auto end() const { return items.end(); }
    void pop_front();
  };
  using Clients = std::map<std::string, Entries, std::less<>>;
  // (time of a client's front entry, that client): the oldest first.
  using FrontIndex = std::set<std::pair<std::int64_t, const std::string*>>;

  const Entry* Find(const Entries& entries, std::uint64_t request_id) const;
  void Unindex(const std::string& client, const Entries& entries);
  void Index(const std::string& client, const Entries& entries);
  // Forgets entries older than the window, then the oldest while at the
  // bound; a client left with none is forgotten too, unless it is `keep`.
  void Prune(std::int64_t now_unix_ms, const Entries& keep);

  std::int64_t window_ms_;
  std::size_t entries_max_;
  std::size_t size_ = 0;
  Clients clients_;
  FrontIndex fronts_;
};

}  // namespace bucket::master
