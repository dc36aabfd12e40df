#include "client/bucket_client.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>
#include <random>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "actors/runtime/zmq_runtime.h"
#include "actors/storage/posix_file_system.h"
#include "client/file_client.h"
#include "client/rpc_actor.h"
#include "config/endpoint.h"
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

namespace {

// The writers of every client in this process share one window (why: write_window.h).
std::shared_ptr<WriteWindow> ProcessWriteWindow() {
  static const FileClientOptions defaults;
  static const auto window = std::make_shared<WriteWindow>(defaults.mutations_in_flight,
                                                           defaults.mutations_in_flight_min);
  return window;
}

}  // namespace

BucketClient::BucketClient(config::ClientConfig config, std::string client_id)
    : config_(std::move(config)), client_id_(std::move(client_id)),
      actor_(std::make_unique<RpcActor>()),
      record_id_base_(static_cast<std::uint64_t>(std::random_device{}()) << 32) {
  FileClientOptions options;
  options.this_host = config::ThisHostAddress();
  options.write_window = ProcessWriteWindow();
  if (config_.short_circuit_reads) {
    local_files_ = storage::NewPosixFileSystem();
    options.local_files = local_files_.get();
  }
  files_ = std::make_unique<FileClient>(actor_.get(), config_, client_id_, options);
}

Result<std::unique_ptr<BucketClient>> BucketClient::Connect(const config::ClientConfig& config) {
  std::string id = config.client_id.empty() ? NewClientId() : config.client_id;
  auto log = config::MakeLogger(id, config.log);
  if (!log.ok()) return log.status();
  std::unique_ptr<BucketClient> client(new BucketClient(config, id));
  runtime::RuntimeOptions options;
  options.plan.node_id = id;
  options.max_message_bytes = static_cast<std::int64_t>(config.max_message_bytes);
  options.stop_on_signals = false;  // the program using the library owns its signals
  auto keys = config::LoadCurveKeys(config.security, /*server=*/false);
  if (!keys.ok()) return keys.status();
  options.curve = std::move(*keys);
  auto created = runtime::ZmqRuntime::Create(options, *log);
  if (!created.ok()) return created.status();
  client->runtime_ = std::move(*created);
  client->loop_ = std::thread([c = client.get()] { (void)c->runtime_->Run(*c->actor_); });
  return client;
}

