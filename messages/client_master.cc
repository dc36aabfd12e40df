#include "messages/client_master.h"

#include "messages/master_chunkserver.h"

namespace bucket::messages {

Status CreateRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  if (path == "/") return Status::InvalidPath("cannot create the root");
  if (replication > kReplicationMax) {
    return Status::InvalidArgument("replication " + std::to_string(replication) +
                                   " is above the maximum of " +
                                   std::to_string(kReplicationMax));
  }
  if (chunk_size != 0 && (chunk_size % (64 << 10) != 0 || chunk_size > (1ull << 30))) {
    return Status::InvalidArgument("chunk size must be a multiple of 64KiB, at most 1GiB");
  }
  return Status::Ok();
}

Status RenameRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidatePath(from));
  BUCKET_RETURN_IF_ERROR(ValidatePath(to));
  if (from == "/" || to == "/") return Status::InvalidPath("cannot rename the root");
  return Status::Ok();
}

Status SnapshotRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidatePath(from));
  BUCKET_RETURN_IF_ERROR(ValidatePath(to));
  if (to == "/") return Status::InvalidPath("cannot snapshot onto the root");
  return Status::Ok();
}

Status ListRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  if (limit == 0 || limit > kListEntriesMax) {
    return Status::InvalidArgument("list limit must be 1.." + std::to_string(kListEntriesMax));
  }
  if (start_after.size() > kNameBytesMax) return Status::InvalidArgument("start_after too long");
  return Status::Ok();
}

Status LocateRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  if (count == 0 || count > kLocateChunksMax) {
    return Status::InvalidArgument("locate count must be 1.." + std::to_string(kLocateChunksMax));
  }
  return Status::Ok();
}

Status LeaseRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  if (chunk_index > (1ull << 40)) return Status::InvalidArgument("chunk index out of range");
  if (failed_replicas.size() > kReplicationMax) {
    return Status::InvalidArgument("too many failed replicas listed");
  }
  return Status::Ok();
}

Status SafeModeRequest::Validate() const {
  if (static_cast<int>(action) > 2) return Status::InvalidArgument("unknown safe mode action");
  return Status::Ok();
}

Status BackupRequest::Validate() const {
  if (directory.empty() || directory[0] != '/' || directory.size() > kPathBytesMax ||
      directory.find('\0') != std::string::npos) {
    return Status::InvalidArgument("the backup directory must be an absolute local path");
  }
  return Status::Ok();
}

Status NodeAdminRequest::Validate() const {
  if (static_cast<int>(action) > 2) return Status::InvalidArgument("unknown node action");
  return ValidateNodeId(node_id, "node_id");
}

}  // namespace bucket::messages
