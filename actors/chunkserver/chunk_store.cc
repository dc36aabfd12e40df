#include "actors/chunkserver/chunk_store.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "actors/chunkserver/verified_read.h"
#include "actors/core/crc32c.h"

namespace bucket::chunkserver {
namespace {

constexpr std::size_t kOpenFilesMax = 128;

std::string HandleName(std::uint64_t handle) {
  char name[24];
  std::snprintf(name, sizeof(name), "%016llx", static_cast<unsigned long long>(handle));
  return name;
}

// Visits bytes [from, to) of the concatenation of `pieces`, segment by segment.
template <typename Fn>
void ForEachSegment(const std::vector<Payload>& pieces, std::uint64_t from, std::uint64_t to,
                    Fn&& fn) {
  std::uint64_t base = 0;
  for (const Payload& piece : pieces) {
    const std::uint64_t start = std::max(from, base);
    const std::uint64_t end = std::min(to, base + piece.size());
    if (start < end) fn(piece.data() + (start - base), end - start, start);
    base += piece.size();
    if (base >= to) break;
  }
}

std::uint64_t TotalSize(const std::vector<Payload>& pieces) {
  std::uint64_t total = 0;
  for (const auto& p : pieces) total += p.size();
  return total;
}

}  // namespace

ChunkStore::ChunkStore(storage::FileSystem* fs, std::vector<std::string> dirs,
                       std::uint64_t recycle_bytes)
    : fs_(fs), dirs_(std::move(dirs)), failed_(dirs_.size(), false) {
  for (const std::string& dir : dirs_) {
    recycled_.emplace_back(fs_, storage::JoinPath(dir, "recycle"), recycle_bytes);
  }
}

Result<std::unique_ptr<ChunkStore>> ChunkStore::Open(storage::FileSystem* fs,
                                                     const std::vector<std::string>& dirs,
                                                     OpenReport* report,
                                                     std::uint64_t recycle_bytes) {
  if (dirs.empty()) return Status::InvalidArgument("a chunkserver needs at least one data folder");
  std::unique_ptr<ChunkStore> store(new ChunkStore(fs, dirs, recycle_bytes));
  for (std::uint32_t disk = 0; disk < dirs.size(); ++disk) {
    Status scanned = store->Scan(disk, report);
    if (scanned.code() == Code::kUnsupported) return scanned;  // a newer format: refuse
    if (!scanned.ok()) {
      store->failed_[disk] = true;
      report->failed_disks.push_back(dirs[disk] + ": " + scanned.ToString());
    }
  }
  if (std::all_of(store->failed_.begin(), store->failed_.end(), [](bool f) { return f; })) {
    return Status::DiskFailed("every data folder failed: " + report->failed_disks.front());
  }
  report->chunks = store->chunks_.size();
  return store;
}

Status ChunkStore::Scan(std::uint32_t disk, OpenReport* report) {
  const std::string chunks_dir = storage::JoinPath(dirs_[disk], "chunks");
  BUCKET_RETURN_IF_ERROR(fs_->MakeDirs(chunks_dir));
  BUCKET_RETURN_IF_ERROR(fs_->MakeDirs(storage::JoinPath(dirs_[disk], "quarantine")));
  BUCKET_RETURN_IF_ERROR(recycled_[disk].Open());
  auto names = fs_->List(chunks_dir);
  if (!names.ok()) return names.status();
  std::map<std::string, std::pair<bool, bool>> seen;  // stem -> has .chunk, has .meta
  for (const auto& name : *names) {
    const auto dot = name.find('.');
    const std::string stem = name.substr(0, dot);
    const std::string suffix = dot == std::string::npos ? "" : name.substr(dot);
    if (suffix == ".chunk") {
      seen[stem].first = true;
    } else if (suffix == ".meta") {
      seen[stem].second = true;
    } else {
      Quarantine(disk, name, "not a chunk file", report);
    }
  }
  for (const auto& [stem, has] : seen) {
    if (!has.first || !has.second) {
      const std::string present = stem + (has.first ? ".chunk" : ".meta");
      Quarantine(disk, present, has.first ? "no metadata beside it" : "no data beside it",
                 report);
      continue;
    }
    auto meta = storage::ReadWholeFile(*fs_, storage::JoinPath(chunks_dir, stem + ".meta"));
    if (!meta.ok()) return meta.status();
    auto header = DecodeChunkHeader(*meta);
    if (header.status().code() == Code::kUnsupported) return header.status();
    std::string why;
    if (!header.ok()) {
      why = header.status().message();
    } else if (HandleName(header->handle) != stem) {
      why = "metadata names another chunk";
    } else if (meta->size() < kMetaHeaderBytes + BlockCount(header->chunk_size) * kBlockEntryBytes) {
      why = "block checksums are truncated";
    }
    if (!why.empty()) {
      Quarantine(disk, stem + ".chunk", why, report);
      Quarantine(disk, stem + ".meta", why, report);
      continue;
    }
    auto existing = chunks_.find(header->handle);
    if (existing != chunks_.end() && existing->second.version >= header->version) {
      Quarantine(disk, stem + ".chunk", "an older copy of a chunk held on another disk", report);
      Quarantine(disk, stem + ".meta", "an older copy of a chunk held on another disk", report);
      continue;
    }
    if (existing != chunks_.end()) used_bytes_ -= existing->second.length;
    chunks_[header->handle] = StoredChunk{header->version, header->length, header->chunk_size,
                                          disk};
    // Found after a process crash, its name may still be only in the page
    // cache: the first sync of it syncs its folder too.
    undurable_names_.insert(header->handle);
    used_bytes_ += header->length;
  }
  return Status::Ok();
}

void ChunkStore::Quarantine(std::uint32_t disk, const std::string& name, const std::string& why,
                            OpenReport* report) {
  const std::string from = storage::JoinPath(storage::JoinPath(dirs_[disk], "chunks"), name);
  const std::string to = storage::JoinPath(storage::JoinPath(dirs_[disk], "quarantine"), name);
  if (!fs_->Rename(from, to).ok()) (void)fs_->Remove(from);
  report->quarantined.push_back(from + ": " + why);
}

std::string ChunkStore::PathOf(std::uint32_t disk, std::uint64_t handle,
                               const char* suffix) const {
  return storage::JoinPath(storage::JoinPath(dirs_[disk], "chunks"), HandleName(handle) + suffix);
}

Result<ChunkStore::Files> ChunkStore::FilesOf(std::uint64_t handle) {
  auto cached = open_index_.find(handle);
  if (cached != open_index_.end()) {
    open_.splice(open_.begin(), open_, cached->second);
    return open_.front().second;
  }
  const StoredChunk& chunk = chunks_.at(handle);
  auto data = fs_->Open(PathOf(chunk.disk, handle, ".chunk"), storage::OpenMode::kReadWrite);
  if (!data.ok()) return Checked(chunk.disk, data.status());
  auto meta = fs_->Open(PathOf(chunk.disk, handle, ".meta"), storage::OpenMode::kReadWrite);
  if (!meta.ok()) return Checked(chunk.disk, meta.status());
  open_.emplace_front(handle, Files{std::move(*data), std::move(*meta)});
  open_index_[handle] = open_.begin();
  if (open_.size() > kOpenFilesMax) {
    open_index_.erase(open_.back().first);
    open_.pop_back();
  }
  return open_.front().second;
}

Status ChunkStore::Checked(std::uint32_t disk, Status status) {
  if (status.code() != Code::kIoError) return status;
  FailDisk(disk, status.message());
  return Status::DiskFailed(dirs_[disk] + " failed: " + status.message());
}

void ChunkStore::FailDisk(std::uint32_t disk, const std::string& why) {
  (void)why;
  if (failed_[disk]) return;
  failed_[disk] = true;
  for (auto it = chunks_.begin(); it != chunks_.end();) {
    if (it->second.disk != disk) {
      ++it;
      continue;
    }
    lost_.push_back(it->first);
    used_bytes_ -= it->second.length;
    if (auto open = open_index_.find(it->first); open != open_index_.end()) {
      open_.erase(open->second);
      open_index_.erase(open);
    }
    it = chunks_.erase(it);
  }
}

Result<std::uint32_t> ChunkStore::ChooseDisk(std::uint64_t needed_bytes) {
  // The most free space; among equals (folders on one filesystem), the fewest chunks.
  std::vector<std::size_t> chunks_on(dirs_.size(), 0);
  for (const auto& [handle, chunk] : chunks_) ++chunks_on[chunk.disk];
  std::optional<std::uint32_t> best;
  std::uint64_t best_free = 0;
  for (std::uint32_t disk = 0; disk < dirs_.size(); ++disk) {
    if (failed_[disk]) continue;
    auto free = FreeBytes(disk);
    if (!free.ok()) continue;
    const bool better = !best || *free > best_free ||
                        (*free == best_free && chunks_on[disk] < chunks_on[*best]);
    if (better) {
      best = disk;
      best_free = *free;
    }
  }
  if (!best) return Status::DiskFailed("every data folder has failed");
  if (best_free < needed_bytes) {
    return Status::NoSpace("no data folder has " + std::to_string(needed_bytes) + " bytes free");
  }
  BUCKET_RETURN_IF_ERROR(EnsureFree(*best, needed_bytes));
  return *best;
}

Result<std::uint64_t> ChunkStore::FreeBytes(std::uint32_t disk) {
  auto usage = fs_->Usage(dirs_[disk]);
  if (!usage.ok()) return Checked(disk, usage.status());
  return usage->free_bytes + recycled_[disk].bytes();
}

Status ChunkStore::EnsureFree(std::uint32_t disk, std::uint64_t needed_bytes) {
  auto usage = fs_->Usage(dirs_[disk]);
  if (!usage.ok()) return Checked(disk, usage.status());
  if (usage->free_bytes >= needed_bytes) return Status::Ok();
  if (recycled_[disk].count() != 0) {
    BUCKET_RETURN_IF_ERROR(Checked(disk, recycled_[disk].Release()));
    usage = fs_->Usage(dirs_[disk]);
    if (!usage.ok()) return Checked(disk, usage.status());
    if (usage->free_bytes >= needed_bytes) return Status::Ok();
  }
  return Status::NoSpace(dirs_[disk] + " has " + std::to_string(usage->free_bytes) +
                         " bytes free, " + std::to_string(needed_bytes) + " are needed");
}

Status ChunkStore::WriteHeader(std::uint64_t handle, const StoredChunk& chunk, Files& files) {
  const std::string header =
      EncodeChunkHeader(ChunkHeader{handle, chunk.version, chunk.length, chunk.chunk_size});
  return Checked(chunk.disk, files.meta->WriteAt(0, header.data(), header.size()));
}

Status ChunkStore::Create(std::uint64_t handle, std::uint64_t version, std::uint64_t chunk_size) {
  if (chunks_.count(handle) != 0) {
    return Status::AlreadyExists("chunk " + std::to_string(handle));
  }
  if (chunk_size == 0 || chunk_size > (1ull << 30)) {
    return Status::InvalidArgument("chunk size out of range");
  }
  auto disk = ChooseDisk(kMetaHeaderBytes + BlockCount(chunk_size) * kBlockEntryBytes);
  if (!disk.ok()) return disk.status();
  const std::string meta_path = PathOf(*disk, handle, ".meta");
  const std::string data_path = PathOf(*disk, handle, ".chunk");
  // The metadata first: a crash before the data file is there leaves a small
  // .meta alone (quarantined at the next start), not a recycled file beside
  // unreadable metadata.
  auto meta = fs_->Open(meta_path, storage::OpenMode::kTruncate);
  if (!meta.ok()) return Checked(*disk, meta.status());
  const StoredChunk chunk{version, 0, chunk_size, *disk};
  const std::string bytes = EncodeChunkHeader(ChunkHeader{handle, version, 0, chunk_size}) +
                            std::string(BlockCount(chunk_size) * kBlockEntryBytes, '\0');
  Status made = (*meta)->WriteAt(0, bytes.data(), bytes.size());
  if (made.ok()) {
    // Written over a recycled file when there is one: its old bytes are past
    // every block's covered bytes, which start at none. One that cannot be
    // moved is dropped, and a new file made (unless the disk failed).
    auto recycled = recycled_[*disk].TakeAs(data_path);
    if (!recycled.ok() && recycled.status().code() == Code::kIoError) made = recycled.status();
    const bool over_recycled = recycled.ok() && *recycled;
    if (made.ok()) {
      made = fs_->Open(data_path, over_recycled ? storage::OpenMode::kReadWrite
                                                : storage::OpenMode::kTruncate)
                 .status();
    }
  }
  if (!made.ok()) {
    (void)fs_->Remove(data_path);
    (void)fs_->Remove(meta_path);
    return Checked(*disk, made);
  }
  chunks_[handle] = chunk;
  undurable_names_.insert(handle);
  return Status::Ok();
}

Status ChunkStore::SetVersion(std::uint64_t handle, std::uint64_t version) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return Status::NotFound("chunk " + std::to_string(handle));
  auto files = FilesOf(handle);
  if (!files.ok()) return files.status();
  StoredChunk updated = it->second;
  updated.version = version;
  BUCKET_RETURN_IF_ERROR(WriteHeader(handle, updated, *files));
  it->second.version = version;
  return Status::Ok();
}

