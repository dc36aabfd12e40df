#include "actors/chunkserver/chunk_meta.h"

#include <cstring>

#include "actors/core/crc32c.h"

namespace bucket::chunkserver {
namespace {

void Put(std::string& out, std::size_t at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::uint64_t Get(const std::string& in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  }
  return value;
}

}  // namespace

std::string EncodeChunkHeader(const ChunkHeader& header) {
  std::string out(kMetaHeaderBytes, '\0');
  std::memcpy(out.data(), kChunkMagic, 8);
  Put(out, 8, kChunkFormatVersion, 4);
  Put(out, 16, header.handle, 8);
  Put(out, 24, header.version, 8);
  Put(out, 32, header.length, 8);
  Put(out, 40, header.chunk_size, 8);
  Put(out, 48, Crc32c(out.data(), 48), 4);
  return out;
}

Result<ChunkHeader> DecodeChunkHeader(const std::string& bytes) {
  if (bytes.size() < kMetaHeaderBytes) return Status::Corruption("chunk metadata is truncated");
  if (bytes.compare(0, 8, kChunkMagic, 8) != 0) return Status::Corruption("not chunk metadata");
  const auto format = static_cast<std::uint32_t>(Get(bytes, 8, 4));
  if (format > kChunkFormatVersion) {
    return Status::Unsupported("chunk metadata format " + std::to_string(format) +
                               " is newer than this chunkserver's " +
                               std::to_string(kChunkFormatVersion) + "; upgrade Bucket");
  }
  if (Get(bytes, 48, 4) != Crc32c(bytes.data(), 48)) {
    return Status::Corruption("chunk metadata header fails its checksum");
  }
  ChunkHeader header;
  header.handle = Get(bytes, 16, 8);
  header.version = Get(bytes, 24, 8);
  header.length = Get(bytes, 32, 8);
  header.chunk_size = Get(bytes, 40, 8);
  if (header.chunk_size == 0 || header.chunk_size > (1ull << 30) ||
      header.length > header.chunk_size) {
    return Status::Corruption("chunk metadata has an impossible length or size");
  }
  return header;
}

std::string EncodeBlockEntries(const std::vector<BlockEntry>& entries) {
  std::string out(entries.size() * kBlockEntryBytes, '\0');
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Put(out, i * kBlockEntryBytes, entries[i].crc, 4);
    Put(out, i * kBlockEntryBytes + 4, entries[i].covered, 4);
  }
  return out;
}

std::vector<BlockEntry> DecodeBlockEntries(const char* bytes, std::size_t count) {
  std::vector<BlockEntry> entries(count);
  const std::string view(bytes, count * kBlockEntryBytes);
  for (std::size_t i = 0; i < count; ++i) {
    entries[i].crc = static_cast<std::uint32_t>(Get(view, i * kBlockEntryBytes, 4));
    entries[i].covered = static_cast<std::uint32_t>(Get(view, i * kBlockEntryBytes + 4, 4));
  }
  return entries;
}

}  // namespace bucket::chunkserver
