#include "messages/data_path.h"

namespace bucket::messages {
namespace {

Status ValidateDataId(const std::string& data_id) {
  if (data_id.empty() || data_id.size() > 256) {
    return Status::InvalidArgument("data_id must be 1-256 bytes");
  }
  return Status::Ok();
}

Status ValidateChain(const std::vector<ChainHop>& hops) {
  if (hops.size() > kChainHopsMax) return Status::InvalidArgument("push chain too long");
  for (const auto& hop : hops) {
    BUCKET_RETURN_IF_ERROR(ValidateNodeId(hop.node_id, "chain node_id"));
    BUCKET_RETURN_IF_ERROR(ValidateEndpoint(hop.rpc_endpoint, "chain rpc_endpoint"));
    BUCKET_RETURN_IF_ERROR(ValidateEndpoint(hop.data_endpoint, "chain data_endpoint"));
  }
  return Status::Ok();
}

Status ValidateRange(std::uint64_t offset, std::uint64_t length, std::uint64_t max,
                     const char* what) {
  // Chunks are at most 1GiB; offsets and lengths beyond it are garbage.
  if (offset > (1ull << 30) || length > max || offset + length > (1ull << 30)) {
    return Status::InvalidArgument(std::string(what) + ": offset or length out of range");
  }
  return Status::Ok();
}

}  // namespace

Status PushReserveRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidateDataId(data_id));
  if (bytes == 0 || bytes > kPushBytesMax) {
    return Status::InvalidArgument("push of " + std::to_string(bytes) + " bytes is out of range");
  }
  return ValidateChain(rest);
}

Status DataPiece::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidateDataId(data_id));
  if (total_bytes == 0 || total_bytes > kPushBytesMax || offset >= total_bytes) {
    return Status::InvalidArgument("data piece offset or total out of range");
  }
  return ValidateChain(rest);
}

Status WriteRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidateDataId(data_id));
  if (length == 0) return Status::InvalidArgument("empty write");
  return ValidateRange(offset, length, kPushBytesMax, "write");
}

Status AppendRequest::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidateDataId(data_id));
  if (length == 0) return Status::InvalidArgument("empty record");
  return ValidateRange(0, length, kPushBytesMax, "append");
}

Status ApplyRequest::Validate() const {
  if (static_cast<int>(kind) > 1) return Status::InvalidArgument("unknown apply kind");
  if (kind == ApplyKind::kWrite) BUCKET_RETURN_IF_ERROR(ValidateDataId(data_id));
  return ValidateRange(offset, length, kPushBytesMax, "apply");
}

Status ReadRequest::Validate() const {
  if (length == 0) return Status::InvalidArgument("empty read");
  return ValidateRange(offset, length, kReadBytesMax, "read");
}

}  // namespace bucket::messages
