// Message: every message type, as one std::variant in memory only.
//
// The variant's order means nothing on the wire (the tag is T::kKind), so new
// alternatives may go anywhere; a test checks that every kind is unique.
#pragma once

#include <variant>

#include "messages/client_master.h"
#include "messages/common.h"
#include "messages/data_path.h"
#include "messages/events.h"
#include "messages/master_chunkserver.h"

namespace bucket::messages {

using Message = std::variant<
    ErrorResponse, Ping, Pong,
    // master <-> chunkserver
    RegisterRequest, RegisterResponse, Heartbeat, ReregisterCommand, ChunkReportRequest,
    ChunkReportResponse, SetVersionRequest, SetVersionResponse, LeaseExtendRequest,
    LeaseExtendResponse, RevokeLeaseRequest, RevokeLeaseResponse, CommittedLengthReport,
    CommittedLengthAck, CorruptionReport, CorruptionAck, CloneRequest, CloneResponse,
    LocalCopyRequest, LocalCopyResponse,
    // client <-> master
    ClusterStatusRequest, ClusterStatusResponse, MkdirRequest, CreateRequest, DeleteRequest,
    UndeleteRequest, RenameRequest, NamespaceResponse, ListRequest, ListResponse, StatRequest,
    StatResponse, LocateRequest, LocateResponse, LeaseRequest, LeaseResponse, SafeModeRequest,
    SafeModeResponse, BackupRequest, BackupResponse, NodeAdminRequest, NodeAdminResponse,
    FsckRequest, FsckResponse, SnapshotRequest,
    // data path
    PushReserveRequest, PushReserveResponse, DataPiece, WriteRequest, WriteResponse,
    AppendRequest, AppendResponse, ApplyRequest, ApplyResponse, ReadRequest, ReadResponse,
    LocalReadRequest, LocalReadResponse,
    // published
    ClusterState, ClusterEvent>;

// The wire tag of whichever alternative `message` holds.
Kind KindOf(const Message& message);

// The name of a kind for logs ("RegisterRequest"), or "Kind(<n>)" if unknown.
std::string KindName(Kind kind);

}  // namespace bucket::messages
