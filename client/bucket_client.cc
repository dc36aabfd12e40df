#include "client/bucket_client.h"

#include <future>
#include <random>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "actors/runtime/zmq_runtime.h"
#include "client/rpc_actor.h"
#include "config/logging.h"

namespace bucket::client {

std::string NewClientId() {
  std::random_device device;
  std::uint64_t bits = (static_cast<std::uint64_t>(device()) << 32) ^ device();
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(bits));
  return std::string("client-") + text;
}

BucketClient::BucketClient(config::ClientConfig config, std::string client_id)
    : config_(std::move(config)), client_id_(std::move(client_id)),
      actor_(std::make_unique<RpcActor>()) {}

Result<std::unique_ptr<BucketClient>> BucketClient::Connect(const config::ClientConfig& config) {
  std::string id = config.client_id.empty() ? NewClientId() : config.client_id;
  auto log = config::MakeLogger(id, config.log);
  if (!log.ok()) return log.status();
  std::unique_ptr<BucketClient> client(new BucketClient(config, id));
  runtime::RuntimeOptions options;
  options.plan.node_id = id;
  options.max_message_bytes = static_cast<std::int64_t>(config.max_message_bytes);
  options.stop_on_signals = false;  // the program using the library owns its signals
  auto created = runtime::ZmqRuntime::Create(options, *log);
  if (!created.ok()) return created.status();
  client->runtime_ = std::move(*created);
  client->loop_ = std::thread([c = client.get()] { (void)c->runtime_->Run(*c->actor_); });
  return client;
}

Result<std::unique_ptr<BucketClient>> BucketClient::ConnectTo(const std::string& master_rpc) {
  config::ClientConfig config;
  config.master_rpc = master_rpc;
  return Connect(config);
}

BucketClient::~BucketClient() {
  if (runtime_) runtime_->Shutdown();
  if (loop_.joinable()) loop_.join();
}

template <typename R>
Result<R> BucketClient::CallMaster(messages::Message request) {
  auto promise = std::make_shared<std::promise<Result<R>>>();
  auto future = promise->get_future();
  runtime_->Post([this, promise, request = std::move(request)](actors::Context& ctx) mutable {
    actor_->Call(ctx, config_.master_rpc, std::move(request), Payload{},
                 actors::Millis(config_.request_timeout_ms),
                 [promise](Result<Reply> reply, actors::Context&) {
                   if (!reply.ok()) {
                     promise->set_value(reply.status());
                   } else if (auto* r = std::get_if<R>(&reply->message)) {
                     promise->set_value(std::move(*r));
                   } else {
                     promise->set_value(Status::Corruption(
                         "unexpected reply " +
                         messages::KindName(messages::KindOf(reply->message))));
                   }
                 });
  });
  return future.get();
}

Result<messages::ClusterState> BucketClient::ClusterStatus() {
  auto response = CallMaster<messages::ClusterStatusResponse>(messages::ClusterStatusRequest{});
  if (!response.ok()) return response.status();
  return std::move(response->state);
}

Status BucketClient::Ping() {
  auto pong = CallMaster<messages::Pong>(messages::Ping{1});
  return pong.status();
}

}  // namespace bucket::client
