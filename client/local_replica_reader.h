// LocalReplicaReader: short-circuit reads, as HDFS does them. A client on the
// same host as a replica reads the chunk's two files itself: one copy out of
// the page cache instead of three (the chunkserver's pread, its socket send and
// this client's receive), and no chunkserver thread in the way.
//
// Every block is verified exactly as the chunkserver verifies it
// (actors/chunkserver/verified_read.h). On any doubt (a checksum, a header that
// names another chunk, a replica behind the version asked for, an I/O error)
// Read fails and the caller reads through the chunkserver instead, which
// reports a corrupt replica to the master. So a bad byte is never served here,
// and nothing is judged corrupt on this side.
//
// A chunk's files stay open for its next reads (the most recent `max_open`
// chunks). The chunkserver may meanwhile delete the chunk and write another
// chunk into its recycled data file: those bytes fail this chunk's checksums,
// which are in its own (unlinked) metadata file, and are refused like any other.
//
// Not thread-safe: used on the client's loop.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "actors/storage/file_system.h"
#include "messages/payload.h"
#include "messages/status.h"

namespace bucket::client {

struct LocalPiece {
  Payload bytes;                  // fewer than asked only past the chunk's length
  std::uint64_t chunk_length = 0;
};

class LocalReplicaReader {
 public:
  explicit LocalReplicaReader(storage::FileSystem* fs, std::size_t max_open = 64);

  // Opens chunk `handle`'s files at the paths its chunkserver gave.
  Status Open(std::uint64_t handle, const std::string& data_path, const std::string& meta_path);
  bool IsOpen(std::uint64_t handle) const { return index_.count(handle) != 0; }
  // Bytes [offset, offset + length) of chunk `handle`, whose replica must be at
  // `version` or newer.
  Result<LocalPiece> Read(std::uint64_t handle, std::uint64_t version, std::uint64_t offset,
                          std::uint64_t length);
  void Close(std::uint64_t handle);

 private:
  struct Files {
    std::unique_ptr<storage::File> data;
    std::unique_ptr<storage::File> meta;
  };
  using Entry = std::pair<std::uint64_t, Files>;

  storage::FileSystem* fs_;
  std::size_t max_open_;
  std::list<Entry> open_;  // most recently used first
  std::unordered_map<std::uint64_t, std::list<Entry>::iterator> index_;
};

}  // namespace bucket::client
