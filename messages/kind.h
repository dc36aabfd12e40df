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
  kChunkReportRequest = 24,
  kChunkReportResponse = 25,
  kSetVersionRequest = 26,
  kSetVersionResponse = 27,
  kLeaseExtendRequest = 28,
  kLeaseExtendResponse = 29,
  kRevokeLeaseRequest = 30,
  kRevokeLeaseResponse = 31,
  kCommittedLengthReport = 32,
  kCommittedLengthAck = 33,
  kCorruptionReport = 34,
  kCorruptionAck = 35,
  kCloneRequest = 36,
  kCloneResponse = 37,
  kLocalCopyRequest = 38,
  kLocalCopyResponse = 39,

  // client <-> master
  kClusterStatusRequest = 60,
  kClusterStatusResponse = 61,
  kMkdirRequest = 62,
  kCreateRequest = 63,
  kDeleteRequest = 64,
  kUndeleteRequest = 65,
  kRenameRequest = 66,
  kNamespaceResponse = 67,
  kListRequest = 68,
  kListResponse = 69,
  kStatRequest = 70,
  kStatResponse = 71,
  kLocateRequest = 72,
  kLocateResponse = 73,
  kLeaseRequest = 74,
  kLeaseResponse = 75,
  kSafeModeRequest = 76,
  kSafeModeResponse = 77,
  kBackupRequest = 78,
  kBackupResponse = 79,
  kNodeAdminRequest = 80,
  kNodeAdminResponse = 81,
  kFsckRequest = 82,
  kFsckResponse = 83,
  kSnapshotRequest = 84,

  // data path
  kPushReserveRequest = 120,
  kPushReserveResponse = 121,
  kDataPiece = 122,
  kWriteRequest = 123,
  kWriteResponse = 124,
  kAppendRequest = 125,
  kAppendResponse = 126,
  kApplyRequest = 127,
  kApplyResponse = 128,
  kReadRequest = 129,
  kReadResponse = 130,
  kLocalReadRequest = 131,
  kLocalReadResponse = 132,

  // published events
  kClusterState = 170,
  kClusterEvent = 171,
};

}  // namespace bucket::messages

MSGPACK_ADD_ENUM(bucket::messages::Kind);
MSGPACK_ADD_ENUM(bucket::Code);
