#include "actors/chunkserver/verified_read.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "actors/core/crc32c.h"

namespace bucket::chunkserver {

Result<std::vector<BlockEntry>> ReadBlockEntries(storage::File& meta, std::uint64_t first,
                                                 std::uint64_t count) {
  std::string bytes(count * kBlockEntryBytes, '\0');
  auto read = meta.ReadAt(kMetaHeaderBytes + first * kBlockEntryBytes, bytes.data(),
                          bytes.size());
  if (!read.ok()) return read.status();
  if (*read != bytes.size()) return Status::Corruption("block checksums are truncated");
  return DecodeBlockEntries(bytes.data(), count);
}

Result<Payload> ReadVerified(storage::File& data, storage::File& meta, std::uint64_t handle,
                             std::uint64_t chunk_length, std::uint64_t offset,
                             std::uint64_t length) {
  const std::uint64_t end = std::min(offset + length, chunk_length);
  if (offset >= end) return Payload();
  // The span is read into a buffer of its own (pread), not mapped: a mapping
  // per read cost more than the copy it saves (mmap, page-table work and a TLB
  // flush at each munmap: reads were more than twice as fast with pread on this
  // project's VMs), and a buffer can neither change under the reply if the
  // chunk's file is recycled nor fault when its pages cannot be read.
  const std::uint64_t span_start = offset / kBlockBytes * kBlockBytes;
  std::uint8_t* buffer = nullptr;
  Payload span = Payload::Allocate(WholeBlocks(end - span_start), &buffer);
  auto got = ReadVerifiedInto(data, meta, handle, chunk_length, span_start, end - span_start,
                              buffer);
  if (!got.ok()) return got.status();
  return span.Slice(offset - span_start, end - offset);
}

Result<std::uint64_t> ReadVerifiedInto(storage::File& data, storage::File& meta,
                                       std::uint64_t handle, std::uint64_t chunk_length,
                                       std::uint64_t offset, std::uint64_t length,
                                       std::uint8_t* out) {
  if (offset % kBlockBytes != 0) {
    return Status::InvalidArgument("a verified read must start at a block's start, not at " +
                                   std::to_string(offset));
  }
  const std::uint64_t end = std::min(offset + length, chunk_length);
  if (offset >= end) return std::uint64_t{0};
  const std::uint64_t first = offset / kBlockBytes;
  const std::uint64_t last = (end - 1) / kBlockBytes;
  auto entries = ReadBlockEntries(meta, first, last - first + 1);
  if (!entries.ok()) return entries.status();
  // Checked before it sizes the reads below.
  if (entries->back().covered > kBlockBytes) {
    return Status::Corruption("chunk " + std::to_string(handle) + " block " +
                              std::to_string(last) + " has a damaged checksum entry");
  }
  // The last block's entry may cover bytes past the length (a write whose new
  // length never reached the header); they are read to verify it, not returned.
  const std::uint64_t span_end = std::max(std::min((last + 1) * kBlockBytes, chunk_length),
                                          last * kBlockBytes + entries->back().covered);
  // Read and verified a few blocks at a time, so that the checksum pass finds
  // the bytes the read just wrote still in the CPU's cache.
  constexpr std::uint64_t kStepBlocks = 4;
  std::uint64_t read_end = 0;  // bytes of the span read so far
  for (std::uint64_t b = first; b <= last; ++b) {
    const BlockEntry& entry = (*entries)[b - first];
    const std::uint64_t at = (b - first) * kBlockBytes;
    const std::uint64_t in_span = std::min(kBlockBytes, span_end - b * kBlockBytes);
    if (at >= read_end) {
      const std::uint64_t step = std::min(kStepBlocks * kBlockBytes, span_end - offset - at);
      auto read = data.ReadAt(offset + at, out + at, step);
      if (!read.ok()) return read.status();
      // A file shorter than its checksums say fails them below, as zeros.
      std::memset(out + at + *read, 0, step - *read);
      read_end = at + step;
    }
    if (entry.covered > in_span || Crc32c(out + at, entry.covered) != entry.crc) {
      return Status::Corruption("chunk " + std::to_string(handle) + " block " +
                                std::to_string(b) + " fails its checksum");
    }
    std::memset(out + at + entry.covered, 0, in_span - entry.covered);  // unwritten: zeros
  }
  return end - offset;
}

}  // namespace bucket::chunkserver
