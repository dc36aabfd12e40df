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
// A replica's files stay open for its next reads: the most recent `max_open`
// replicas, each until it has not been read for a while (CloseUnusedSince), so
// that a deleted chunk's disk space is not held for long. The chunkserver may
// meanwhile delete the chunk and write another chunk into its recycled data
// file: those bytes fail this chunk's checksums, which are in its own
// (unlinked) metadata file, and are refused like any other.
//
// Files are kept per chunkserver and chunk: when several chunkservers share
// the host, each replica is read from its own files, so a short or rotten
// replica is never mistaken for the next one.
//
// Not thread-safe: each instance is used by one thread (the client's loop,
// or a caller streaming a file out of its local replicas).
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "actors/core/context.h"
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

  // Opens the files of chunkserver `node`'s replica of chunk `handle`, at the
  // paths it gave.
  Status Open(const std::string& node, std::uint64_t handle, const std::string& data_path,
              const std::string& meta_path, actors::Millis now);
  bool IsOpen(const std::string& node, std::uint64_t handle) const {
    return index_.count(Key{node, handle}) != 0;
  }
  // Bytes [offset, offset + length) of that replica, which must be at
  // `version` or newer.
  Result<LocalPiece> Read(const std::string& node, std::uint64_t handle, std::uint64_t version,
                          std::uint64_t offset, std::uint64_t length, actors::Millis now);
  // The same into the caller's buffer (what chunkserver::ReadVerifiedInto
  // asks of `offset` and `out`); returns how many bytes of `out` are the
  // chunk's, fewer than asked only past its length.
  Result<std::uint64_t> ReadInto(const std::string& node, std::uint64_t handle,
                                 std::uint64_t version, std::uint64_t offset,
                                 std::uint64_t length, actors::Millis now, std::uint8_t* out);
  void Close(const std::string& node, std::uint64_t handle);
  // Closes the replicas last read before `cutoff`; returns how many stay open.
  std::size_t CloseUnusedSince(actors::Millis cutoff);

 private:
  using Key = std::pair<std::string, std::uint64_t>;  // chunkserver, chunk
  struct Files {
    std::unique_ptr<storage::File> data;
    std::unique_ptr<storage::File> meta;
    actors::Millis last_read{0};
  };
  using Entry = std::pair<Key, Files>;

  // The open files of that replica, marked read at `now`, with the chunk's
  // length from its header, once the header is checked for this chunk at
  // `version` or newer.
  Result<std::pair<Files*, std::uint64_t>> CheckedFiles(const std::string& node,
                                                        std::uint64_t handle,
                                                        std::uint64_t version,
                                                        actors::Millis now);

  storage::FileSystem* fs_;
  std::size_t max_open_;
  std::list<Entry> open_;  // most recently read first
  std::map<Key, std::list<Entry>::iterator> index_;
};

}  // namespace bucket::client
