// Status and Result<T>: errors as values across every module boundary.
//
// A Code travels on the wire inside replies, so its numbers are fixed forever:
// append new codes, never renumber or reuse one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace bucket {

enum class Code : std::uint16_t {
  kOk = 0,
  kNotFound = 1,
  kAlreadyExists = 2,
  kNotADirectory = 3,
  kIsADirectory = 4,
  kDirectoryNotEmpty = 5,
  kInvalidPath = 6,
  kNoSpace = 7,
  kUnavailable = 8,
  kInvalidArgument = 9,
  kCorruption = 10,      // bytes failed a checksum or could not be decoded
  kProtocolMismatch = 11,
  kIoError = 12,
  kTimeout = 13,
  kStaleVersion = 14,    // a chunk version other than the replica's current one
  kLeaseExpired = 15,    // the primary's lease is gone: ask the master again
  kNotPrimary = 16,
  kRetryNextChunk = 17,  // record append: the chunk was padded, append to the next one
  kPermissionDenied = 18,
  kSafeMode = 19,        // the master accepts only reads until enough chunkservers report
  kBusy = 20,            // a bounded resource is full: retry later
  kInternal = 21,
  kCancelled = 22,
  kUnsupported = 23,  // a request this node does not serve (wrong node kind or older protocol)
  kDiskFailed = 24,
  kDataMissing = 25,     // the pushed bytes for a mutation never arrived in time
};

// The stable lower-case name of a code, e.g. "not found".
std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
#define BUCKET_STATUS_FACTORY(Name) \
  static Status Name(std::string message) { return Status(Code::k##Name, std::move(message)); }
  BUCKET_STATUS_FACTORY(NotFound)
  BUCKET_STATUS_FACTORY(AlreadyExists)
  BUCKET_STATUS_FACTORY(NotADirectory)
  BUCKET_STATUS_FACTORY(IsADirectory)
  BUCKET_STATUS_FACTORY(DirectoryNotEmpty)
  BUCKET_STATUS_FACTORY(InvalidPath)
  BUCKET_STATUS_FACTORY(NoSpace)
  BUCKET_STATUS_FACTORY(Unavailable)
  BUCKET_STATUS_FACTORY(InvalidArgument)
  BUCKET_STATUS_FACTORY(Corruption)
  BUCKET_STATUS_FACTORY(ProtocolMismatch)
  BUCKET_STATUS_FACTORY(IoError)
  BUCKET_STATUS_FACTORY(Timeout)
  BUCKET_STATUS_FACTORY(StaleVersion)
  BUCKET_STATUS_FACTORY(LeaseExpired)
  BUCKET_STATUS_FACTORY(NotPrimary)
  BUCKET_STATUS_FACTORY(RetryNextChunk)
  BUCKET_STATUS_FACTORY(PermissionDenied)
  BUCKET_STATUS_FACTORY(SafeMode)
  BUCKET_STATUS_FACTORY(Busy)
  BUCKET_STATUS_FACTORY(Internal)
  BUCKET_STATUS_FACTORY(Cancelled)
  BUCKET_STATUS_FACTORY(Unsupported)
  BUCKET_STATUS_FACTORY(DiskFailed)
  BUCKET_STATUS_FACTORY(DataMissing)
#undef BUCKET_STATUS_FACTORY

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "not found: /a/b" or "ok".
  std::string ToString() const;

  // A copy whose message is "context: message", for errors passed up a level.
  Status WithContext(std::string_view context) const;

  bool operator==(const Status& other) const = default;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status saying why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(state_).ok()) state_ = Status::Internal("Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  // REQUIRES: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace bucket

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define BUCKET_RETURN_IF_ERROR(expr)              \
  do {                                            \
    ::bucket::Status bucket_status_ = (expr);     \
    if (!bucket_status_.ok()) return bucket_status_; \
  } while (0)
