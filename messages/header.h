// Header: the first msgpack frame of every message, decoded and checked before
// the body so that a peer with another protocol major version, or garbage, is
// turned away before any body is parsed.
//
// Frames on the wire:
//   DEALER -> ROUTER   [header] [body] [payload]?     (ROUTER adds the routing id)
//   PUSH   -> PULL     [header] [body] [payload]?
//   PUB    -> SUB      [topic] [header] [body]
#pragma once

#include <cstdint>
#include <string>

#include "messages/kind.h"

namespace bucket::messages {

// Major changes break the wire: a peer with another major gets kProtocolMismatch.
// Minor changes only append fields with defaults, so old and new peers interoperate.
inline constexpr std::uint16_t kProtocolMajor = 1;
inline constexpr std::uint16_t kProtocolMinor = 0;

struct Header {
  std::uint16_t protocol_major = kProtocolMajor;
  std::uint16_t protocol_minor = kProtocolMinor;
  Kind kind = Kind::kErrorResponse;
  // Matches a reply to its request. On the events PUB it is the publish sequence
  // number instead, so that a subscriber can tell when messages were dropped.
  std::uint64_t request_id = 0;
  // The sending node's id ("master", "chunkserver-2") or client id. Advisory only:
  // it names the peer in logs and keys the master's retry cache, never rights.
  std::string sender;
  MSGPACK_DEFINE(protocol_major, protocol_minor, kind, request_id, sender);
};

}  // namespace bucket::messages
