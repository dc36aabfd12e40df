// FileClient: the client's side of the data path, as pure logic on the
// client's actor loop (RpcActor does the requests).
//
// Writes (GFS section 3.1): split at chunk boundaries and into mutations of at
// most `mutation_bytes`; each asks the master for the chunk's primary (cached
// until the lease ends), reserves buffer space down the chain of replicas,
// pushes its bytes once in CRC32C-checked pieces along that chain, then sends
// the write to the primary. A failure retries on a fresh lease (naming the
// replicas that failed) with a fresh push. Several mutations are in flight at
// once. Record appends go the same way to the file's last chunk, moving on to
// the next chunk when the primary padded the current one.
// Reads ask the master for chunk locations (several chunks at once, cached for
// `location_cache_ms`), read from the nearest current replica and fail over to
// the others; a short replica in the middle of a file is never taken for its
// end (the master's size says where the file ends; holes read as zeros).
// A replica on this host is read straight from its files when `local_files`
// is given (short-circuit reads: local_replica_reader.h).
//
// Not thread-safe: runs on the client's loop.
#pragma once

#include <cstdint>
#include <functional>
#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "actors/storage/file_system.h"
#include "client/local_replica_reader.h"
#include "client/rpc_actor.h"
#include "client/write_window.h"
#include "config/client_config.h"
#include "messages/message.h"

namespace bucket::client {

using StatusCallback = std::function<void(const Status&, actors::Context&)>;
using ReadCallback = std::function<void(Result<std::vector<Payload>>, actors::Context&)>;
using AppendCallback = std::function<void(Result<std::uint64_t>, actors::Context&)>;

// Where a replica on this host keeps a chunk's files, for a caller that reads
// them itself (LocalReplicaReader).
struct LocalReplicaFiles {
  std::string node_id;  // the chunkserver that holds them
  std::uint64_t handle = 0;
  std::uint64_t version = 0;  // the master's: the files must be at least this new
  std::string data_path;
  std::string meta_path;
};
using LocalFilesCallback = std::function<void(Result<LocalReplicaFiles>, actors::Context&)>;

struct FileClientOptions {
  std::uint64_t piece_bytes = 1 << 20;       // one pushed frame
  // 4 MiB x 8 mutations in flight: 32 MiB per writer on its way. With 64 MiB,
  // four writers held 256 MiB in every chunkserver at once and together wrote
  // less than one alone (bucket-bench write --clients 4).
  std::uint64_t mutation_bytes = 4ull << 20;  // one push and one write
  // Reads: many small requests in flight rather than a few large ones. With
  // 1 MiB x 8 a reader keeps both the chunkservers and its socket busy with
  // 8 MiB in flight; 4 MiB x 4 held twice that, and four readers at once were
  // slower together than one alone (bucket-bench read --clients 4).
  std::uint64_t read_bytes = 1ull << 20;     // one read request
  // Mutations in flight, for this client's writers together unless
  // `write_window` shares one window among several clients of a process.
  int mutations_in_flight = 8;
  int mutations_in_flight_min = 2;           // per writer, however many write
  std::shared_ptr<WriteWindow> write_window;
  int reads_in_flight = 8;
  int attempts = 5;                          // per mutation or read piece
  std::int64_t location_cache_ms = 60000;
  std::string this_host;                     // replicas on it are read first
  // Where replicas on this host are read from directly (short-circuit reads);
  // null: every read goes through a chunkserver.
  storage::FileSystem* local_files = nullptr;
};

class FileClient {
 public:
  FileClient(RpcActor* rpc, const config::ClientConfig& config, std::string client_id,
             FileClientOptions options);
  ~FileClient();

  // Writes `data` at `offset` of `path`; done(OK) once every byte is
  // acknowledged by every replica.
  void Write(actors::Context& ctx, const std::string& path, std::uint64_t offset, Payload data,
             StatusCallback done);
  // Reads up to `length` bytes at `offset` (fewer only past the end of the
  // file), as the frames they arrived in, in order. The file's size is asked of
  // the master first, unless the caller knows the file is at least
  // `known_size` long and the read ends there: then cached locations do (a
  // streamed read asks once, not at every window).
  void Read(actors::Context& ctx, const std::string& path, std::uint64_t offset,
            std::uint64_t length, ReadCallback done, std::uint64_t known_size = 0);
  // Appends one record (at most a quarter of the chunk size) atomically at
  // least once; done gets the file offset where it stands on every replica.
  void Append(actors::Context& ctx, const std::string& path, Payload record,
              AppendCallback done);
  // The files of a replica on this host of chunk `index` of `path`: the
  // chunkservers here are asked, nearest first. NotFound when none gives them
  // (short-circuit reads are off, no current replica is here, every one here
  // refused, or the chunk is a hole).
  void FindLocalReplica(actors::Context& ctx, const std::string& path, std::uint64_t index,
                        LocalFilesCallback done);
  // Whether a replica of `chunk` may be on this host (any thread may ask).
  bool HasNearReplica(const messages::ChunkLocation& chunk) const;
  // Forgets what is cached about `path` (after a remove or rename).
  void Forget(const std::string& path);
  // Bytes read by short-circuit reads so far (any thread may ask).
  std::uint64_t local_read_bytes() const { return local_read_bytes_.load(); }

 private:
  struct Lease;
  struct FileInfoCache;
  struct WriteOp;
  struct ReadOp;
  struct AppendOp;
  using LeaseCallback = std::function<void(Result<messages::LeaseResponse>, actors::Context&)>;
  using InfoCallback = std::function<void(Result<messages::LocateResponse>, actors::Context&)>;

