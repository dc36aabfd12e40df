#include "messages/rights.h"

namespace bucket::messages {
namespace {

int Number(Kind kind) { return static_cast<int>(kind); }

bool Common(Kind kind) { return Number(kind) < 20; }  // errors, ping and pong
bool MasterChunkserver(Kind kind) { return Number(kind) >= 20 && Number(kind) < 60; }

bool ReadOnlyRequest(Kind kind) {
  switch (kind) {
    case Kind::kClusterStatusRequest:
    case Kind::kListRequest:
    case Kind::kStatRequest:
    case Kind::kLocateRequest:
    case Kind::kFsckRequest:
    case Kind::kReadRequest:
    case Kind::kLocalReadRequest:
      return true;
    default:
      return false;
  }
}

bool WriteRequest(Kind kind) {
  switch (kind) {
    case Kind::kMkdirRequest:
    case Kind::kCreateRequest:
    case Kind::kDeleteRequest:
    case Kind::kUndeleteRequest:
    case Kind::kRenameRequest:
    case Kind::kLeaseRequest:
    case Kind::kSnapshotRequest:
    case Kind::kPushReserveRequest:
    case Kind::kDataPiece:
    case Kind::kWriteRequest:
    case Kind::kAppendRequest:
      return true;
    default:
      return false;
  }
}

bool AdminRequest(Kind kind) {
  return kind == Kind::kSafeModeRequest || kind == Kind::kBackupRequest ||
         kind == Kind::kNodeAdminRequest;
}

// What chunkservers send each other in the data path (never a client's write).
bool BetweenChunkservers(Kind kind) {
  switch (kind) {
    case Kind::kPushReserveRequest:
    case Kind::kPushReserveResponse:
    case Kind::kDataPiece:
    case Kind::kApplyRequest:
    case Kind::kApplyResponse:
    case Kind::kReadRequest:
    case Kind::kReadResponse:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::optional<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kMaster, Role::kChunkserver, Role::kAdmin, Role::kReadWrite,
                    Role::kReadOnly, Role::kMonitor}) {
    if (name == RoleName(role)) return role;
  }
  return std::nullopt;
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kMaster: return "master";
    case Role::kChunkserver: return "chunkserver";
    case Role::kAdmin: return "admin";
    case Role::kReadWrite: return "read-write";
    case Role::kReadOnly: return "read-only";
    case Role::kMonitor: return "monitor";
  }
  return "?";
}

bool Allows(Role role, Kind kind) {
  if (Common(kind)) return true;
  switch (role) {
    case Role::kMaster:
      return true;
    case Role::kChunkserver:
      return MasterChunkserver(kind) || BetweenChunkservers(kind);
    case Role::kAdmin:
      return ReadOnlyRequest(kind) || WriteRequest(kind) || AdminRequest(kind);
    case Role::kReadWrite:
      return ReadOnlyRequest(kind) || WriteRequest(kind);
    case Role::kReadOnly:
      return ReadOnlyRequest(kind);
    case Role::kMonitor:
      return kind == Kind::kClusterStatusRequest;
  }
  return false;
}

}  // namespace bucket::messages
