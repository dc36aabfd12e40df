// Messages shared by every protocol.
//
// Grammar:  any request  ( its response / ErrorResponse )
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

}  // namespace bucket::messages
