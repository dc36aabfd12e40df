// Directory: the names in one directory and the inode each names, sorted.
//
// A big namespace is mostly directory entries, so they are kept flat: sorted
// pages of at most kPageMax entries (a name and an id, 24 bytes with names of
// up to 15 bytes stored inline) instead of a std::map node per name (80). Finding a
// name is a binary search over the pages' last names, then within one page;
// an insert shifts at most one page and splits it when full. Listing walks the
// pages in order from any name, which is what paged listings need.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/master/entry_name.h"

namespace bucket::master {

using InodeId = std::uint64_t;

class Directory {
 public:
  struct Entry {
    EntryName name;
    InodeId id;
  };

  std::optional<InodeId> Find(std::string_view name) const;
  // Adds `name`, or points it at `id` if it is there already.
  void Set(std::string_view name, InodeId id);
  // Removes `name`; false if it was not there.
  bool Erase(std::string_view name);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Calls `fn` for each entry after `start_after` ("" for all), in name order,
  // until it returns false.
  void ForEachAfter(std::string_view start_after,
                    const std::function<bool(const Entry&)>& fn) const;

  static constexpr std::size_t kPageMax = 256;

 private:
  using Page = std::vector<Entry>;
  // The page where `name` is or would go: the first whose last name is not
  // below it, or the last page. REQUIRES: !pages_.empty().
  std::size_t PageFor(std::string_view name) const;

  std::vector<Page> pages_;  // each sorted and non-empty; all names of one below the next's
  std::size_t size_ = 0;
};

}  // namespace bucket::master