const StoredChunk* ChunkStore::Find(std::uint64_t handle) const {
  auto it = chunks_.find(handle);
  return it == chunks_.end() ? nullptr : &it->second;
}

Result<ChunkStore::ChunkPaths> ChunkStore::PathsOf(std::uint64_t handle) const {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return Status::NotFound("chunk " + std::to_string(handle));
  return ChunkPaths{PathOf(it->second.disk, handle, ".chunk"),
                    PathOf(it->second.disk, handle, ".meta")};
}

Result<Payload> ChunkStore::Read(std::uint64_t handle, std::uint64_t offset,
                                 std::uint64_t length) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return Status::NotFound("chunk " + std::to_string(handle));
  const StoredChunk chunk = it->second;
  if (offset >= chunk.length) return Payload();
  auto files = FilesOf(handle);
  if (!files.ok()) return files.status();
  auto read = ReadVerified(*files->data, *files->meta, handle, chunk.length, offset, length);
  if (!read.ok()) return Checked(chunk.disk, read.status());
  return read;
}

Status ChunkStore::Write(std::uint64_t handle, std::uint64_t offset,
                         const std::vector<Payload>& pieces,
                         const std::vector<SegmentCrc>& known) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return Status::NotFound("chunk " + std::to_string(handle));
  const StoredChunk chunk = it->second;
  const std::uint64_t total = TotalSize(pieces);
  const std::uint64_t end = offset + total;
  if (total == 0) return Status::Ok();
  if (end > chunk.chunk_size) {
    return Status::InvalidArgument("write past the end of a " + std::to_string(chunk.chunk_size) +
                                   "-byte chunk");
  }
  auto files = FilesOf(handle);
  if (!files.ok()) return files.status();
  if (end > chunk.length) {
    if (capacity_limit_ != 0 && used_bytes_ + (end - chunk.length) > capacity_limit_) {
      return Status::NoSpace("the chunkserver's capacity of " + std::to_string(capacity_limit_) +
                             " bytes is full");
    }
    // Only bytes past the file's end take new space (a recycled file is longer
    // than its new chunk).
    auto file_size = files->data->Size();
    if (!file_size.ok()) return Checked(chunk.disk, file_size.status());
    const std::uint64_t held = std::max(chunk.length, *file_size);
    if (end > held) BUCKET_RETURN_IF_ERROR(EnsureFree(chunk.disk, end - held));
  }
  const std::uint64_t first = offset / kBlockBytes;
  const std::uint64_t last = (end - 1) / kBlockBytes;
  auto entries = ReadBlockEntries(*files->meta, first, last - first + 1);
  if (!entries.ok()) return Checked(chunk.disk, entries.status());

  // New entries, and the bytes to write: the new data, plus for a block whose
  // data now starts before the write, the zeros between its old data and it.
  std::vector<std::pair<std::uint64_t, std::string>> gaps;  // file offset, zeros
  auto next_known = known.begin();
  for (std::uint64_t b = first; b <= last; ++b) {
    BlockEntry& entry = (*entries)[b - first];
    const std::uint64_t block_start = b * kBlockBytes;
    const std::uint64_t write_from = std::max(offset, block_start) - block_start;
    const std::uint64_t write_to = std::min(end, block_start + kBlockBytes) - block_start;
    if (write_from == 0 && write_to >= entry.covered) {
      // The write covers every byte the block held: no old bytes to keep.
      const std::uint64_t at = block_start - offset;
      while (next_known != known.end() && next_known->at < at) ++next_known;
      std::uint32_t crc = 0;
      if (next_known != known.end() && next_known->at == at && next_known->length == write_to) {
        crc = next_known->crc;
      } else {
        ForEachSegment(pieces, at, at + write_to,
                       [&](const std::uint8_t* p, std::uint64_t n, std::uint64_t) {
                         crc = Crc32cExtend(crc, p, n);
                       });
      }
      entry = BlockEntry{crc, static_cast<std::uint32_t>(write_to)};
      continue;
    }
    // A partial overwrite: verify the old bytes before they get a new checksum.
    std::string block(std::max<std::uint64_t>(entry.covered, write_to), '\0');
    auto read = files->data->ReadAt(block_start, block.data(), entry.covered);
    if (!read.ok()) return Checked(chunk.disk, read.status());
    if (*read != entry.covered || Crc32c(block.data(), entry.covered) != entry.crc) {
      return Status::Corruption("chunk " + std::to_string(handle) + " block " +
                                std::to_string(b) + " fails its checksum; not overwriting it");
    }
    if (write_from > entry.covered) {
      gaps.emplace_back(block_start + entry.covered, std::string(write_from - entry.covered, '\0'));
    }
    ForEachSegment(pieces, block_start + write_from - offset, block_start + write_to - offset,
                   [&](const std::uint8_t* p, std::uint64_t n, std::uint64_t at) {
                     std::memcpy(block.data() + (offset + at - block_start), p, n);
                   });
    entry = BlockEntry{Crc32c(block.data(), block.size()), static_cast<std::uint32_t>(block.size())};
  }
  // Bytes first, then the entries that describe them, then the length (see chunk_meta.h).
  for (const auto& [at, zeros] : gaps) {
    BUCKET_RETURN_IF_ERROR(Checked(chunk.disk, files->data->WriteAt(at, zeros.data(), zeros.size())));
  }
  std::uint64_t at = offset;
  for (const Payload& piece : pieces) {
    BUCKET_RETURN_IF_ERROR(
        Checked(chunk.disk, files->data->WriteAt(at, piece.data(), piece.size())));
    at += piece.size();
  }
  const std::string encoded = EncodeBlockEntries(*entries);
  BUCKET_RETURN_IF_ERROR(Checked(
      chunk.disk, files->meta->WriteAt(kMetaHeaderBytes + first * kBlockEntryBytes,
                                       encoded.data(), encoded.size())));
  if (end > chunk.length) {
    StoredChunk grown = chunk;
    grown.length = end;
    BUCKET_RETURN_IF_ERROR(WriteHeader(handle, grown, *files));
    used_bytes_ += end - chunks_[handle].length;
    chunks_[handle].length = end;
  }
  return Status::Ok();
}

