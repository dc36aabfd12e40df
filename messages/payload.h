// Payload: bulk bytes that travel as their own ZeroMQ frame, never inside msgpack.
//
// A Payload is a read-only view with shared ownership of whatever holds the bytes
// (a received ZeroMQ frame, a buffer read from disk, an encoded body). Copying a
// Payload copies a pointer, never the bytes, so a chunkserver can forward the
// frame it received to the next hop and write it to disk from the same memory.
// Thread-safe to copy and destroy from several threads (shared_ptr semantics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bucket {

class Payload {
 public:
  Payload() = default;

  // Shares `owner`, which must keep [data, data + size) alive and unchanged.
  static Payload Wrap(std::shared_ptr<const void> owner, const std::uint8_t* data,
                      std::size_t size) {
    Payload p;
    p.owner_ = std::move(owner);
    p.data_ = data;
    p.size_ = size;
    return p;
  }
  // Takes ownership of the bytes of `text` (moved, not copied).
  static Payload FromString(std::string text) {
    auto owner = std::make_shared<std::string>(std::move(text));
    const auto* data = reinterpret_cast<const std::uint8_t*>(owner->data());
    return Wrap(owner, data, owner->size());
  }
  static Payload FromVector(std::vector<std::uint8_t> bytes) {
    auto owner = std::make_shared<std::vector<std::uint8_t>>(std::move(bytes));
    return Wrap(owner, owner->data(), owner->size());
  }
  // Copies `size` bytes: for tests and small control data only.
  static Payload Copy(const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    return FromVector(std::vector<std::uint8_t>(bytes, bytes + size));
  }
  // A writable buffer of `size` bytes; fill it through `*out` before sharing the Payload.
  static Payload Allocate(std::size_t size, std::uint8_t** out) {
    std::shared_ptr<std::uint8_t[]> owner(new std::uint8_t[size > 0 ? size : 1]);
    *out = owner.get();
    return Wrap(std::shared_ptr<const void>(owner, owner.get()), owner.get(), size);
  }

  const std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const {
    return std::string_view(reinterpret_cast<const char*>(data_), size_);
  }
  const std::shared_ptr<const void>& owner() const { return owner_; }

  // The bytes [offset, offset + length), sharing this Payload's owner.
  // REQUIRES: offset + length <= size().
  Payload Slice(std::size_t offset, std::size_t length) const {
    return Wrap(owner_, data_ + offset, length);
  }

 private:
  std::shared_ptr<const void> owner_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace bucket
