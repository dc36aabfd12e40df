// BucketClient: the blocking, thread-safe face of the client library.
//
// It runs an RpcActor on a ZeroMQ runtime in a background thread and turns each
// call into a request with a deadline, waiting for its result. Errors come back
// as a Status (never as exceptions). Safe to use from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "config/client_config.h"
#include "messages/message.h"
#include "messages/status.h"

namespace bucket::runtime {
class ZmqRuntime;
}

namespace bucket::client {

class RpcActor;

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
  // Every entry of a directory, sorted by name (a file lists itself).
  Result<std::vector<FileInfo>> List(const std::string& path);
  Result<FileStat> Stat(const std::string& path);
  // Safe mode: get (no argument), or enter/leave as an administrator.
  Result<messages::SafeModeResponse> SafeMode(
      messages::SafeModeAction action = messages::SafeModeAction::kGet);

  const std::string& client_id() const { return client_id_; }
  const config::ClientConfig& config() const { return config_; }

 private:
  BucketClient(config::ClientConfig config, std::string client_id);
  // Sends `request` to the master and waits for the reply of type R.
  template <typename R>
  Result<R> CallMaster(messages::Message request);
  Status Mutate(messages::Message request);

  config::ClientConfig config_;
  std::string client_id_;
  std::unique_ptr<RpcActor> actor_;
  std::unique_ptr<runtime::ZmqRuntime> runtime_;
  std::thread loop_;
};

// A fresh client id: "client-" and 16 random hex digits.
std::string NewClientId();

}  // namespace bucket::client