Status ChunkStore::PadTo(std::uint64_t handle, std::uint64_t length) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return Status::NotFound("chunk " + std::to_string(handle));
  if (length > it->second.chunk_size) return Status::InvalidArgument("padding past the chunk end");
  if (length <= it->second.length) return Status::Ok();
  // Bytes past a block's covered data read as zeros, so padding is only a new length.
  auto files = FilesOf(handle);
  if (!files.ok()) return files.status();
  StoredChunk grown = it->second;
  grown.length = length;
  BUCKET_RETURN_IF_ERROR(WriteHeader(handle, grown, *files));
  used_bytes_ += length - it->second.length;
  it->second.length = length;
  return Status::Ok();
}

Status ChunkStore::Delete(std::uint64_t handle, bool recycle) {
  auto it = chunks_.find(handle);
  if (it == chunks_.end()) return Status::NotFound("chunk " + std::to_string(handle));
  const std::uint32_t disk = it->second.disk;
  undurable_names_.erase(handle);
  if (auto open = open_index_.find(handle); open != open_index_.end()) {
    open_.erase(open->second);
    open_index_.erase(open);
  }
  used_bytes_ -= it->second.length;
  chunks_.erase(it);
  const std::string data_path = PathOf(disk, handle, ".chunk");
  Status data = recycle ? recycled_[disk].Keep(data_path) : fs_->Remove(data_path);
  Status meta = fs_->Remove(PathOf(disk, handle, ".meta"));
  if (!data.ok() && data.code() != Code::kNotFound) return Checked(disk, data);
  if (!meta.ok() && meta.code() != Code::kNotFound) return Checked(disk, meta);
  return Status::Ok();
}

