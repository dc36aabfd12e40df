#include "messages/codec.h"

#include <cstdlib>
#include <exception>
#include <memory>
#include <type_traits>

namespace bucket::messages {
namespace {

// Limits derived from the input: every msgpack element takes at least one byte,
// so no honest input claims more elements than it has bytes.
msgpack::unpack_limit LimitsFor(std::size_t size) {
  constexpr std::size_t kDepthMax = 16;
  return msgpack::unpack_limit(size, size / 2 + 1, size, size, size, kDepthMax);
}

// Packs into a malloc'd buffer and adopts it as a Payload without a copy.
template <typename T>
Payload Pack(const T& value) {
  msgpack::sbuffer buffer;
  msgpack::pack(buffer, value);
  const std::size_t size = buffer.size();
  char* raw = buffer.release();
  std::shared_ptr<const void> owner(raw, [](const void* p) { std::free(const_cast<void*>(p)); });
  return Payload::Wrap(std::move(owner), reinterpret_cast<const std::uint8_t*>(raw), size);
}

// Unpacks exactly one msgpack object spanning the whole input into `out`.
template <typename T>
Status Unpack(const void* data, std::size_t size, T& out) {
  if (data == nullptr || size == 0) return Status::Corruption("empty frame");
  try {
    std::size_t offset = 0;
    msgpack::object_handle handle = msgpack::unpack(static_cast<const char*>(data), size, offset,
                                                    nullptr, nullptr, LimitsFor(size));
    if (offset != size) {
      return Status::Corruption(std::to_string(size - offset) + " trailing bytes");
    }
    handle.get().convert(out);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("undecodable msgpack: ") + e.what());
  }
}

template <typename T>
Status ValidateIfDefined(const T& value) {
  if constexpr (requires { value.Validate(); }) {
    return value.Validate();
  } else {
    return Status::Ok();
  }
}

template <typename T>
Result<Message> DecodeAs(const void* data, std::size_t size) {
  T value;
  BUCKET_RETURN_IF_ERROR(Unpack(data, size, value));
  BUCKET_RETURN_IF_ERROR(ValidateIfDefined(value).WithContext(KindName(T::kKind)));
  return Message(std::move(value));
}

// Finds the alternative whose kKind is `kind` with a fold over the variant.
template <std::size_t... I>
Result<Message> DecodeByKind(Kind kind, const void* data, std::size_t size,
                             std::index_sequence<I...>) {
  Result<Message> result = Status::Unsupported("unknown message kind " +
                                               std::to_string(static_cast<int>(kind)));
  (void)((std::variant_alternative_t<I, Message>::kKind == kind
              ? (result = DecodeAs<std::variant_alternative_t<I, Message>>(data, size), true)
              : false) ||
         ...);
  return result;
}

}  // namespace

Status ValidateMessage(const Message& message) {
  return std::visit([](const auto& value) { return ValidateIfDefined(value); }, message);
}

Payload EncodeHeader(const Header& header) { return Pack(header); }

Payload EncodeBody(const Message& body) {
  return std::visit([](const auto& value) { return Pack(value); }, body);
}

EncodedMessage Encode(const Header& header, const Message& body) {
  return {EncodeHeader(header), EncodeBody(body)};
}

Result<Header> DecodeHeader(const void* data, std::size_t size) {
  constexpr std::size_t kHeaderBytesMax = 512;
  if (size > kHeaderBytesMax) return Status::Corruption("header frame too large");
  Header header;
  BUCKET_RETURN_IF_ERROR(Unpack(data, size, header).WithContext("header"));
  if (header.protocol_major != kProtocolMajor) {
    return Status::ProtocolMismatch("peer speaks protocol " +
                                    std::to_string(header.protocol_major) + "." +
                                    std::to_string(header.protocol_minor) + ", this node " +
                                    std::to_string(kProtocolMajor) + "." +
                                    std::to_string(kProtocolMinor));
  }
  return header;
}

Result<Message> DecodeBody(Kind kind, const void* data, std::size_t size) {
  return DecodeByKind(kind, data, size,
                      std::make_index_sequence<std::variant_size_v<Message>>());
}

}  // namespace bucket::messages
