#include "messages/message.h"

#include <string>

namespace bucket::messages {
namespace {

// Compile-time names for logs: the type name from __PRETTY_FUNCTION__ would
// drag in namespaces, so each alternative lists its own.
template <typename T>
constexpr const char* NameOf();

#define BUCKET_NAME_OF(T) \
  template <>             \
  constexpr const char* NameOf<T>() { return #T; }
BUCKET_NAME_OF(ErrorResponse)
BUCKET_NAME_OF(Ping)
BUCKET_NAME_OF(Pong)
BUCKET_NAME_OF(RegisterRequest)
BUCKET_NAME_OF(RegisterResponse)
BUCKET_NAME_OF(Heartbeat)
BUCKET_NAME_OF(ReregisterCommand)
BUCKET_NAME_OF(ChunkReportRequest)
BUCKET_NAME_OF(ChunkReportResponse)
BUCKET_NAME_OF(SetVersionRequest)
BUCKET_NAME_OF(SetVersionResponse)
BUCKET_NAME_OF(LeaseExtendRequest)
BUCKET_NAME_OF(LeaseExtendResponse)
BUCKET_NAME_OF(RevokeLeaseRequest)
BUCKET_NAME_OF(RevokeLeaseResponse)
BUCKET_NAME_OF(CommittedLengthReport)
BUCKET_NAME_OF(CommittedLengthAck)
BUCKET_NAME_OF(CorruptionReport)
BUCKET_NAME_OF(CorruptionAck)
BUCKET_NAME_OF(CloneRequest)
BUCKET_NAME_OF(CloneResponse)
BUCKET_NAME_OF(PushReserveRequest)
BUCKET_NAME_OF(PushReserveResponse)
BUCKET_NAME_OF(DataPiece)
BUCKET_NAME_OF(WriteRequest)
BUCKET_NAME_OF(WriteResponse)
BUCKET_NAME_OF(AppendRequest)
BUCKET_NAME_OF(AppendResponse)
BUCKET_NAME_OF(ApplyRequest)
BUCKET_NAME_OF(ApplyResponse)
BUCKET_NAME_OF(ReadRequest)
BUCKET_NAME_OF(ReadResponse)
BUCKET_NAME_OF(LocalReadRequest)
BUCKET_NAME_OF(LocalReadResponse)
BUCKET_NAME_OF(MkdirRequest)
BUCKET_NAME_OF(CreateRequest)
BUCKET_NAME_OF(DeleteRequest)
BUCKET_NAME_OF(UndeleteRequest)
BUCKET_NAME_OF(RenameRequest)
BUCKET_NAME_OF(NamespaceResponse)
BUCKET_NAME_OF(ListRequest)
BUCKET_NAME_OF(ListResponse)
BUCKET_NAME_OF(StatRequest)
BUCKET_NAME_OF(StatResponse)
BUCKET_NAME_OF(LocateRequest)
BUCKET_NAME_OF(LocateResponse)
BUCKET_NAME_OF(LeaseRequest)
BUCKET_NAME_OF(LeaseResponse)
BUCKET_NAME_OF(SafeModeRequest)
BUCKET_NAME_OF(SafeModeResponse)
BUCKET_NAME_OF(BackupRequest)
BUCKET_NAME_OF(BackupResponse)
BUCKET_NAME_OF(NodeAdminRequest)
BUCKET_NAME_OF(NodeAdminResponse)
BUCKET_NAME_OF(FsckRequest)
BUCKET_NAME_OF(FsckResponse)
BUCKET_NAME_OF(SnapshotRequest)
BUCKET_NAME_OF(LocalCopyRequest)
BUCKET_NAME_OF(LocalCopyResponse)
BUCKET_NAME_OF(ClusterStatusRequest)
BUCKET_NAME_OF(ClusterStatusResponse)
BUCKET_NAME_OF(ClusterState)
BUCKET_NAME_OF(ClusterEvent)
#undef BUCKET_NAME_OF

template <std::size_t... I>
const char* FindName(Kind kind, std::index_sequence<I...>) {
  const char* name = nullptr;
  (void)((std::variant_alternative_t<I, Message>::kKind == kind
              ? (name = NameOf<std::variant_alternative_t<I, Message>>(), true)
              : false) ||
         ...);
  return name;
}

}  // namespace

Kind KindOf(const Message& message) {
  return std::visit([](const auto& value) { return std::decay_t<decltype(value)>::kKind; },
                    message);
}

std::string KindName(Kind kind) {
  const char* name = FindName(kind, std::make_index_sequence<std::variant_size_v<Message>>());
  if (name != nullptr) return name;
  return "Kind(" + std::to_string(static_cast<int>(kind)) + ")";
}

}  // namespace bucket::messages
