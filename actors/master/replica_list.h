// ReplicaList: where one chunk's replicas are, kept inside the chunk's entry.
//
// The master keeps one per chunk, so a std::vector (24 bytes, plus a heap
// block of 64 for three replicas) is most of a chunk's cost. A chunk nearly
// always has at most three replicas: those live in place; a fourth (a repair
// under way, a file asking for more) moves them all to the heap.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>

namespace bucket::master {

using NodeIndex = std::uint32_t;

#pragma pack(push, 4)
// 12 bytes, not 16: the master holds three per chunk. `version` may sit on a
// 4-byte boundary, so never bind a reference to it (std::max, emplace_back):
// pass a copy, e.g. std::uint64_t{r.version}.
struct Replica {
  NodeIndex node = 0;
  std::uint64_t version = 0;
};
#pragma pack(pop)

class ReplicaList {
 public:
  ReplicaList() : heap_(nullptr) {}
  ReplicaList(const ReplicaList& other) : heap_(nullptr) { Assign(other.begin(), other.size()); }
  ReplicaList& operator=(const ReplicaList& other) {
    if (this != &other) {
      Release();
      Assign(other.begin(), other.size());
    }
    return *this;
  }
  ~ReplicaList() { Release(); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Replica* begin() { return on_heap() ? heap_ : inline_; }
  Replica* end() { return begin() + size_; }
  const Replica* begin() const { return on_heap() ? heap_ : inline_; }
  const Replica* end() const { return begin() + size_; }
  const Replica& operator[](std::size_t i) const { return begin()[i]; }

  void push_back(const Replica& replica) {
    if (size_ == Capacity()) Grow();
    begin()[size_++] = replica;
  }
  // Removes every replica for which `drop` is true; returns how many went.
  template <typename Predicate>
  std::size_t RemoveIf(Predicate drop) {
    Replica* last = std::remove_if(begin(), end(), drop);
    const auto removed = static_cast<std::size_t>(end() - last);
    size_ = static_cast<std::uint16_t>(size_ - removed);
    return removed;
  }

 private:
  static constexpr std::uint16_t kInline = 3;
  bool on_heap() const { return heap_capacity_ != 0; }
  std::size_t Capacity() const { return on_heap() ? heap_capacity_ : kInline; }
  void Grow() {
    const auto capacity = static_cast<std::uint16_t>(Capacity() * 2);
    Replica* grown = new Replica[capacity];
    std::copy(begin(), end(), grown);
    Release();
    heap_ = grown;
    heap_capacity_ = capacity;
  }
  void Release() {
    if (on_heap()) delete[] heap_;
    heap_capacity_ = 0;
  }
  void Assign(const Replica* from, std::size_t count) {
    size_ = 0;
    for (std::size_t i = 0; i < count; ++i) push_back(from[i]);
  }

  union {
    Replica inline_[kInline];
    Replica* heap_;
  };
  std::uint16_t size_ = 0;
  std::uint16_t heap_capacity_ = 0;  // 0: the replicas are in inline_
};

}  // namespace bucket::master