Status ChunkStore::Verify(std::uint64_t handle) {
  const StoredChunk* chunk = Find(handle);
  if (chunk == nullptr) return Status::NotFound("chunk " + std::to_string(handle));
  constexpr std::uint64_t kStep = 4ull << 20;
  const std::uint64_t length = chunk->length;
  for (std::uint64_t offset = 0; offset < length; offset += kStep) {
    auto read = Read(handle, offset, std::min(kStep, length - offset));
    if (!read.ok()) return read.status();
  }
  return Status::Ok();
}

actors::SyncWork ChunkStore::SyncWorkFor(std::uint64_t handle) {
  auto files = FilesOf(handle);
  if (!files.ok()) {
    return [status = files.status()] { return status; };
  }
  // A new chunk's files are only there after a crash once their folder is synced too.
  std::string folder;
  if (undurable_names_.erase(handle) != 0) {
    folder = storage::JoinPath(dirs_[chunks_.at(handle).disk], "chunks");
  }
  return [data = files->data, meta = files->meta, fs = fs_, folder]() -> Status {
    BUCKET_RETURN_IF_ERROR(data->Sync());
    BUCKET_RETURN_IF_ERROR(meta->Sync());
    return folder.empty() ? Status::Ok() : fs->SyncDir(folder);
  };
}

