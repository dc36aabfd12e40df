// Encoding and bounded, non-throwing decoding of headers and message bodies.
//
// Decoding never throws and never allocates more than a small multiple of the
// input size: msgpack's unpack limits are set from the input length (a 5-byte
// message claiming a 4-billion-element array is refused before any allocation),
// trailing bytes are rejected, and each body's Validate() runs before it is
// returned. Garbage, a wrong protocol major or an unknown kind is a Status.
#pragma once

#include <cstddef>
#include <string>

#include "messages/header.h"
#include "messages/message.h"
#include "messages/payload.h"
#include "messages/status.h"

namespace bucket::messages {

// The header and body frames of one message, ready to send. Each is a Payload
// owning its encoded bytes, so the runtime hands them to ZeroMQ without a copy.
struct EncodedMessage {
  Payload header;
  Payload body;
};

EncodedMessage Encode(const Header& header, const Message& body);
Payload EncodeHeader(const Header& header);
Payload EncodeBody(const Message& body);

// Checks the protocol major version too: another major is kProtocolMismatch.
Result<Header> DecodeHeader(const void* data, std::size_t size);

// The checks a receiver runs on `message` after decoding it (its Validate()).
Status ValidateMessage(const Message& message);

// Decodes the body of the given kind and validates it.
Result<Message> DecodeBody(Kind kind, const void* data, std::size_t size);

}  // namespace bucket::messages
