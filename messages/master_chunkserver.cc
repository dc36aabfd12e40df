#include "messages/master_chunkserver.h"

namespace bucket::messages {

Status ValidateNodeId(const std::string& id, const char* field) {
  if (id.empty()) return Status::InvalidArgument(std::string(field) + " is empty");
  if (id.size() > kNodeIdBytesMax) {
    return Status::InvalidArgument(std::string(field) + " longer than " +
                                   std::to_string(kNodeIdBytesMax) + " bytes");
  }
  for (char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!allowed) {
      return Status::InvalidArgument(std::string(field) +
                                     " may hold only letters, digits, '-', '_' and '.'");
    }
  }
  return Status::Ok();
}

Status ValidateEndpoint(const std::string& endpoint, const char* field) {
  if (endpoint.size() > kEndpointBytesMax) {
    return Status::InvalidArgument(std::string(field) + " too long");
  }
  const bool known_transport = endpoint.rfind("tcp://", 0) == 0 ||
                               endpoint.rfind("ipc://", 0) == 0 ||
                               endpoint.rfind("inproc://", 0) == 0;
  if (!known_transport) {
    return Status::InvalidArgument(std::string(field) + " '" + endpoint +
                                   "' is not a tcp://, ipc:// or inproc:// endpoint");
  }
  return Status::Ok();
}

Status NodeAddress::Validate() const {
  BUCKET_RETURN_IF_ERROR(ValidateNodeId(node_id, "node_id"));
  if (rack.size() > kNodeIdBytesMax) return Status::InvalidArgument("rack name too long");
  BUCKET_RETURN_IF_ERROR(ValidateEndpoint(rpc_endpoint, "rpc_endpoint"));
  return ValidateEndpoint(data_endpoint, "data_endpoint");
}

Status SetVersionRequest::Validate() const {
  if (handle == 0) return Status::InvalidArgument("chunk handle 0");
  if (version == 0) return Status::InvalidArgument("chunk version 0");
  if (secondaries.size() > 16) return Status::InvalidArgument("too many secondaries");
  for (const auto& peer : secondaries) {
    BUCKET_RETURN_IF_ERROR(ValidateNodeId(peer.node_id, "secondary node_id"));
    BUCKET_RETURN_IF_ERROR(ValidateEndpoint(peer.rpc_endpoint, "secondary rpc_endpoint"));
    BUCKET_RETURN_IF_ERROR(ValidateEndpoint(peer.data_endpoint, "secondary data_endpoint"));
  }
  if (chunk_size > (1ull << 30)) return Status::InvalidArgument("chunk size above 1GiB");
  return Status::Ok();
}

Status CloneRequest::Validate() const {
  if (handle == 0 || version == 0) return Status::InvalidArgument("clone of handle/version 0");
  if (chunk_size > (1ull << 30)) return Status::InvalidArgument("chunk size above 1GiB");
  BUCKET_RETURN_IF_ERROR(ValidateNodeId(source.node_id, "source node_id"));
  return ValidateEndpoint(source.rpc_endpoint, "source rpc_endpoint");
}

Status LocalCopyRequest::Validate() const {
  if (handle == 0 || version == 0 || copy == 0 || copy == handle) {
    return Status::InvalidArgument("local copy of handle " + std::to_string(handle) + " v" +
                                   std::to_string(version) + " to " + std::to_string(copy));
  }
  return Status::Ok();
}

}  // namespace bucket::messages
