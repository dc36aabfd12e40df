// RecycledFiles: the data files of deleted chunks, kept on one disk to be
// written over by new chunks.
//
// Why: a new chunk written into a file whose space is already allocated costs
// the file system no allocation. On ext4 or XFS that is no extent changes to
// journal at each fdatasync (RocksDB recycles its logs for the same reason);
// on tmpfs, and on a virtual machine that hands freed memory back to its
// host, it is no fresh zeroed pages. The files are bounded in bytes, count as
// free space, and are given back to the file system when the disk runs short.
//
// A recycled file's old bytes are never served: a chunk's reads and its
// scrubbing stop at its own block checksums' covered bytes (chunk_meta.h),
// and a new chunk starts with none. They stay on the disk until overwritten,
// as the blocks of any deleted file do.
//
// Names are `<folder>/<n>`, n counting up. A crash may leave files there,
// which the next Open takes back (or removes, past the bound).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "actors/storage/file_system.h"
#include "messages/status.h"

namespace bucket::chunkserver {

class RecycledFiles {
 public:
  RecycledFiles(storage::FileSystem* fs, std::string folder, std::uint64_t bytes_max)
      : fs_(fs), folder_(std::move(folder)), bytes_max_(bytes_max) {}

  // Creates the folder, or takes back the files already in it. Only a folder
  // that cannot be made or listed is an error: anything else in it is removed.
  Status Open();
  // Moves the file at `path` into the folder, or removes it when its size
  // would pass the bound (or it cannot be moved).
  Status Keep(const std::string& path);
  // Moves the oldest file to `path`. False when there is none; an error when
  // it could not be moved (it is dropped).
  Result<bool> TakeAs(const std::string& path);
  // Removes every file (the disk needs the space).
  Status Release();

  std::uint64_t bytes() const { return bytes_; }
  std::size_t count() const { return files_.size(); }

 private:
  struct Recycled {
    std::uint64_t number = 0;
    std::uint64_t bytes = 0;
  };
  std::string PathOf(std::uint64_t number) const;
  Result<std::uint64_t> SizeOf(const std::string& path) const;
  Recycled PopOldest();  // REQUIRES: a file is kept

  storage::FileSystem* fs_;
  std::string folder_;
  std::uint64_t bytes_max_;
  std::deque<Recycled> files_;  // oldest first
  std::uint64_t bytes_ = 0;
  std::uint64_t next_number_ = 0;
};

}  // namespace bucket::chunkserver
