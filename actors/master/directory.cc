#include "actors/master/directory.h"

#include <algorithm>

namespace bucket::master {
namespace {

bool NameBelow(const Directory::Entry& entry, std::string_view name) {
  return entry.name.view() < name;
}

}  // namespace

std::size_t Directory::PageFor(std::string_view name) const {
  auto page = std::lower_bound(pages_.begin(), pages_.end(), name,
                               [](const Page& p, std::string_view n) { return p.back().name.view() < n; });
  if (page == pages_.end()) --page;
  return static_cast<std::size_t>(page - pages_.begin());
}

std::optional<InodeId> Directory::Find(std::string_view name) const {
  if (pages_.empty()) return std::nullopt;
  const Page& page = pages_[PageFor(name)];
  auto it = std::lower_bound(page.begin(), page.end(), name, NameBelow);
  if (it == page.end() || !(it->name == name)) return std::nullopt;
  return it->id;
}

void Directory::Set(std::string_view name, InodeId id) {
  if (pages_.empty()) {
    pages_.push_back(Page{Entry{EntryName(name), id}});
    size_ = 1;
    return;
  }
  const std::size_t index = PageFor(name);
  Page& page = pages_[index];
  auto it = std::lower_bound(page.begin(), page.end(), name, NameBelow);
  if (it != page.end() && it->name == name) {
    it->id = id;
    return;
  }
  const bool at_the_end = index + 1 == pages_.size() && it == page.end();
  if (page.size() == page.capacity()) {
    // Grow by a quarter, not the usual double: a page's spare room is memory
    // every directory entry pays for.
    const auto at = it - page.begin();
    page.reserve(page.size() + page.size() / 4 + 1);
    it = page.begin() + at;
  }
  page.insert(it, Entry{EntryName(name), id});
  ++size_;
  if (page.size() <= kPageMax) return;
  // Split the full page. Names added in order (the usual case: f1, f2, ...)
  // leave a full page behind and start a new one; otherwise halve it.
  const std::size_t keep = at_the_end ? page.size() - 1 : page.size() / 2;
  Page rest(std::make_move_iterator(page.begin() + static_cast<std::ptrdiff_t>(keep)),
            std::make_move_iterator(page.end()));
  page.erase(page.begin() + static_cast<std::ptrdiff_t>(keep), page.end());
  page.shrink_to_fit();
  pages_.insert(pages_.begin() + static_cast<std::ptrdiff_t>(index) + 1, std::move(rest));
}

bool Directory::Erase(std::string_view name) {
  if (pages_.empty()) return false;
  const std::size_t index = PageFor(name);
  Page& page = pages_[index];
  auto it = std::lower_bound(page.begin(), page.end(), name, NameBelow);
  if (it == page.end() || !(it->name == name)) return false;
  page.erase(it);
  --size_;
  if (page.empty()) {
    pages_.erase(pages_.begin() + static_cast<std::ptrdiff_t>(index));
  } else if (page.size() < page.capacity() / 4) {
    page.shrink_to_fit();  // a directory emptied out gives its memory back
  }
  return true;
}

void Directory::ForEachAfter(std::string_view start_after,
                             const std::function<bool(const Entry&)>& fn) const {
  if (pages_.empty()) return;
  std::size_t index = start_after.empty() ? 0 : PageFor(start_after);
  for (; index < pages_.size(); ++index) {
    const Page& page = pages_[index];
    auto it = start_after.empty()
                  ? page.begin()
                  : std::upper_bound(page.begin(), page.end(), start_after,
                                     [](std::string_view n, const Entry& e) { return n < e.name.view(); });
    for (; it != page.end(); ++it) {
      if (!fn(*it)) return;
    }
    start_after = {};
  }
}

}  // namespace bucket::master