std::vector<messages::ReplicaReport> ChunkStore::Report() const {
  std::vector<messages::ReplicaReport> report;
  report.reserve(chunks_.size());
  for (const auto& [handle, chunk] : chunks_) {
    report.push_back({handle, chunk.version, chunk.length});
  }
  std::sort(report.begin(), report.end(),
            [](const auto& a, const auto& b) { return a.handle < b.handle; });
  return report;
}

DiskSpace ChunkStore::Space() const {
  DiskSpace space;
  for (std::uint32_t disk = 0; disk < dirs_.size(); ++disk) {
    if (failed_[disk]) {
      ++space.failed_disks;
      continue;
    }
    auto usage = fs_->Usage(dirs_[disk]);
    if (!usage.ok()) {
      ++space.failed_disks;
      continue;
    }
    space.capacity_bytes += usage->capacity_bytes;
    space.free_bytes += usage->free_bytes + recycled_[disk].bytes();
  }
  space.used_bytes = used_bytes_;
  if (capacity_limit_ != 0) {
    space.capacity_bytes = std::min(space.capacity_bytes, capacity_limit_);
    const std::uint64_t room = capacity_limit_ > used_bytes_ ? capacity_limit_ - used_bytes_ : 0;
    space.free_bytes = std::min(space.free_bytes, room);
  }
  return space;
}

std::vector<std::uint64_t> ChunkStore::TakeLostChunks() { return std::exchange(lost_, {}); }

}  // namespace bucket::chunkserver
