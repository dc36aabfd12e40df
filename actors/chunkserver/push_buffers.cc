#include "actors/chunkserver/push_buffers.h"

#include <algorithm>

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

Status PushBuffers::AdmitUnreserved(const std::string& data_id, std::uint64_t bytes,
                                    Millis now) {
  Status reserved = Reserve(data_id, bytes, now);
  if (reserved.code() != Code::kBusy) return reserved;
  Buffer& refused = Unreserved(data_id, bytes, now);
  refused.problem = Status::Busy("push " + data_id + " came unreserved and was refused: " +
                                 reserved.message());
  return refused.problem;
}

PushBuffers::Buffer& PushBuffers::Unreserved(const std::string& data_id, std::uint64_t total,
                                             Millis now) {
  Buffer& buffer = buffers_[data_id];
  buffer.total = total;
  buffer.holds_nothing = true;
  buffer.last_active = now;
  return buffer;
}

Result<bool> PushBuffers::Add(const std::string& data_id, std::uint64_t offset,
                              std::uint64_t total, Payload piece,
                              std::vector<std::uint32_t> segment_crcs, Millis now) {
  auto it = buffers_.find(data_id);
  if (it == buffers_.end()) return Status::NotFound("no reservation for push " + data_id);
  Buffer& buffer = it->second;
  if (total != buffer.total || offset > buffer.total || piece.size() > buffer.total - offset) {
    return Status::InvalidArgument("piece outside push " + data_id);
  }
  buffer.last_active = now;
  if (buffer.holds_nothing) return true;
  const std::uint64_t size = piece.size();
  if (buffer.pieces.emplace(offset, Buffer::Piece{std::move(piece), std::move(segment_crcs)})
          .second) {
    buffer.received += size;
  }
  return buffer.received >= buffer.total;
}

void PushBuffers::MarkCorrupt(const std::string& data_id, std::uint64_t total, std::string why,
                              Millis now) {
  auto it = buffers_.find(data_id);
  Buffer& buffer = it != buffers_.end() ? it->second : Unreserved(data_id, total, now);
  buffer.problem = Status::Corruption(std::move(why));
}

bool PushBuffers::Complete(const std::string& data_id) const {
  auto it = buffers_.find(data_id);
  return it != buffers_.end() && (it->second.received >= it->second.total ||
                                  !it->second.problem.ok());
}

Status PushBuffers::Check(const std::string& data_id, std::uint64_t length) const {
  auto it = buffers_.find(data_id);
  if (it == buffers_.end()) return Status::DataMissing("push " + data_id + " never arrived");
  if (!it->second.problem.ok()) return it->second.problem;
  if (it->second.total != length) {
    return Status::InvalidArgument("push " + data_id + " holds " +
                                   std::to_string(it->second.total) + " bytes, the mutation " +
                                   std::to_string(length));
  }
  return Status::Ok();
}

PushBuffers::Pushed PushBuffers::Pieces(const std::string& data_id) const {
  Pushed pushed;
  const Buffer& buffer = buffers_.at(data_id);
  std::uint64_t next = 0;
  for (const auto& [offset, piece] : buffer.pieces) {
    const Payload& bytes = piece.bytes;
    if (offset + bytes.size() <= next) continue;  // wholly inside what came before
    if (offset < next) {
      pushed.pieces.push_back(bytes.Slice(next - offset, bytes.size() - (next - offset)));
    } else {
      pushed.pieces.push_back(bytes);
      for (std::size_t i = 0; i < piece.segment_crcs.size(); ++i) {
        const std::uint64_t at = i * kBlockBytes;
        pushed.known.push_back(
            {offset + at, std::min(kBlockBytes, bytes.size() - at), piece.segment_crcs[i]});
      }
    }
    next = offset + bytes.size();
  }
  return pushed;
}

void PushBuffers::Release(const std::string& data_id) {
  auto it = buffers_.find(data_id);
  if (it == buffers_.end()) return;
  reserved_bytes_ -= it->second.reserved();
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
    reserved_bytes_ -= it->second.reserved();
    it = buffers_.erase(it);
  }
  return expired;
}

}  // namespace bucket::chunkserver
