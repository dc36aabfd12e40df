#include "test/support/sample_messages.h"

namespace bucket::testing {

using namespace messages;

NodeAddress SomeAddress() {
  return {"chunkserver-1", "rack-a", "tcp://127.0.0.1:7710", "tcp://127.0.0.1:7711"};
}

std::vector<Message> OneOfEach() {
  NodeLoad load{100, 40, 60, 7, 1, 2, 3, 4, 0};
  ClusterState state;
  state.unix_ms = 1234;
  state.master = {"master", "tcp://127.0.0.1:7700", 99, true, 1, 2, 3, 4, 5};
  state.chunkservers.push_back({SomeAddress(), NodeState::kSuspect, load, 1500, 1, 2, 3, 4, false});
  state.health.under_replicated = 3;
  return {
      ErrorResponse{Code::kNotFound, "/a"},
      Ping{5},
      Pong{5, "master"},
      RegisterRequest{SomeAddress(), load, 42, {{1, 2, 3}, {4, 5, 6}}},
      RegisterResponse{Code::kOk, "", 500, {1, 2}, 30000},
      Heartbeat{SomeAddress(), load, 42, 9},
      ReregisterCommand{"master restarted"},
      ClusterStatusRequest{},
      ClusterStatusResponse{state},
      state,
      ClusterEvent{55, "dead", "chunkserver-1", 0, "silent for 10s"},
      ChunkReportRequest{"chunkserver-1", 7, {{1, 2, 3}}, true},
      ChunkReportResponse{Code::kOk, "", {9, 10}},
      SetVersionRequest{5, 6, true, 1 << 20, true,
                        {{"chunkserver-2", "tcp://127.0.0.1:1", "tcp://127.0.0.1:2"}}, 60000},
      SetVersionResponse{Code::kOk, "", 5, 6},
      LeaseExtendRequest{"chunkserver-1", 5, 6},
      LeaseExtendResponse{Code::kOk, "", 5, 60000},
      RevokeLeaseRequest{5},
      RevokeLeaseResponse{Code::kOk, 5, 4096},
      CommittedLengthReport{"chunkserver-1", 5, 6, 4096},
      CommittedLengthAck{Code::kOk},
      MkdirRequest{"/a/b", true},
      CreateRequest{"/a/b/f", 3, 1 << 20, false, true},
      DeleteRequest{"/a", true, false},
      UndeleteRequest{"/a"},
      RenameRequest{"/a", "/b", true},
      NamespaceResponse{Code::kAlreadyExists, "/b"},
      ListRequest{"/", "m", 10},
      ListResponse{Code::kOk, "", {FileInfo{"x", false, 3, 4, 3, 1 << 20, 1}}, true},
      StatRequest{"/x", true},
      StatResponse{Code::kOk, "", FileInfo{"x", false, 3, 4, 3, 1 << 20, 1},
                   {ChunkLocation{0, 5, 6, {{"cs", "tcp://a:1", "tcp://a:2", "r"}}, 1}}},
      LocateRequest{"/x", 0, 4},
      LocateResponse{Code::kOk, "", FileInfo{}, {}},
      LeaseRequest{"/x", 0, {"chunkserver-3"}},
      LeaseResponse{Code::kOk, "", ChunkLocation{}, 1 << 20, 60000},
      SafeModeRequest{SafeModeAction::kLeave},
      SafeModeResponse{true, "waiting for chunkservers"},
      BackupRequest{"/var/backups/bucket"},
      BackupResponse{Code::kOk, "", "/var/backups/bucket/checkpoint-1.ckpt"},
      NodeAdminRequest{"chunkserver-2", NodeAdminAction::kDrain},
      NodeAdminResponse{Code::kOk, ""},
      FsckRequest{"/", 100},
      FsckResponse{Code::kOk, "", 1, 2, 3, 4, 2, 1, 0, 0, 0,
                   {FsckProblem{"/f", 0, 5, "under-replicated", 2, 3}}, false},
      CorruptionReport{"chunkserver-1", 5, "block 3"},
      CorruptionAck{Code::kOk},
      CloneRequest{5, 6, 1 << 20, {"cs2", "tcp://a:1", "tcp://a:2"}, 1000},
      CloneResponse{Code::kOk, "", 5, 6, 100},
      LocalCopyRequest{5, 6, 9},
      LocalCopyResponse{Code::kOk, "", 9, 4096},
      SnapshotRequest{"/a", "/snap/a", true},
      PushReserveRequest{"c-1", 4096, {{"cs2", "tcp://a:1", "tcp://a:2"}}},
      PushReserveResponse{Code::kBusy, "no room"},
      DataPiece{"c-1", 0, 4096, 1234, {{"cs2", "tcp://a:1", "tcp://a:2"}}},
      WriteRequest{5, 6, 0, "c-1", 4096, 10000},
      WriteResponse{Code::kUnavailable, "x", {"cs3"}, 4096},
      AppendRequest{5, 6, "c-2", 100, 10000},
      AppendResponse{Code::kOk, "", 4096, {}},
      ApplyRequest{5, 6, 1, ApplyKind::kWrite, 0, "c-1", 4096, "cs1", 7499},
      ApplyResponse{Code::kOk, "", 1},
      ReadRequest{5, 6, 0, 4096},
      ReadResponse{Code::kOk, "", 4096, 8192, 6},
      LocalReadRequest{5},
      LocalReadResponse{Code::kOk, "", "/data/chunks/0000000000000005.chunk",
                        "/data/chunks/0000000000000005.meta"},
  };
}

}  // namespace bucket::testing
