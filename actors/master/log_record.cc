#include "actors/master/log_record.h"

#include <exception>

namespace bucket::master {
namespace {

template <typename Variant>
std::string EncodeTagged(const Variant& value) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> packer(buffer);
  packer.pack_array(2);
  std::visit(
      [&](const auto& v) {
        packer.pack(std::decay_t<decltype(v)>::kType);
        packer.pack(v);
      },
      value);
  return std::string(buffer.data(), buffer.size());
}

template <typename Variant, std::size_t... I>
bool ConvertByType(std::uint8_t type, const msgpack::object& body, Variant* out,
                   std::index_sequence<I...>) {
  return ((std::variant_alternative_t<I, Variant>::kType == type
               ? (*out = body.as<std::variant_alternative_t<I, Variant>>(), true)
               : false) ||
          ...);
}

template <typename Variant>
Result<Variant> DecodeTagged(const void* data, std::size_t size, const char* what) {
  try {
    std::size_t offset = 0;
    const msgpack::unpack_limit limits(size, size / 2 + 1, size, size, size, 8);
    msgpack::object_handle handle =
        msgpack::unpack(static_cast<const char*>(data), size, offset, nullptr, nullptr, limits);
    if (offset != size) return Status::Corruption(std::string(what) + ": trailing bytes");
    const msgpack::object& root = handle.get();
    if (root.type != msgpack::type::ARRAY || root.via.array.size != 2) {
      return Status::Corruption(std::string(what) + ": not a [type, fields] pair");
    }
    const auto type = root.via.array.ptr[0].as<std::uint8_t>();
    Variant value;
    if (!ConvertByType(type, root.via.array.ptr[1], &value,
                       std::make_index_sequence<std::variant_size_v<Variant>>())) {
      return Status::Corruption(std::string(what) + ": unknown type " + std::to_string(type) +
                                " (written by a newer Bucket?)");
    }
    return value;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string(what) + ": " + e.what());
  }
}

}  // namespace

std::string EncodeRecord(const LogRecord& record) { return EncodeTagged(record); }

Result<LogRecord> DecodeRecord(const void* data, std::size_t size) {
  return DecodeTagged<LogRecord>(data, size, "log record");
}

std::string EncodeCheckpointEntry(const CheckpointEntry& entry) { return EncodeTagged(entry); }

Result<CheckpointEntry> DecodeCheckpointEntry(const void* data, std::size_t size) {
  return DecodeTagged<CheckpointEntry>(data, size, "checkpoint entry");
}

}  // namespace bucket::master
