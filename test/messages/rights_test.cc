#include "messages/rights.h"

#include <catch2/catch.hpp>

namespace bucket::messages {
namespace {

TEST_CASE("rights: each role may send exactly its kinds", "[unit][messages]") {
  CHECK(ParseRole("read-only") == Role::kReadOnly);
  CHECK_FALSE(ParseRole("root").has_value());
  for (Role role : {Role::kMaster, Role::kChunkserver, Role::kAdmin, Role::kReadWrite,
                    Role::kReadOnly, Role::kMonitor}) {
    CHECK(ParseRole(RoleName(role)) == role);
    CHECK(Allows(role, Kind::kPing));
  }
  CHECK(Allows(Role::kReadOnly, Kind::kReadRequest));
  CHECK(Allows(Role::kReadOnly, Kind::kStatRequest));
  CHECK_FALSE(Allows(Role::kReadOnly, Kind::kMkdirRequest));
  CHECK_FALSE(Allows(Role::kReadOnly, Kind::kWriteRequest));
  CHECK_FALSE(Allows(Role::kReadOnly, Kind::kDataPiece));
  CHECK(Allows(Role::kReadWrite, Kind::kAppendRequest));
  CHECK(Allows(Role::kReadWrite, Kind::kSnapshotRequest));
  CHECK_FALSE(Allows(Role::kReadWrite, Kind::kNodeAdminRequest));
  CHECK(Allows(Role::kAdmin, Kind::kNodeAdminRequest));
  CHECK(Allows(Role::kAdmin, Kind::kBackupRequest));
  CHECK_FALSE(Allows(Role::kAdmin, Kind::kRegisterRequest));  // an admin is not a chunkserver
  CHECK(Allows(Role::kChunkserver, Kind::kRegisterRequest));
  CHECK(Allows(Role::kChunkserver, Kind::kApplyRequest));
  CHECK(Allows(Role::kChunkserver, Kind::kReadRequest));  // clone reads
  CHECK_FALSE(Allows(Role::kChunkserver, Kind::kWriteRequest));
  CHECK_FALSE(Allows(Role::kChunkserver, Kind::kCreateRequest));
  CHECK(Allows(Role::kMonitor, Kind::kClusterStatusRequest));
  CHECK_FALSE(Allows(Role::kMonitor, Kind::kListRequest));
  CHECK(Allows(Role::kMaster, Kind::kSetVersionRequest));
}

}  // namespace
}  // namespace bucket::messages
