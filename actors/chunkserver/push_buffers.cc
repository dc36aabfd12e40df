#include "actors/chunkserver/push_buffers.h"

#include "config/units.h"

namespace bucket::chunkserver {

Status PushBuffers::Reserve(const std::string& data_id, std::uint64_t bytes, Millis now) {
  auto it = buffers_.find(data_id);
  if (it != buffers_.end()) {  // a resent reservation: keep the one there is
    it->second.last_active = now;
    return it->second.total == bytes ? Status::Ok()
                                     : Status::InvalidArgument("push " + data_id +
                                                               " reserved twice with two sizes");
  }
  if (reserved_bytes_ + bytes > capacity_bytes_) {
    return Status::Busy("push buffers full: " + config::FormatSize(reserved_bytes_) + " of " +
                        config::FormatSize(capacity_bytes_) + " reserved, the push needs " +
                        config::FormatSize(bytes));
  }
  Buffer buffer;
  buffer.total = bytes;
  buffer.last_active = now;
  buffers_.emplace(data_id, std::move(buffer));
  reserved_bytes_ += bytes;
  return Status::Ok();
}

Result<bool> PushBuffers::Add(const std::string& data_id, std::uint64_t offset,
                              std::uint64_t total, Payload piece, Millis now) {
  auto it = buffers_.find(data_id);
  if (it == buffers_.end()) return Status::NotFound("no reservation for push " + data_id);
  Buffer& buffer = it->second;
  if (total != buffer.total || offset + piece.size() > buffer.total) {
    return Status::InvalidArgument("piece outside push " + data_id);
  }
  buffer.last_active = now;
  if (buffer.pieces.emplace(offset, std::move(piece)).second) {
    buffer.received += buffer.pieces.at(offset).size();
  }
  return buffer.received >= buffer.total;
}

void PushBuffers::MarkCorrupt(const std::string& data_id, std::string why) {
  auto it = buffers_.find(data_id);
  if (it != buffers_.end()) it->second.corrupt = std::move(why);
}

bool PushBuffers::Complete(const std::string& data_id) const {
  auto it = buffers_.find(data_id);
  return it != buffers_.end() && (it->second.received >= it->second.total ||
                                  !it->second.corrupt.empty());
}

Status PushBuffers::Check(const std::string& data_id, std::uint64_t length) const {
  auto it = buffers_.find(data_id);
  if (it == buffers_.end()) return Status::DataMissing("push " + data_id + " never arrived");
  if (!it->second.corrupt.empty()) return Status::Corruption(it->second.corrupt);
  if (it->second.total != length) {
    return Status::InvalidArgument("push " + data_id + " holds " +
                                   std::to_string(it->second.total) + " bytes, the mutation " +
                                   std::to_string(length));
  }
  return Status::Ok();
}

std::vector<Payload> PushBuffers::Pieces(const std::string& data_id) const {
  std::vector<Payload> pieces;
  const Buffer& buffer = buffers_.at(data_id);
  std::uint64_t next = 0;
  for (const auto& [offset, piece] : buffer.pieces) {
    if (offset + piece.size() <= next) continue;  // wholly inside what came before
    pieces.push_back(offset < next ? piece.Slice(next - offset, piece.size() - (next - offset))
                                   : piece);
    next = offset + piece.size();
  }
  return pieces;
}

void PushBuffers::Release(const std::string& data_id) {
  auto it = buffers_.find(data_id);
  if (it == buffers_.end()) return;
  reserved_bytes_ -= it->second.total;
  buffers_.erase(it);
}

std::vector<std::string> PushBuffers::Expire(Millis now) {
  std::vector<std::string> expired;
  for (auto it = buffers_.begin(); it != buffers_.end();) {
    if (now - it->second.last_active < timeout_) {
      ++it;
      continue;
    }
    expired.push_back(it->first);
    reserved_bytes_ -= it->second.total;
    it = buffers_.erase(it);
  }
  return expired;
}

}  // namespace bucket::chunkserver
