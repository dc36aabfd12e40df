#include "client/bucket_client.h"

#include <future>
#include <random>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "actors/runtime/zmq_runtime.h"
#include "client/rpc_actor.h"
#include "messages/codec.h"
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
  // The master would refuse it the same way; refusing here saves the trip.
  BUCKET_RETURN_IF_ERROR(messages::ValidateMessage(request));
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
                 },
                 static_cast<int>(config_.request_attempts));
  });
  return future.get();
}

Status BucketClient::Mutate(messages::Message request) {
  auto response = CallMaster<messages::NamespaceResponse>(std::move(request));
  if (!response.ok()) return response.status();
  return response->ToStatus();
}

Status BucketClient::Mkdir(const std::string& path, bool parents) {
  return Mutate(messages::MkdirRequest{path, parents});
}

Status BucketClient::Create(const std::string& path, const CreateOptions& options) {
  return Mutate(messages::CreateRequest{path, options.replication, options.chunk_size,
                                        options.overwrite, options.parents});
}

Status BucketClient::Remove(const std::string& path, const RemoveOptions& options) {
  return Mutate(messages::DeleteRequest{path, options.recursive, options.purge});
}

Status BucketClient::Undelete(const std::string& path) {
  return Mutate(messages::UndeleteRequest{path});
}

Status BucketClient::Rename(const std::string& from, const std::string& to, bool replace) {
  return Mutate(messages::RenameRequest{from, to, replace});
}

Result<std::vector<FileInfo>> BucketClient::List(const std::string& path) {
  std::vector<FileInfo> entries;
  std::string after;
  for (;;) {
    auto page = CallMaster<messages::ListResponse>(
        messages::ListRequest{path, after, messages::kListEntriesMax});
    if (!page.ok()) return page.status();
    if (page->code != Code::kOk) return Status(page->code, page->detail);
    for (auto& entry : page->entries) entries.push_back(std::move(entry));
    if (!page->truncated || entries.empty()) return entries;
    after = entries.back().name;
  }
}

Result<FileStat> BucketClient::Stat(const std::string& path) {
  auto response = CallMaster<messages::StatResponse>(messages::StatRequest{path, true});
  if (!response.ok()) return response.status();
  if (response->code != Code::kOk) return Status(response->code, response->detail);
  return FileStat{std::move(response->info), std::move(response->chunks)};
}

Result<messages::SafeModeResponse> BucketClient::SafeMode(messages::SafeModeAction action) {
  return CallMaster<messages::SafeModeResponse>(messages::SafeModeRequest{action});
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
