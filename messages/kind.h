// Kind: the stable numeric tag of every message type on the wire.
//
// The tag is T::kKind, never a std::variant index. Numbers are fixed forever:
// add new kinds at the end of their range, and when one is retired leave its
// number here as a comment so that it is never reused.
//
// Ranges:   1- 19 common        20- 59 master <-> chunkserver
//          60-119 client <-> master   120-169 data path (client/chunkserver)
//         170-199 published on the master's events PUB
#pragma once

#include <cstdint>
#include <msgpack.hpp>

#include "messages/status.h"

namespace bucket::messages {

enum class Kind : std::uint16_t {
  kErrorResponse = 1,
  kPing = 2,
  kPong = 3,

  // master <-> chunkserver
  kRegisterRequest = 20,
  kRegisterResponse = 21,
  kHeartbeat = 22,
  kReregisterCommand = 23,

  // client <-> master
  kClusterStatusRequest = 60,
  kClusterStatusResponse = 61,

  // published events
  kClusterState = 170,
  kClusterEvent = 171,
};

}  // namespace bucket::messages

MSGPACK_ADD_ENUM(bucket::messages::Kind);
MSGPACK_ADD_ENUM(bucket::Code);
