// ChunkStore: a chunkserver's chunks on its local disks.
//
// Each data folder is usually its own disk. A chunk is two files in one of
// them, `chunks/<handle>.chunk` (the bytes, grown lazily) and `.meta` (version,
// length and a CRC32C per 64 KiB block; see chunk_meta.h). Every read verifies
// the checksum of each block it touches and never returns bytes that failed; a
// partial overwrite of a block verifies the old block first, so corrupt bytes
// never get a fresh valid checksum (GFS section 5.2).
//
// Deleted chunks' data files are recycled (recycled_files.h): up to a bound
// per disk they are kept in `recycle/` and new chunks are written over them.
//
// Disk errors: a full disk is kNoSpace and writes nothing that is acknowledged;
// EIO on a folder marks that disk failed: its chunks leave the store (they are
// reported lost, for re-replication) while the other disks keep serving.
// At Open the store is rebuilt from disk; files without valid metadata are moved
// to `quarantine/` and reported, never served.
//
// Calls are synchronous (page cache); making a chunk durable is SyncWorkFor,
// run off the loop. Not thread-safe except for that work.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <set>
#include <unordered_map>
#include <vector>

#include "actors/chunkserver/chunk_meta.h"
#include "actors/chunkserver/recycled_files.h"
#include "actors/core/context.h"
#include "actors/storage/file_system.h"
#include "messages/master_chunkserver.h"
#include "messages/payload.h"

namespace bucket::chunkserver {

struct StoredChunk {
  std::uint64_t version = 0;
  std::uint64_t length = 0;
  std::uint64_t chunk_size = 0;
  std::uint32_t disk = 0;
};

struct OpenReport {
  std::size_t chunks = 0;
  std::vector<std::string> quarantined;   // "path: why"
  std::vector<std::string> failed_disks;  // "dir: why"
};

struct DiskSpace {
  std::uint64_t capacity_bytes = 0;
  std::uint64_t free_bytes = 0;
  std::uint64_t used_bytes = 0;  // by chunks
  std::uint32_t failed_disks = 0;
};

class ChunkStore {
 public:
  // Keeps up to `recycle_bytes` of deleted chunks' files per disk (0: none).
  static Result<std::unique_ptr<ChunkStore>> Open(storage::FileSystem* fs,
                                                  const std::vector<std::string>& dirs,
                                                  OpenReport* report,
                                                  std::uint64_t recycle_bytes = 0);

  // A new, empty chunk at `version` on the disk with the most free space.
  Status Create(std::uint64_t handle, std::uint64_t version, std::uint64_t chunk_size);
  Status SetVersion(std::uint64_t handle, std::uint64_t version);
  const StoredChunk* Find(std::uint64_t handle) const;
  // Where chunk `handle`'s data and metadata files are, for a client on this
  // host that reads them itself (a short-circuit read).
  struct ChunkPaths {
    std::string data;
    std::string meta;
  };
  Result<ChunkPaths> PathsOf(std::uint64_t handle) const;

  // Up to `length` bytes at `offset`, fewer only past the chunk's length. Every
  // block touched is verified: a mismatch is kCorruption. The bytes are the
  // Payload's own.
  Result<Payload> Read(std::uint64_t handle, std::uint64_t offset, std::uint64_t length);
  // Writes the concatenation of `pieces` at `offset`, extending the length.
  // `known` may give checksums of parts of it (offsets from its start, in
  // order): a block one of them fills exactly is not summed again.
  Status Write(std::uint64_t handle, std::uint64_t offset, const std::vector<Payload>& pieces,
               const std::vector<SegmentCrc>& known = {});
  // Extends the chunk with zeros to `length` (record-append padding).
  Status PadTo(std::uint64_t handle, std::uint64_t length);
  // Removes the chunk. Its data file is recycled unless `recycle` is false (a
  // corrupt replica: its disk area may be bad) or bytes of it are still lent
  // out as views by Read (a reply not yet sent must not carry another chunk's
  // bytes written over them).
  Status Delete(std::uint64_t handle, bool recycle = true);
  // Verifies every block of the chunk (the scrubber).
  Status Verify(std::uint64_t handle);

  // Work that makes the chunk's data and metadata durable; safe on another thread.
  actors::SyncWork SyncWorkFor(std::uint64_t handle);

  // Caps the bytes chunks may take (0: the disks' size); writes past it are kNoSpace.
  void SetCapacityLimit(std::uint64_t bytes) { capacity_limit_ = bytes; }

  std::vector<messages::ReplicaReport> Report() const;
  std::size_t size() const { return chunks_.size(); }
  DiskSpace Space() const;
  // Chunks lost with disks that failed since the last call.
  std::vector<std::uint64_t> TakeLostChunks();
  const std::vector<std::string>& dirs() const { return dirs_; }

 private:
  struct Files {
    std::shared_ptr<storage::File> data;
    std::shared_ptr<storage::File> meta;
  };

  ChunkStore(storage::FileSystem* fs, std::vector<std::string> dirs, std::uint64_t recycle_bytes);
  Status Scan(std::uint32_t disk, OpenReport* report);
  void Quarantine(std::uint32_t disk, const std::string& name, const std::string& why,
                  OpenReport* report);
  std::string PathOf(std::uint32_t disk, std::uint64_t handle, const char* suffix) const;
  Result<Files> FilesOf(std::uint64_t handle);
  Status WriteHeader(std::uint64_t handle, const StoredChunk& chunk, Files& files);
  // Turns an I/O error on `disk` into a failed disk; passes other errors through.
  Status Checked(std::uint32_t disk, Status status);
  void FailDisk(std::uint32_t disk, const std::string& why);
  Result<std::uint32_t> ChooseDisk(std::uint64_t needed_bytes);
  // The disk's free bytes, counting its recycled files as free.
  Result<std::uint64_t> FreeBytes(std::uint32_t disk);
  // OK when `disk` has `needed_bytes` free, giving back its recycled files if
  // that is what it takes; else kNoSpace.
  Status EnsureFree(std::uint32_t disk, std::uint64_t needed_bytes);

  storage::FileSystem* fs_;
  std::vector<std::string> dirs_;
  std::vector<bool> failed_;
  std::vector<RecycledFiles> recycled_;  // one per disk
  std::unordered_map<std::uint64_t, StoredChunk> chunks_;
  std::set<std::uint64_t> undurable_names_;  // created since their folder was last synced
  std::vector<std::uint64_t> lost_;
  std::uint64_t capacity_limit_ = 0;
  std::uint64_t used_bytes_ = 0;  // the sum of the chunks' lengths
  // Open files of recently used chunks (most recent first).
  std::list<std::pair<std::uint64_t, Files>> open_;
  std::unordered_map<std::uint64_t, std::list<std::pair<std::uint64_t, Files>>::iterator>
      open_index_;
};

}  // namespace bucket::chunkserver
