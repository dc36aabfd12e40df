// Reading a chunk's bytes back as its block checksums vouch for them.
//
// Shared by the chunkserver (ChunkStore::Read) and by a client that reads a
// replica on its own host straight from the chunk's files (a short-circuit
// read, client/local_replica_reader.h), so both refuse the same bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "actors/chunkserver/chunk_meta.h"
#include "actors/storage/file_system.h"
#include "messages/payload.h"
#include "messages/status.h"

namespace bucket::chunkserver {

// The entries of blocks [first, first + count) from a chunk's metadata file.
Result<std::vector<BlockEntry>> ReadBlockEntries(storage::File& meta, std::uint64_t first,
                                                 std::uint64_t count);

// Bytes [offset, offset + length) of chunk `handle`, cut at `chunk_length`.
// Every block touched is read whole and verified against its entry; bytes past
// a block's covered ones read as zeros. kCorruption when a block fails its
// checksum (nothing is returned then); an I/O error as the file gave it.
Result<Payload> ReadVerified(storage::File& data, storage::File& meta, std::uint64_t handle,
                             std::uint64_t chunk_length, std::uint64_t offset,
                             std::uint64_t length);

// The same into the caller's `out`, which must hold `length` rounded up to
// whole blocks (the last block is read whole to verify it); `offset` must be a
// multiple of kBlockBytes. Returns how many bytes of `out` are the chunk's:
// fewer than `length` only past `chunk_length`. For a reader that reuses one
// buffer, still in the CPU's cache, for every read.
Result<std::uint64_t> ReadVerifiedInto(storage::File& data, storage::File& meta,
                                       std::uint64_t handle, std::uint64_t chunk_length,
                                       std::uint64_t offset, std::uint64_t length,
                                       std::uint8_t* out);

// `bytes` rounded up to whole blocks: what ReadVerifiedInto's `out` must hold.
inline std::uint64_t WholeBlocks(std::uint64_t bytes) {
  return (bytes + kBlockBytes - 1) / kBlockBytes * kBlockBytes;
}

}  // namespace bucket::chunkserver