  void CallMaster(actors::Context& ctx, messages::Message request, ReplyCallback done);
  // This client's write or append to chunk `index` of `path`, ending at file
  // offset `end`, was acknowledged.
  void NoteWritten(const std::string& path, std::uint64_t index, std::uint64_t end);
  // The primary of chunk `index`, allocating chunks up to it if the file is shorter.
  // With `allocate`, a chunk past the file's end makes the ones before it first.
  void GetLease(actors::Context& ctx, const std::string& path, std::uint64_t index,
                std::vector<std::string> failed, LeaseCallback done, bool allocate = true);
  void AllocateUpTo(actors::Context& ctx, const std::string& path, std::uint64_t index,
                    LeaseCallback done);
  // Locations of chunks from `index` on (cached).
  void Locate(actors::Context& ctx, const std::string& path, std::uint64_t index, bool refresh,
              InfoCallback done);
  // Pushes `data` along the chain of `lease`; done once every piece is sent.
  // Data of one piece goes unreserved unless this is a retry (`retrying`).
  void Push(actors::Context& ctx, const messages::LeaseResponse& lease, const Payload& data,
            bool retrying, std::function<void(Result<std::string>, actors::Context&)> done);

  void RunWrite(std::shared_ptr<WriteOp> op, actors::Context& ctx);
  void WriteMutation(std::shared_ptr<WriteOp> op, std::uint64_t offset, Payload data,
                     int attempt, std::vector<std::string> failed, actors::Context& ctx);
  void RunRead(std::shared_ptr<ReadOp> op, actors::Context& ctx);
  void ReadPiece(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                 std::uint64_t length, int attempt, actors::Context& ctx);
  void ReadFromReplica(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                       std::uint64_t length, messages::ChunkLocation chunk, std::size_t replica,
                       int attempt, actors::Context& ctx);
  // Short-circuit reads: whether `target` is on this host and may be read from
  // its files; asking its chunkserver where they are; reading them (false:
  // read through the chunkserver instead).
  bool ReadsLocally(const messages::ReplicaLocation& target, actors::Millis now) const;
  // Short-circuit reads from `node` stop for a while (it refused, or its
  // files could not be opened).
  void RefuseLocalReads(const std::string& node, actors::Context& ctx);
  // Closes the files of replicas not read for kLocalFilesIdle, now and then
  // while any are open: a chunk deleted meanwhile frees its disk space only
  // once no one holds its files.
  void CloseIdleLocalFiles(actors::Context& ctx);
  // Asks `target` where its replica of chunk `handle` keeps its files. A
  // refusal (an older chunkserver, a key without the right, an answer of
  // another kind) stops short-circuit reads from it for a while, and so does
  // silence (kTimeout); a replica it does not have or found corrupt gives
  // that code.
  void AskLocalFiles(actors::Context& ctx, const messages::ReplicaLocation& target,
                     std::uint64_t handle,
                     std::function<void(Result<messages::LocalReadResponse>, actors::Context&)>
                         done);
  // FindLocalReplica from `chunk.replicas[next]` on.
  void FindLocalReplicaFrom(actors::Context& ctx, messages::ChunkLocation chunk,
                            std::size_t next, LocalFilesCallback done);
  void OpenLocalReplica(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                        std::uint64_t length, messages::ChunkLocation chunk, std::size_t replica,
                        int attempt, actors::Context& ctx);
  bool ReadOpenReplica(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                       std::uint64_t length, const messages::ChunkLocation& chunk,
                       std::size_t replica, int attempt, actors::Context& ctx);
  void ReadOverNetwork(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                       std::uint64_t length, messages::ChunkLocation chunk, std::size_t replica,
                       int attempt, actors::Context& ctx);
  // Takes a replica's `bytes` for a piece (`chunk_length`: where its data ends).
  void AcceptPiece(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                   std::uint64_t length, messages::ChunkLocation chunk, std::size_t replica,
                   int attempt, Payload bytes, std::uint64_t chunk_length, actors::Context& ctx);
  void RunAppend(std::shared_ptr<AppendOp> op, actors::Context& ctx);
  // The replicas to try, nearest first, rotating among equals read by read.
  std::vector<messages::ReplicaLocation> ReadOrder(const messages::ChunkLocation& chunk);
  bool IsNear(const messages::ReplicaLocation& replica) const;

  RpcActor* rpc_;
  config::ClientConfig config_;
  std::string client_id_;
  FileClientOptions options_;
  std::uint64_t next_data_id_ = 1;
  std::map<std::pair<std::string, std::uint64_t>, std::unique_ptr<Lease>> leases_;
  std::map<std::string, std::unique_ptr<FileInfoCache>> files_;
  std::uint64_t rotation_ = 0;
  static constexpr actors::Millis kLocalFilesIdle{10000};
  static constexpr actors::Millis kLocalReadsRetryAfter{60000};
  std::unique_ptr<LocalReplicaReader> local_;  // null: short-circuit reads off
  // Replicas (chunkserver, chunk) whose files are being asked for.
  std::set<std::pair<std::string, std::uint64_t>> local_opening_;
  // Chunkservers read through until then (their files could not be read).
  std::map<std::string, actors::Millis> no_local_reads_;
  bool local_sweep_due_ = false;
  std::atomic<std::uint64_t> local_read_bytes_ = 0;
};

}  // namespace bucket::client
