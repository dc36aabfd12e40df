// BucketClient: the blocking, thread-safe face of the client library.
//
// It runs an RpcActor on a ZeroMQ runtime in a background thread and turns each
// call into a request with a deadline, waiting for its result. Errors come back
// as a Status (never as exceptions). Safe to use from several threads at once.
#pragma once

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "actors/storage/file_system.h"
#include "client/record_format.h"
#include "config/client_config.h"
#include "messages/message.h"
#include "messages/status.h"

namespace bucket::runtime {
class ZmqRuntime;
}
namespace bucket::actors {
class Context;
}

namespace bucket::client {

class RpcActor;
class FileClient;
class LocalReplicaReader;
struct LocalReplicaFiles;

using FileInfo = messages::FileInfo;

struct FileStat {
  FileInfo info;
  std::vector<messages::ChunkLocation> chunks;  // with versions and current replicas
};

struct CreateOptions {
  std::uint32_t replication = 0;  // 0: the cluster's default
  std::uint64_t chunk_size = 0;   // 0: the cluster's default
  bool overwrite = false;         // replace an existing file (it goes to the trash)
  bool parents = false;           // create missing parent directories
};

struct TransferOptions {
  CreateOptions create;  // for put: how to create the remote file
  // Called now and then with the bytes moved so far and the total (0: unknown).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
};

struct RemoveOptions {
  bool recursive = false;  // a directory and everything under it
  bool purge = false;      // skip the trash
};

class BucketClient {
 public:
  // Starts the client's loop; nothing is sent until the first call.
  static Result<std::unique_ptr<BucketClient>> Connect(const config::ClientConfig& config);
  // The same with every default but the master's rpc endpoint.
  static Result<std::unique_ptr<BucketClient>> ConnectTo(const std::string& master_rpc);
  ~BucketClient();
  BucketClient(const BucketClient&) = delete;
  BucketClient& operator=(const BucketClient&) = delete;

  // The master's view of the cluster: membership, load, health.
  Result<messages::ClusterState> ClusterStatus();
  // A round trip to the master.
  Status Ping();

  // The namespace. Paths are absolute. Mutations are safe to retry: the library
  // resends with the same request id and the master answers a repeat as the first.
  Status Mkdir(const std::string& path, bool parents = false);
  Status Create(const std::string& path, const CreateOptions& options = {});
  // Moves to the trash (undelete restores it within the grace period).
  Status Remove(const std::string& path, const RemoveOptions& options = {});
  Status Undelete(const std::string& path);
  Status Rename(const std::string& from, const std::string& to, bool replace = false);
  // An instant copy of a file or directory tree that shares its chunks until
  // either side is written (copy-on-write, GFS 3.4).
  Status Snapshot(const std::string& from, const std::string& to, bool parents = false);
  // Every entry of a directory, sorted by name (a file lists itself).
  Result<std::vector<FileInfo>> List(const std::string& path);
  Result<FileStat> Stat(const std::string& path);
  // Pipelined namespace calls: each starts its request and returns at once, so
  // one client can keep many in flight (what a busy service or a bulk import
  // needs; the master commits them in groups). `done` runs exactly once, on
  // the client's own thread (or at once, on the caller's, for a request
  // refused before it is sent); it may start more Async calls, and must not
  // block: a blocking call made from it fails with kInternal.
  void CreateAsync(const std::string& path, const CreateOptions& options,
                   std::function<void(Status)> done);
  void MkdirAsync(const std::string& path, bool parents, std::function<void(Status)> done);
  void RemoveAsync(const std::string& path, const RemoveOptions& options,
                   std::function<void(Status)> done);
  void RenameAsync(const std::string& from, const std::string& to, bool replace,
                   std::function<void(Status)> done);
  void StatAsync(const std::string& path, std::function<void(Result<FileStat>)> done);

  // Safe mode: get (no argument), or enter/leave as an administrator.
  Result<messages::SafeModeResponse> SafeMode(
      messages::SafeModeAction action = messages::SafeModeAction::kGet);

  // Chunks under `path` that need attention (under-replicated, corrupt, stale-only, lost).
  Result<messages::FsckResponse> Fsck(const std::string& path);
  // Drain, maintenance, or back to normal, for one chunkserver.
  Status SetNodeState(const std::string& node_id, messages::NodeAdminAction action);

  // Writes a metadata backup (a checkpoint) into `directory` on the master's
  // host; returns the file's path there.
  Result<std::string> Backup(const std::string& directory);

