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

}  // namespace bucket::chunkserver
