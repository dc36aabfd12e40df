// The metadata file kept beside each chunk's data file.
//
//   offset  0  magic "BKTCHUNK"
//           8  format version (u32 LE), 12 reserved
//          16  handle, 24 version, 32 length, 40 chunk_size   (u64 LE each)
//          48  crc32c of bytes 0..47 (u32 LE), 52 reserved
//          56  per 64 KiB block: crc32c (u32 LE) and covered (u32 LE)
//
// A block's entry says how many of its bytes hold data ("covered") and their
// checksum; the rest of the block reads as zeros up to the chunk's length. An
// entry is written after the bytes it covers and before the header's length, so
// a crash between any two writes leaves every entry true of the bytes on disk:
// an interrupted write is simply not there, and nothing already there is lost.
// All-zero entries (never written) are valid: crc32c of no bytes is 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/status.h"

namespace bucket::chunkserver {

inline constexpr std::uint64_t kBlockBytes = 64 << 10;
inline constexpr std::uint32_t kChunkFormatVersion = 1;
inline constexpr std::size_t kMetaHeaderBytes = 56;
inline constexpr char kChunkMagic[] = "BKTCHUNK";

struct ChunkHeader {
  std::uint64_t handle = 0;
  std::uint64_t version = 0;
  std::uint64_t length = 0;
  std::uint64_t chunk_size = 0;
};

std::string EncodeChunkHeader(const ChunkHeader& header);
// kCorruption for a damaged header; kUnsupported for a newer format.
Result<ChunkHeader> DecodeChunkHeader(const std::string& bytes);

inline constexpr std::size_t kBlockEntryBytes = 8;

struct BlockEntry {
  std::uint32_t crc = 0;
  std::uint32_t covered = 0;  // bytes of the block that hold data, from its start
};

inline std::uint64_t BlockCount(std::uint64_t chunk_size) {
  return (chunk_size + kBlockBytes - 1) / kBlockBytes;
}

// The checksum of `length` bytes at `at` in a write's data, already known (a
// pushed piece's blocks are summed as it arrives), so the write need not read
// those bytes again to checksum a block they fill.
struct SegmentCrc {
  std::uint64_t at = 0;
  std::uint64_t length = 0;
  std::uint32_t crc = 0;
};

std::string EncodeBlockEntries(const std::vector<BlockEntry>& entries);
std::vector<BlockEntry> DecodeBlockEntries(const char* bytes, std::size_t count);

}  // namespace bucket::chunkserver
