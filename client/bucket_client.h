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

  const std::string& client_id() const { return client_id_; }
  const config::ClientConfig& config() const { return config_; }

 private:
  BucketClient(config::ClientConfig config, std::string client_id);
  // Sends `request` to the master and waits for the reply of type R.
  template <typename R>
  Result<R> CallMaster(messages::Message request);

  config::ClientConfig config_;
  std::string client_id_;
  std::unique_ptr<RpcActor> actor_;
  std::unique_ptr<runtime::ZmqRuntime> runtime_;
  std::thread loop_;
};

// A fresh client id: "client-" and 16 random hex digits.
std::string NewClientId();

}  // namespace bucket::client
