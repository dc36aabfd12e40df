#include "messages/status.h"

namespace bucket {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kNotFound: return "not found";
    case Code::kAlreadyExists: return "already exists";
    case Code::kNotADirectory: return "not a directory";
    case Code::kIsADirectory: return "is a directory";
    case Code::kDirectoryNotEmpty: return "directory not empty";
    case Code::kInvalidPath: return "invalid path";
    case Code::kNoSpace: return "no space";
    case Code::kUnavailable: return "unavailable";
    case Code::kInvalidArgument: return "invalid argument";
    case Code::kCorruption: return "corruption";
    case Code::kProtocolMismatch: return "protocol mismatch";
    case Code::kIoError: return "I/O error";
    case Code::kTimeout: return "timeout";
    case Code::kStaleVersion: return "stale version";
    case Code::kLeaseExpired: return "lease expired";
    case Code::kNotPrimary: return "not primary";
    case Code::kRetryNextChunk: return "retry on next chunk";
    case Code::kPermissionDenied: return "permission denied";
    case Code::kSafeMode: return "safe mode";
    case Code::kBusy: return "busy";
    case Code::kInternal: return "internal error";
    case Code::kCancelled: return "cancelled";
    case Code::kUnsupported: return "unsupported request";
    case Code::kDiskFailed: return "disk failed";
    case Code::kDataMissing: return "data missing";
  }
  return "unknown error";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string text(CodeName(code_));
  if (!message_.empty()) {
    text += ": ";
    text += message_;
  }
  return text;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  if (!message_.empty()) {
    message += ": ";
    message += message_;
  }
  return Status(code_, std::move(message));
}

}  // namespace bucket
