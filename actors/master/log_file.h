// Checksummed record files: the operation log's segments and the checkpoints.
//
//   file   = magic (8 bytes) format_version (u32 LE) reserved (u32) frame*
//   frame  = length (u32 LE) crc32c (u32 LE, of the length bytes and the payload) payload
//
// A frame that is cut short or fails its checksum at the very end of a file is
// a torn tail (a write that was never acknowledged); one followed by valid
// frames is corruption in the middle, which is an error naming the file and
// offset unless the caller asks to skip it. Frames hold at most kFrameBytesMax,
// so the next valid frame after a bad one is always within that distance.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/storage/file_system.h"

namespace bucket::master {

inline constexpr char kOplogMagic[] = "BKTOPLOG";
inline constexpr char kCheckpointMagic[] = "BKTCKPT1";
inline constexpr std::uint32_t kLogFormatVersion = 1;
inline constexpr std::size_t kFileHeaderBytes = 16;
inline constexpr std::size_t kFrameHeaderBytes = 8;
inline constexpr std::size_t kFrameBytesMax = 1 << 20;

// Appends frames to a record file. Writes go to the page cache; Sync is the
// caller's (off the loop).
class FramedWriter {
 public:
  // Creates (truncating) `path` and writes its header.
  static Result<std::unique_ptr<FramedWriter>> Create(storage::FileSystem& fs,
                                                      const std::string& path,
                                                      std::string_view magic);
  Status Append(std::string_view payload);
  std::uint64_t size() const { return size_; }
  const std::shared_ptr<storage::File>& file() const { return file_; }
  const std::string& path() const { return path_; }

 private:
  FramedWriter(std::shared_ptr<storage::File> file, std::string path, std::uint64_t size)
      : file_(std::move(file)), path_(std::move(path)), size_(size) {}
  std::shared_ptr<storage::File> file_;
  std::string path_;
  std::uint64_t size_;
};

struct FramedContents {
  std::vector<std::string> payloads;
  std::uint64_t good_end = 0;  // where the last good frame ends
  bool torn_tail = false;      // bytes after good_end are a cut-short final write
  std::vector<std::string> skipped;  // corrupt frames passed over (skip_corrupt only)
};

// Reads every frame of `path`. A torn tail is reported, not an error; corruption
// in the middle is an error unless `skip_corrupt`; with `is_last_file` false, a
// bad tail is corruption too (later files exist, so it cannot be a torn write).
Result<FramedContents> ReadFramedFile(storage::FileSystem& fs, const std::string& path,
                                      std::string_view magic, bool is_last_file,
                                      bool skip_corrupt);

}  // namespace bucket::master
