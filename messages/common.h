// Messages shared by every protocol.
//
// Grammar:  any request  ( its response / ErrorResponse )
//           Ping ( Pong )      any node's ROUTER: liveness and round-trip checks
#pragma once

#include <string>

#include "messages/kind.h"
#include "messages/status.h"

namespace bucket::messages {

// The generic failure reply: a request that was malformed, unknown to this node,
// refused, or failed before a typed response could be built.
struct ErrorResponse {
  static constexpr Kind kKind = Kind::kErrorResponse;
  Code code = Code::kInternal;
  std::string detail;
  MSGPACK_DEFINE(code, detail);

  Status ToStatus() const { return Status(code, detail); }
  static ErrorResponse From(const Status& status) { return {status.code(), status.message()}; }
};

// Answered by every node with a Pong carrying the same token (and payload, if any).
struct Ping {
  static constexpr Kind kKind = Kind::kPing;
  std::uint64_t token = 0;
  MSGPACK_DEFINE(token);
};

struct Pong {
  static constexpr Kind kKind = Kind::kPong;
  std::uint64_t token = 0;
  std::string node_id;
  MSGPACK_DEFINE(token, node_id);
};

}  // namespace bucket::messages
