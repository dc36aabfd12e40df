// EntryName: the name of one directory entry, in 16 bytes.
//
// Names are what a big namespace is mostly made of, and most are short: up to
// 15 bytes are kept inline (a std::string takes 32 bytes for the same), longer
// ones (path rules allow 255) in a heap array of their own length.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

namespace bucket::master {

class EntryName {
 public:
  EntryName() { bytes_[kTag] = 0; }
  explicit EntryName(std::string_view name) { Assign(name); }
  EntryName(const EntryName& other) { Assign(other.view()); }
  EntryName(EntryName&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
    other.bytes_[kTag] = 0;  // the heap array, if any, is ours now
  }
  EntryName& operator=(EntryName other) noexcept {
    std::swap(bytes_, other.bytes_);
    return *this;
  }
  ~EntryName() {
    if (on_heap()) delete[] heap();
  }

  std::string_view view() const {
    return on_heap() ? std::string_view(heap(), heap_size())
                     : std::string_view(bytes_, static_cast<unsigned char>(bytes_[kTag]));
  }
  bool operator==(std::string_view other) const { return view() == other; }

 private:
  static constexpr std::size_t kTag = 15;           // inline: the length; else kOnHeap
  static constexpr std::size_t kInlineMax = 15;
  static constexpr char kOnHeap = static_cast<char>(0xff);
  // On the heap: bytes 0-7 hold the array's address, bytes 8-9 its length.

  bool on_heap() const { return bytes_[kTag] == kOnHeap; }
  const char* heap() const {
    const char* p;
    std::memcpy(&p, bytes_, sizeof(p));
    return p;
  }
  char* heap() {
    char* p;
    std::memcpy(&p, bytes_, sizeof(p));
    return p;
  }
  std::size_t heap_size() const {
    std::uint16_t n;
    std::memcpy(&n, bytes_ + 8, sizeof(n));
    return n;
  }
  void Assign(std::string_view name) {
    if (name.size() <= kInlineMax) {
      std::memcpy(bytes_, name.data(), name.size());
      bytes_[kTag] = static_cast<char>(name.size());
      return;
    }
    // Longer than any valid name: cut, rather than wrap the 16-bit length.
    const auto size = static_cast<std::uint16_t>(std::min<std::size_t>(name.size(), 0xffff));
    char* p = new char[size];
    std::memcpy(p, name.data(), size);
    std::memcpy(bytes_, &p, sizeof(p));
    std::memcpy(bytes_ + 8, &size, sizeof(size));
    bytes_[kTag] = kOnHeap;
  }

  char bytes_[16];
};

}  // namespace bucket::master
