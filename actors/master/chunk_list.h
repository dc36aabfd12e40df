// ChunkList: a file's chunk handles, in one pointer.
//
// The master keeps one per file, for every file of the namespace, so its size
// counts: a std::vector is 24 bytes even when empty, this is 8. The handles
// live in one heap array whose first slot holds the count; the array grows by
// doubling (its capacity is the count rounded up to a power of two), so
// appending a chunk costs O(1) amortised. Files usually have few chunks, and
// empty files allocate nothing.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <vector>

namespace bucket::master {

using ChunkHandle = std::uint64_t;

class ChunkList {
 public:
  ChunkList() = default;
  ChunkList(const std::vector<ChunkHandle>& handles) { Assign(handles.data(), handles.size()); }
  ChunkList(const ChunkList& other) { Assign(other.begin(), other.size()); }
  ChunkList(ChunkList&&) noexcept = default;
  ChunkList& operator=(const ChunkList& other) {
    if (this != &other) Assign(other.begin(), other.size());
    return *this;
  }
  ChunkList& operator=(ChunkList&&) noexcept = default;

  std::size_t size() const { return slots_ ? static_cast<std::size_t>(slots_[0]) : 0; }
  bool empty() const { return size() == 0; }
  ChunkHandle operator[](std::size_t i) const { return slots_[i + 1]; }
  ChunkHandle& operator[](std::size_t i) { return slots_[i + 1]; }
  ChunkHandle back() const { return slots_[size()]; }
  const ChunkHandle* begin() const { return slots_ ? slots_.get() + 1 : nullptr; }
  const ChunkHandle* end() const { return begin() + size(); }

  void push_back(ChunkHandle handle) {
    const std::size_t count = size();
    if (count == Capacity(count)) {
      auto grown = std::make_unique<ChunkHandle[]>(Capacity(count + 1) + 1);
      if (slots_) std::copy(slots_.get(), slots_.get() + count + 1, grown.get());
      slots_ = std::move(grown);
    }
    slots_[count + 1] = handle;
    slots_[0] = count + 1;
  }

  std::vector<ChunkHandle> ToVector() const { return {begin(), end()}; }
  bool operator==(const std::vector<ChunkHandle>& other) const {
    return std::equal(begin(), end(), other.begin(), other.end());
  }

 private:
  // Slots allocated for `count` handles: none for none, else the next power of two.
  static std::size_t Capacity(std::size_t count) { return count == 0 ? 0 : std::bit_ceil(count); }
  void Assign(const ChunkHandle* handles, std::size_t count) {
    if (count == 0) {
      slots_.reset();
      return;
    }
    slots_ = std::make_unique<ChunkHandle[]>(Capacity(count) + 1);
    slots_[0] = count;
    std::copy(handles, handles + count, slots_.get() + 1);
  }

  std::unique_ptr<ChunkHandle[]> slots_;  // [count, handle 0, handle 1, ...]
};

}  // namespace bucket::master