std::uint64_t BucketClient::LocalReadBytes() const {
  return files_->local_read_bytes() + copied_from_local_files_.load();
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

namespace {

// Which client's callback the loop thread is running, and with what context:
// Async calls made from inside it join that context instead of posting.
struct LoopScope {
  LoopScope(const BucketClient* client, actors::Context& ctx)
      : saved_client(current_client), saved_ctx(current_ctx) {
    current_client = client;
    current_ctx = &ctx;
  }
  ~LoopScope() {
    current_client = saved_client;
    current_ctx = saved_ctx;
  }
  static thread_local const BucketClient* current_client;
  static thread_local actors::Context* current_ctx;
  const BucketClient* saved_client;
  actors::Context* saved_ctx;
};
thread_local const BucketClient* LoopScope::current_client = nullptr;
thread_local actors::Context* LoopScope::current_ctx = nullptr;

template <typename R>
Result<R> ReplyAs(Result<Reply> reply) {
  if (!reply.ok()) return reply.status();
  if (auto* r = std::get_if<R>(&reply->message)) return std::move(*r);
  return Status::Corruption("unexpected reply " +
                            messages::KindName(messages::KindOf(reply->message)));
}

Status BlockedInCallback() {
  return Status::Internal("a blocking call from a callback on the client's own thread "
                          "would wait for itself; use the Async form");
}

}  // namespace

bool BucketClient::InCallback() const { return LoopScope::current_client == this; }

void BucketClient::OnLoop(std::function<void(actors::Context&)> fn) {
  if (InCallback()) {
    fn(*LoopScope::current_ctx);
    return;
  }
  runtime_->Post([this, fn = std::move(fn)](actors::Context& ctx) {
    LoopScope scope(this, ctx);
    fn(ctx);
  });
}

template <typename R>
void BucketClient::CallMasterAsync(messages::Message request,
                                   std::function<void(Result<R>)> done, std::int64_t timeout_ms,
                                   int attempts) {
  // The master would refuse it the same way; refusing here saves the trip.
  if (Status valid = messages::ValidateMessage(request); !valid.ok()) {
    done(std::move(valid));
    return;
  }
  const actors::Millis timeout(timeout_ms > 0 ? timeout_ms : config_.request_timeout_ms);
  if (attempts <= 0) attempts = static_cast<int>(config_.request_attempts);
  OnLoop([this, timeout, attempts, request = std::move(request),
          done = std::move(done)](actors::Context& ctx) mutable {
    actor_->Call(ctx, config_.master_rpc, std::move(request), Payload{}, timeout,
                 [this, done = std::move(done)](Result<Reply> reply, actors::Context& ctx) {
                   LoopScope scope(this, ctx);
                   done(ReplyAs<R>(std::move(reply)));
                 },
                 attempts);
  });
}

template <typename R>
Result<R> BucketClient::CallMaster(messages::Message request, std::int64_t timeout_ms,
                                  int attempts) {
  if (InCallback()) return BlockedInCallback();
  // Shared with the callback: if the loop stops and drops it unrun, the
  // promise breaks and the wait ends rather than hanging.
  auto promise = std::make_shared<std::promise<Result<R>>>();
  auto future = promise->get_future();
  CallMasterAsync<R>(
      std::move(request), [promise](Result<R> reply) { promise->set_value(std::move(reply)); },
      timeout_ms, attempts);
  return future.get();
}

void BucketClient::MutateAsync(messages::Message request, std::function<void(Status)> done) {
  CallMasterAsync<messages::NamespaceResponse>(
      std::move(request), [done = std::move(done)](Result<messages::NamespaceResponse> r) {
        done(r.ok() ? r->ToStatus() : r.status());
      });
}

Status BucketClient::Mutate(messages::Message request) {
  auto response = CallMaster<messages::NamespaceResponse>(std::move(request));
  if (!response.ok()) return response.status();
  return response->ToStatus();
}

void BucketClient::CreateAsync(const std::string& path, const CreateOptions& options,
                               std::function<void(Status)> done) {
  MutateAsync(messages::CreateRequest{path, options.replication, options.chunk_size,
                                      options.overwrite, options.parents},
              std::move(done));
}

void BucketClient::MkdirAsync(const std::string& path, bool parents,
                              std::function<void(Status)> done) {
  MutateAsync(messages::MkdirRequest{path, parents}, std::move(done));
}

void BucketClient::RemoveAsync(const std::string& path, const RemoveOptions& options,
                               std::function<void(Status)> done) {
  MutateAsync(messages::DeleteRequest{path, options.recursive, options.purge}, std::move(done));
}

void BucketClient::RenameAsync(const std::string& from, const std::string& to, bool replace,
                               std::function<void(Status)> done) {
  MutateAsync(messages::RenameRequest{from, to, replace}, std::move(done));
}

void BucketClient::StatAsync(const std::string& path,
                             std::function<void(Result<FileStat>)> done) {
  CallMasterAsync<messages::StatResponse>(
      messages::StatRequest{path, true},
      [done = std::move(done)](Result<messages::StatResponse> response) {
        if (!response.ok()) return done(response.status());
        if (response->code != Code::kOk) return done(Status(response->code, response->detail));
        done(FileStat{std::move(response->info), std::move(response->chunks)});
      });
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

Status BucketClient::Snapshot(const std::string& from, const std::string& to, bool parents) {
  return Mutate(messages::SnapshotRequest{from, to, parents});
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
  if (InCallback()) return BlockedInCallback();
  auto promise = std::make_shared<std::promise<Result<FileStat>>>();
  auto future = promise->get_future();
  StatAsync(path, [promise](Result<FileStat> stat) { promise->set_value(std::move(stat)); });
  return future.get();
}

Result<messages::FsckResponse> BucketClient::Fsck(const std::string& path) {
  auto response = CallMaster<messages::FsckResponse>(messages::FsckRequest{path, 1000});
  if (!response.ok()) return response.status();
  if (response->code != Code::kOk) return Status(response->code, response->detail);
  return std::move(*response);
}

Status BucketClient::SetNodeState(const std::string& node_id, messages::NodeAdminAction action) {
  auto response =
      CallMaster<messages::NodeAdminResponse>(messages::NodeAdminRequest{node_id, action});
  if (!response.ok()) return response.status();
  return Status(response->code, response->detail);
}

Result<std::string> BucketClient::Backup(const std::string& directory) {
  // One try, waited for long: a resend would only find the first still running.
  auto response = CallMaster<messages::BackupResponse>(messages::BackupRequest{directory},
                                                       600000, 1);
  if (!response.ok()) return response.status();
  if (response->code != Code::kOk) return Status(response->code, response->detail);
  return response->path;
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

namespace bucket::client {

template <typename T>
T BucketClient::RunOnLoop(std::function<void(actors::Context&, std::function<void(T)>)> start) {
  if (InCallback()) return BlockedInCallback();
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  runtime_->Post([start = std::move(start), promise](actors::Context& ctx) {
    start(ctx, [promise](T value) { promise->set_value(std::move(value)); });
  });
  return future.get();
}

Status BucketClient::Write(const std::string& path, std::uint64_t offset, std::string data) {
  return Write(path, offset, Payload::FromString(std::move(data)));
}

Status BucketClient::Write(const std::string& path, std::uint64_t offset, Payload payload) {
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  return RunOnLoop<Status>([&](actors::Context& ctx, std::function<void(Status)> done) {
    files_->Write(ctx, path, offset, payload,
                  [done](const Status& s, actors::Context&) { done(s); });
  });
}

namespace {

std::string Join(const std::vector<Payload>& pieces) {
  std::size_t total = 0;
  for (const auto& p : pieces) total += p.size();
  std::string out;
  out.reserve(total);
  for (const auto& p : pieces) out.append(p.view());
  return out;
}

}  // namespace

Result<std::string> BucketClient::Read(const std::string& path, std::uint64_t offset,
                                       std::uint64_t length) {
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  if (InCallback()) return BlockedInCallback();
  auto pieces = ReadAsync(path, offset, length).get();
  if (!pieces.ok()) return pieces.status();
  return Join(*pieces);
}

Result<std::uint64_t> BucketClient::Append(const std::string& path, std::string data) {
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  if (data.empty()) return Status::InvalidArgument("an empty record");
  Payload payload = Payload::FromString(std::move(data));
  return RunOnLoop<Result<std::uint64_t>>(
      [&](actors::Context& ctx, std::function<void(Result<std::uint64_t>)> done) {
        files_->Append(ctx, path, payload,
                       [done](Result<std::uint64_t> r, actors::Context&) { done(std::move(r)); });
      });
}

Result<std::uint64_t> BucketClient::AppendRecord(const std::string& path,
                                                 std::string_view payload) {
  return Append(path, FrameRecord(record_id_base_ | next_record_++, payload));
}

Result<std::vector<Record>> BucketClient::ReadRecords(const std::string& path) {
  auto stat = Stat(path);
  if (!stat.ok()) return stat.status();
  auto pieces = RunOnLoop<Result<std::vector<Payload>>>(
      [&](actors::Context& ctx, std::function<void(Result<std::vector<Payload>>)> done) {
        files_->Read(ctx, path, 0, UINT64_MAX / 2,
                     [done](Result<std::vector<Payload>> r, actors::Context&) {
                       done(std::move(r));
                     });
      });
  if (!pieces.ok()) return pieces.status();
  return ParseRecords(*pieces);
}

Status BucketClient::Put(int fd, const std::string& path, const TransferOptions& options) {
  BUCKET_RETURN_IF_ERROR(Create(path, options.create));
  struct stat st {};
  const std::uint64_t total =
      (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) ? static_cast<std::uint64_t>(st.st_size) : 0;
  constexpr std::size_t kBlock = 64 << 20;
  // Two blocks, used in turn: the next is read from the local file while the
  // other is written. They are reused, not allocated per block: fresh memory
  // would be fresh pages the kernel zeroes first, a cost as large as the copy.
  std::shared_ptr<std::string> blocks[2];
  std::uint64_t offset = 0;
  std::future<Status> in_flight;
  for (int turn = 0;; turn ^= 1) {
    // A block is refilled only once nobody else holds it: the write that used
    // it has returned, and the sockets let go of its pieces.
    auto& block = blocks[turn];
    if (!block || block.use_count() > 1) block = std::make_shared<std::string>(kBlock, '\0');
    // Whoever let go of it did so before this refill (use_count is relaxed).
    std::atomic_thread_fence(std::memory_order_acquire);
    std::size_t filled = 0;
    while (filled < kBlock) {
      const ssize_t n = ::read(fd, block->data() + filled, kBlock - filled);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IoError(std::string("reading the local file: ") + std::strerror(errno));
      if (n == 0) break;
      filled += static_cast<std::size_t>(n);
    }
    if (in_flight.valid()) {
      BUCKET_RETURN_IF_ERROR(in_flight.get());
      if (options.progress) options.progress(offset, total);
    }
    if (filled == 0) break;
    Payload bytes =
        Payload::Wrap(block, reinterpret_cast<const std::uint8_t*>(block->data()), filled);
    in_flight = std::async(std::launch::async, [this, path, offset, bytes]() {
      return Write(path, offset, bytes);
    });
    offset += filled;
  }
  if (options.progress) options.progress(offset, total);
  return Status::Ok();
}

std::future<Result<std::vector<Payload>>> BucketClient::ReadAsync(const std::string& path,
                                                                  std::uint64_t offset,
                                                                  std::uint64_t length,
                                                                  std::uint64_t known_size) {
  auto promise = std::make_shared<std::promise<Result<std::vector<Payload>>>>();
  auto future = promise->get_future();
  runtime_->Post([this, path, offset, length, known_size, promise](actors::Context& ctx) {
    files_->Read(ctx, path, offset, length,
                 [promise](Result<std::vector<Payload>> r, actors::Context&) {
                   promise->set_value(std::move(r));
                 },
                 known_size);
  });
  return future;
}

}  // namespace bucket::client
