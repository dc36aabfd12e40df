#include "client/local_replica_reader.h"

#include "actors/chunkserver/chunk_meta.h"
#include "actors/chunkserver/verified_read.h"

namespace bucket::client {

LocalReplicaReader::LocalReplicaReader(storage::FileSystem* fs, std::size_t max_open)
    : fs_(fs), max_open_(max_open) {}

Status LocalReplicaReader::Open(const std::string& node, std::uint64_t handle,
                                const std::string& data_path, const std::string& meta_path,
                                actors::Millis now) {
  auto data = fs_->Open(data_path, storage::OpenMode::kReadOnly);
  if (!data.ok()) return data.status().WithContext("opening " + data_path);
  auto meta = fs_->Open(meta_path, storage::OpenMode::kReadOnly);
  if (!meta.ok()) return meta.status().WithContext("opening " + meta_path);
  Close(node, handle);
  const Key key{node, handle};
  open_.emplace_front(key, Files{std::move(*data), std::move(*meta), now});
  index_[key] = open_.begin();
  if (open_.size() > max_open_) {
    index_.erase(open_.back().first);
    open_.pop_back();
  }
  return Status::Ok();
}

void LocalReplicaReader::Close(const std::string& node, std::uint64_t handle) {
  auto it = index_.find(Key{node, handle});
  if (it == index_.end()) return;
  open_.erase(it->second);
  index_.erase(it);
}

std::size_t LocalReplicaReader::CloseUnusedSince(actors::Millis cutoff) {
  while (!open_.empty() && open_.back().second.last_read < cutoff) {
    index_.erase(open_.back().first);
    open_.pop_back();
  }
  return open_.size();
}

Result<std::pair<LocalReplicaReader::Files*, std::uint64_t>> LocalReplicaReader::CheckedFiles(
    const std::string& node, std::uint64_t handle, std::uint64_t version, actors::Millis now) {
  auto it = index_.find(Key{node, handle});
  if (it == index_.end()) {
    return Status::NotFound(node + "'s replica of chunk " + std::to_string(handle) +
                            " is not open");
  }
  open_.splice(open_.begin(), open_, it->second);
  Files& files = it->second->second;
  files.last_read = now;
  // The header is read at every read: it gives the length the chunkserver last
  // wrote (an entry and its bytes are on disk before the length that covers
  // them) and the version, which a new lease raises.
  std::string bytes(chunkserver::kMetaHeaderBytes, '\0');
  auto read = files.meta->ReadAt(0, bytes.data(), bytes.size());
  if (!read.ok()) return read.status();
  if (*read != bytes.size()) return Status::Corruption("a short chunk header");
  auto header = chunkserver::DecodeChunkHeader(bytes);
  if (!header.ok()) return header.status();
  if (header->handle != handle) {
    return Status::Corruption("the metadata file names chunk " + std::to_string(header->handle) +
                              ", not " + std::to_string(handle));
  }
  if (header->version < version) {
    return Status::StaleVersion("the local replica of chunk " + std::to_string(handle) +
                                " is at version " + std::to_string(header->version) +
                                ", behind " + std::to_string(version));
  }
  return std::make_pair(&files, header->length);
}

Result<LocalPiece> LocalReplicaReader::Read(const std::string& node, std::uint64_t handle,
                                            std::uint64_t version, std::uint64_t offset,
                                            std::uint64_t length, actors::Millis now) {
  auto files = CheckedFiles(node, handle, version, now);
  if (!files.ok()) return files.status();
  const auto [open, chunk_length] = *files;
  auto piece = chunkserver::ReadVerified(*open->data, *open->meta, handle, chunk_length, offset,
                                         length);
  if (!piece.ok()) return piece.status();
  return LocalPiece{std::move(*piece), chunk_length};
}

Result<std::uint64_t> LocalReplicaReader::ReadInto(const std::string& node, std::uint64_t handle,
                                                   std::uint64_t version, std::uint64_t offset,
                                                   std::uint64_t length, actors::Millis now,
                                                   std::uint8_t* out) {
  auto files = CheckedFiles(node, handle, version, now);
  if (!files.ok()) return files.status();
  const auto [open, chunk_length] = *files;
  return chunkserver::ReadVerifiedInto(*open->data, *open->meta, handle, chunk_length, offset,
                                       length, out);
}

}  // namespace bucket::client