  // Data. Write returns once every byte is on every replica (see the README
  // for what that means on disk). Read returns fewer bytes only past the end.
  Status Write(const std::string& path, std::uint64_t offset, std::string data);
  // The same for bytes the caller shares (Payload::Wrap): nothing is copied.
  // They must stay unchanged while any copy of the Payload lives.
  Status Write(const std::string& path, std::uint64_t offset, Payload data);
  Result<std::string> Read(const std::string& path, std::uint64_t offset, std::uint64_t length);
  // Record append of raw bytes (at most a quarter chunk): atomic, at least
  // once; returns the file offset where they stand on every replica.
  Result<std::uint64_t> Append(const std::string& path, std::string data);
  // Record append of a framed record (unique id, checksums): what ReadRecords
  // reads back, each record once, skipping padding and fragments.
  Result<std::uint64_t> AppendRecord(const std::string& path, std::string_view payload);
  Result<std::vector<Record>> ReadRecords(const std::string& path);
  // Streams a local file or pipe (fd) into a new remote file, and back.
  Status Put(int fd, const std::string& path, const TransferOptions& options = {});
  Status Get(const std::string& path, int fd, const TransferOptions& options = {});

  const std::string& client_id() const { return client_id_; }
  // Bytes this client read from replicas on its host by their files
  // (short-circuit reads), not through their chunkservers.
  std::uint64_t LocalReadBytes() const;
  // Of those, the bytes a streamed Get copied on the caller's own thread.
  std::uint64_t LocalCopyBytes() const { return copied_from_local_files_.load(); }
  const config::ClientConfig& config() const { return config_; }

 private:
  BucketClient(config::ClientConfig config, std::string client_id);
  // Sends `request` to the master and waits for the reply of type R.
  // `timeout_ms` and `attempts` of 0 take the config's.
  template <typename R>
  Result<R> CallMaster(messages::Message request, std::int64_t timeout_ms = 0, int attempts = 0);
  Status Mutate(messages::Message request);
  // The same without waiting: `done` gets the reply of type R (see CreateAsync).
  template <typename R>
  void CallMasterAsync(messages::Message request, std::function<void(Result<R>)> done,
                       std::int64_t timeout_ms = 0, int attempts = 0);
  void MutateAsync(messages::Message request, std::function<void(Status)> done);
  // Runs `fn` on the loop: at once when called from a callback of this client
  // running there (its effects go out with that callback's), else posted.
  void OnLoop(std::function<void(actors::Context&)> fn);
  // True on the loop thread, inside a callback of this client.
  bool InCallback() const;
  // Starts reading [offset, offset + length) of `path` on the loop; the future
  // holds the bytes (fewer only past the file's end). `known_size`: see
  // FileClient::Read.
  std::future<Result<std::vector<Payload>>> ReadAsync(const std::string& path,
                                                      std::uint64_t offset,
                                                      std::uint64_t length,
                                                      std::uint64_t known_size = 0);
  // Get's parts (bucket_client_get.cc). Streams [from, to) of `path`, a file
  // at least `total` long, out to `fd` through the loop; with `to` past
  // `total`, until the file ends.
  Status StreamThroughLoop(const std::string& path, std::uint64_t from, std::uint64_t to,
                           std::uint64_t total, int fd, const TransferOptions& options);
  // Copies [*offset, end) of the chunk that starts at `chunk_start` out to
  // `fd` from its replica's `files` on this host, read on this thread into
  // `buffer`; stops at any doubt, *offset where it stopped.
  Status CopyFromLocalReplica(const LocalReplicaFiles& files, std::uint64_t chunk_start,
                              std::uint64_t end, std::uint64_t total, int fd,
                              const TransferOptions& options, LocalReplicaReader& reader,
                              std::uint8_t* buffer, std::uint64_t* offset);
  std::future<Result<LocalReplicaFiles>> FindLocalReplicaAsync(const std::string& path,
                                                               std::uint64_t index);
  // Runs `start` on the loop; it calls the given completion once; waits for it.
  template <typename T>
  T RunOnLoop(std::function<void(actors::Context&, std::function<void(T)>)> start);

  config::ClientConfig config_;
  std::string client_id_;
  std::unique_ptr<RpcActor> actor_;
  std::unique_ptr<storage::FileSystem> local_files_;  // null: short-circuit reads off
  std::unique_ptr<FileClient> files_;  // used on the loop only (but HasNearReplica)
  std::uint64_t record_id_base_;
  std::atomic<std::uint64_t> next_record_ = 1;
  std::atomic<std::uint64_t> copied_from_local_files_ = 0;  // by Get, on callers' threads
  std::unique_ptr<runtime::ZmqRuntime> runtime_;
  std::thread loop_;
};

// A fresh client id: "client-" and 16 random hex digits.
std::string NewClientId();

}  // namespace bucket::client
