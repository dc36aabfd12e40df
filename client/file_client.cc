#include "client/file_client.h"

#include <algorithm>
#include <optional>

#include "actors/core/crc32c.h"

namespace bucket::client {

using actors::Context;
using actors::Millis;
namespace msg = messages;

namespace {

bool RetriesOnFreshLease(Code code) {
  return code == Code::kNotPrimary || code == Code::kLeaseExpired || code == Code::kStaleVersion ||
         code == Code::kNotFound;
}

std::string HostOf(const std::string& endpoint) {
  const auto start = endpoint.find("://");
  const auto colon = endpoint.find_last_of(':');
  if (start == std::string::npos || colon == std::string::npos || colon < start + 3) return "";
  return endpoint.substr(start + 3, colon - start - 3);
}

Payload Zeros(std::uint64_t size) {
  std::uint8_t* bytes = nullptr;
  Payload zeros = Payload::Allocate(size, &bytes);
  std::fill(bytes, bytes + size, 0);
  return zeros;
}

Millis Backoff(int attempt) { return Millis(std::min(1000, 20 << std::min(attempt, 6))); }

}  // namespace

struct FileClient::Lease {
  msg::LeaseResponse response;
  Millis valid_until{0};
};

struct FileClient::FileInfoCache {
  msg::FileInfo info;
  std::map<std::uint64_t, msg::ChunkLocation> chunks;  // by index
  // When the master last located the file's chunks; none: this entry only
  // holds what this client wrote, and locating must ask the master.
  std::optional<Millis> fetched_at;
  std::uint64_t written_end = 0;  // acknowledged to this client, maybe not yet at the master
  std::optional<std::uint64_t> append_index;
};

struct FileClient::WriteOp {
  ~WriteOp() { LeaveWindow(); }
  void LeaveWindow() {
    if (window) window->Leave();
    window.reset();
  }
  // Answers the write, having left the window first: a next write started
  // from `done` then finds the window as it will be.
  void Answer(const Status& status, Context& ctx) {
    LeaveWindow();
    done(status, ctx);
  }
  std::string path;
  std::uint64_t offset = 0;
  Payload data;
  StatusCallback done;
  std::uint64_t chunk_size = 0;
  std::uint64_t dispatched = 0;
  int in_flight = 0;
  Status error;
  bool finished = false;
  std::shared_ptr<WriteWindow> window;
};

struct FileClient::ReadOp {
  std::string path;
  std::uint64_t offset = 0;
  std::uint64_t end = 0;
  ReadCallback done;
  std::uint64_t chunk_size = 0;
  std::vector<Payload> slots;
  std::uint64_t dispatched = 0;
  int in_flight = 0;
  Status error;
  bool finished = false;
  bool running = false;  // RunRead is dispatching (a piece may finish at once)
};

struct FileClient::AppendOp {
  std::string path;
  Payload record;
  AppendCallback done;
  std::uint64_t index = 0;
  int attempt = 0;
  std::vector<std::string> failed;
};

FileClient::FileClient(RpcActor* rpc, const config::ClientConfig& config, std::string client_id,
                       FileClientOptions options)
    : rpc_(rpc), config_(config), client_id_(std::move(client_id)), options_(std::move(options)) {
  if (!options_.write_window) {
    options_.write_window = std::make_shared<WriteWindow>(options_.mutations_in_flight,
                                                          options_.mutations_in_flight_min);
  }
  if (options_.local_files != nullptr) {
    local_ = std::make_unique<LocalReplicaReader>(options_.local_files);
  }
}

FileClient::~FileClient() = default;

void FileClient::Forget(const std::string& path) {
  files_.erase(path);
  for (auto it = leases_.begin(); it != leases_.end();) {
    it = it->first.first == path ? leases_.erase(it) : std::next(it);
  }
}

void FileClient::NoteWritten(const std::string& path, std::uint64_t index, std::uint64_t end) {
  auto& entry = files_[path];
  if (!entry) entry = std::make_unique<FileInfoCache>();
  entry->written_end = std::max(entry->written_end, end);
  entry->info.size = std::max(entry->info.size, entry->written_end);
  // The chunk exists now, at a version its cached location (if any) may be
  // behind: the next read of it asks the master where it is.
  entry->info.chunk_count = std::max<std::uint64_t>(entry->info.chunk_count, index + 1);
  entry->chunks.erase(index);
}

void FileClient::CallMaster(Context& ctx, msg::Message request, ReplyCallback done) {
  rpc_->Call(ctx, config_.master_rpc, std::move(request), {}, Millis(config_.request_timeout_ms),
             std::move(done), static_cast<int>(config_.request_attempts));
}

// --- metadata: leases and locations ----------------------------------------------------

void FileClient::GetLease(Context& ctx, const std::string& path, std::uint64_t index,
                          std::vector<std::string> failed, LeaseCallback done, bool allocate) {
  const auto key = std::make_pair(path, index);
  if (failed.empty()) {
    auto cached = leases_.find(key);
    if (cached != leases_.end() && ctx.now() < cached->second->valid_until) {
      done(cached->second->response, ctx);
      return;
    }
  }
  leases_.erase(key);
  CallMaster(ctx, msg::LeaseRequest{path, index, failed},
             [this, path, index, key, done, allocate](Result<Reply> reply, Context& c) {
               if (!reply.ok()) return done(reply.status(), c);
               const auto* lease = std::get_if<msg::LeaseResponse>(&reply->message);
               if (lease == nullptr) return done(Status::Corruption("not a lease"), c);
               if (lease->code == Code::kInvalidArgument && index > 0 && allocate) {
                 // Past the file's end: chunks are allocated in order, so make the
                 // ones before it first.
                 return AllocateUpTo(c, path, index, done);
               }
               if (lease->code != Code::kOk) return done(Status(lease->code, lease->detail), c);
               if (lease->chunk.replicas.empty()) {
                 return done(Status::Unavailable("the master named no replica"), c);
               }
               // Given up a little early: the primary may drop it before we would.
               const auto life = static_cast<std::int64_t>(lease->lease_expires_in_ms);
               auto entry = std::make_unique<Lease>();
               entry->response = *lease;
               entry->valid_until = c.now() + Millis(life - life / 5);
               leases_[key] = std::move(entry);
               done(*lease, c);
             });
}

void FileClient::AllocateUpTo(Context& ctx, const std::string& path, std::uint64_t index,
                              LeaseCallback done) {
  Locate(ctx, path, 0, /*refresh=*/true,
         [this, path, index, done](Result<msg::LocateResponse> located, Context& c) {
           if (!located.ok()) return done(located.status(), c);
           const std::uint64_t count = located->info.chunk_count;
           if (count >= index) {  // someone else allocated it meanwhile
             return GetLease(c, path, index, {}, done, /*allocate=*/false);
           }
           GetLease(c, path, count, {},
                    [this, path, index, done](Result<msg::LeaseResponse> made, Context& c2) {
                      if (!made.ok()) return done(made.status(), c2);
                      GetLease(c2, path, index, {}, done);
                    });
         });
}

void FileClient::Locate(Context& ctx, const std::string& path, std::uint64_t index, bool refresh,
                        InfoCallback done) {
  auto cached = files_.find(path);
  const bool fresh = cached != files_.end() && cached->second->fetched_at.has_value() &&
                     ctx.now() - *cached->second->fetched_at < Millis(options_.location_cache_ms);
  if (!refresh && fresh &&
      (cached->second->chunks.count(index) != 0 || index >= cached->second->info.chunk_count)) {
    msg::LocateResponse response;
    response.info = cached->second->info;
    response.info.size = std::max(response.info.size, cached->second->written_end);
    if (auto c = cached->second->chunks.find(index); c != cached->second->chunks.end()) {
      response.chunks.push_back(c->second);
    }
    done(std::move(response), ctx);
    return;
  }
  // Several chunks at once: a sequential reader needs no request per chunk.
  constexpr std::uint32_t kBatch = 16;
  CallMaster(ctx, msg::LocateRequest{path, index, kBatch},
             [this, path, index, done](Result<Reply> reply, Context& c) {
               if (!reply.ok()) return done(reply.status(), c);
               const auto* located = std::get_if<msg::LocateResponse>(&reply->message);
               if (located == nullptr) return done(Status::Corruption("not a location"), c);
               if (located->code != Code::kOk) {
                 return done(Status(located->code, located->detail), c);
               }
               auto& entry = files_[path];
               if (!entry) entry = std::make_unique<FileInfoCache>();
               entry->info = located->info;
               entry->fetched_at = c.now();
               for (const auto& chunk : located->chunks) entry->chunks[chunk.index] = chunk;
               msg::LocateResponse response;
               response.info = located->info;
               response.info.size = std::max(response.info.size, entry->written_end);
               for (const auto& chunk : located->chunks) {
                 if (chunk.index == index) response.chunks.push_back(chunk);
               }
               done(std::move(response), c);
             });
}

// --- pushing data -------------------------------------------------------------------------

void FileClient::Push(Context& ctx, const msg::LeaseResponse& lease, const Payload& data,
                      bool retrying, std::function<void(Result<std::string>, Context&)> done) {
  std::vector<msg::ChainHop> chain;
  for (const auto& replica : lease.chunk.replicas) {
    chain.push_back({replica.node_id, replica.rpc_endpoint, replica.data_endpoint});
  }
  const std::string data_id = client_id_ + "-" + std::to_string(next_data_id_++);
  std::vector<msg::ChainHop> rest(chain.begin() + 1, chain.end());
  const msg::ChainHop first = chain.front();
  if (data.size() <= options_.piece_bytes && !retrying) {
    // One piece goes unreserved: each chunkserver reserves it as it arrives
    // (or refuses it, and the mutation fails kBusy). A record append saves a
    // round trip down the chain, most of its time. A retry reserves first, so
    // that where there is no room it waits instead of being sent to be refused
    // (a chain's later hops keep what they took until it expires).
    ctx.Push(first.data_endpoint,
             msg::DataPiece{data_id, 0, data.size(), Crc32c(data.data(), data.size()), rest},
             data);
    done(data_id, ctx);
    return;
  }
  rpc_->Call(
      ctx, first.rpc_endpoint, msg::PushReserveRequest{data_id, data.size(), rest}, {},
      Millis(config_.request_timeout_ms),
      [this, data_id, data, rest, first, done](Result<Reply> reply, Context& c) {
        if (!reply.ok()) return done(reply.status().WithContext(first.node_id), c);
        const auto* reserved = std::get_if<msg::PushReserveResponse>(&reply->message);
        if (reserved == nullptr) return done(Status::Corruption("not a reservation"), c);
        if (reserved->code != Code::kOk) return done(Status(reserved->code, reserved->detail), c);
        for (std::uint64_t offset = 0; offset < data.size(); offset += options_.piece_bytes) {
          const std::uint64_t n = std::min<std::uint64_t>(options_.piece_bytes,
                                                          data.size() - offset);
          Payload piece = data.Slice(offset, n);
          msg::DataPiece header{data_id, offset, data.size(), Crc32c(piece.data(), n), rest};
          c.Push(first.data_endpoint, std::move(header), std::move(piece));
        }
        done(data_id, c);
      });
}

// --- writes ----------------------------------------------------------------------------------

void FileClient::Write(Context& ctx, const std::string& path, std::uint64_t offset, Payload data,
                       StatusCallback done) {
  auto op = std::make_shared<WriteOp>();
  op->path = path;
  op->offset = offset;
  op->data = std::move(data);
  op->done = std::move(done);
  if (op->data.empty()) {
    op->done(Status::Ok(), ctx);
    return;
  }
  op->window = options_.write_window;  // a writer from now until it is answered
  op->window->Join();
  Locate(ctx, path, offset, /*refresh=*/false,
         [this, op](Result<msg::LocateResponse> located, Context& c) {
           if (!located.ok()) return op->Answer(located.status(), c);
           if (located->info.is_dir) return op->Answer(Status::IsADirectory(op->path), c);
           op->chunk_size = located->info.chunk_size;
           RunWrite(op, c);
         });
}

void FileClient::RunWrite(std::shared_ptr<WriteOp> op, Context& ctx) {
  const std::uint64_t size = op->data.size();
  while (op->error.ok() && op->dispatched < size &&
         op->in_flight < op->window->PerWriter()) {
    const std::uint64_t at = op->offset + op->dispatched;
    const std::uint64_t chunk_end = (at / op->chunk_size + 1) * op->chunk_size;
    const std::uint64_t n = std::min({size - op->dispatched, chunk_end - at,
                                      options_.mutation_bytes});
    ++op->in_flight;
    Payload part = op->data.Slice(op->dispatched, n);
    op->dispatched += n;
    WriteMutation(op, at, std::move(part), 1, {}, ctx);
  }
  if (op->in_flight == 0 && !op->finished && (!op->error.ok() || op->dispatched == size)) {
    op->finished = true;
    op->Answer(op->error, ctx);
  }
}

void FileClient::WriteMutation(std::shared_ptr<WriteOp> op, std::uint64_t offset, Payload data,
                               int attempt, std::vector<std::string> failed, Context& ctx) {
  const std::uint64_t index = offset / op->chunk_size;
  auto finish = [this, op](const Status& status, Context& c) {
    --op->in_flight;
    if (!status.ok() && op->error.ok()) op->error = status;
    RunWrite(op, c);
  };
  auto retry = [this, op, offset, data, attempt, finish](Status why,
                                                          std::vector<std::string> failed_now,
                                                          Context& c) {
    if (attempt >= options_.attempts) return finish(why, c);
    rpc_->After(c, Backoff(attempt), [=, this](Context& c2) {
      WriteMutation(op, offset, data, attempt + 1, failed_now, c2);
    });
  };
  GetLease(ctx, op->path, index, std::move(failed),
           [=, this](Result<msg::LeaseResponse> lease, Context& c) {
    if (!lease.ok()) {
      const bool lasting = lease.status().code() == Code::kNotFound ||
                           lease.status().code() == Code::kIsADirectory ||
                           lease.status().code() == Code::kSafeMode;
      if (lasting) return finish(lease.status(), c);
      return retry(lease.status(), {}, c);
    }
    Push(c, *lease, data, attempt > 1, [=, this](Result<std::string> data_id, Context& c2) {
      if (!data_id.ok()) {
        // A hop that does not answer is named failed; a full buffer is only waited out.
        std::vector<std::string> failed_now;
        if (data_id.status().code() == Code::kTimeout) {
          failed_now.push_back(lease->chunk.replicas.front().node_id);
        }
        return retry(data_id.status(), failed_now, c2);
      }
      const auto& primary = lease->chunk.replicas.front();
      // The primary answers within our wait, naming a silent secondary before
      // we give up and blame the primary.
      msg::WriteRequest write{lease->chunk.handle, lease->chunk.version, offset % op->chunk_size,
                              *data_id, data.size(),
                              static_cast<std::uint64_t>(config_.request_timeout_ms)};
      rpc_->Call(c2, primary.rpc_endpoint, std::move(write), {},
                 Millis(config_.request_timeout_ms),
                 [=, this](Result<Reply> reply, Context& c3) {
        if (!reply.ok()) {
          leases_.erase({op->path, index});
          return retry(reply.status().WithContext(primary.node_id), {primary.node_id}, c3);
        }
        const auto* written = std::get_if<msg::WriteResponse>(&reply->message);
        if (written == nullptr) return finish(Status::Corruption("not a write response"), c3);
        if (written->code == Code::kOk) {
          NoteWritten(op->path, index, offset + data.size());
          return finish(Status::Ok(), c3);
        }
        const Status why(written->code, written->detail);
        if (RetriesOnFreshLease(written->code)) leases_.erase({op->path, index});
        if (written->code == Code::kInvalidArgument) return finish(why, c3);
        retry(why, written->failed_replicas, c3);
      });
    });
  });
}

// --- reads ---------------------------------------------------------------------------------

bool FileClient::IsNear(const msg::ReplicaLocation& replica) const {
  const std::string host = HostOf(replica.rpc_endpoint);
  return host == options_.this_host || host.rfind("127.", 0) == 0 || host == "localhost";
}

std::vector<msg::ReplicaLocation> FileClient::ReadOrder(const msg::ChunkLocation& chunk) {
  std::vector<msg::ReplicaLocation> near, far;
  for (const auto& replica : chunk.replicas) {
    (IsNear(replica) ? near : far).push_back(replica);
  }
  // Spread the load of equally near replicas over them, read by read.
  const std::uint64_t turn = rotation_++;
  if (!far.empty()) {
    std::rotate(far.begin(), far.begin() + static_cast<long>(turn % far.size()), far.end());
  }
  if (!near.empty()) {
    std::rotate(near.begin(), near.begin() + static_cast<long>(turn % near.size()), near.end());
  }
  near.insert(near.end(), far.begin(), far.end());
  return near;
}

void FileClient::Read(Context& ctx, const std::string& path, std::uint64_t offset,
                      std::uint64_t length, ReadCallback done, std::uint64_t known_size) {
  auto op = std::make_shared<ReadOp>();
  op->path = path;
  op->offset = offset;
  op->done = std::move(done);
  const bool size_known = offset + length <= known_size;
  Locate(ctx, path, 0, /*refresh=*/!size_known,
         [this, op, length, known_size, size_known](Result<msg::LocateResponse> located,
                                                    Context& c) {
           if (!located.ok()) return op->done(located.status(), c);
           if (located->info.is_dir) return op->done(Status::IsADirectory(op->path), c);
           op->chunk_size = located->info.chunk_size;
           // The master's size, when it was asked; the caller's, when bigger.
           const std::uint64_t size =
               size_known ? std::max(located->info.size, known_size) : located->info.size;
           op->end = std::min(op->offset + length, size);
           if (op->offset >= op->end) return op->done(std::vector<Payload>{}, c);
           RunRead(op, c);
         });
}

void FileClient::RunRead(std::shared_ptr<ReadOp> op, Context& ctx) {
  // A piece read from a local replica finishes inside ReadPiece, and calls
  // back here: the loop below goes on with it rather than a nested one.
  if (op->running) return;
  op->running = true;
  while (op->error.ok() && op->offset + op->dispatched < op->end &&
         op->in_flight < options_.reads_in_flight) {
    const std::uint64_t at = op->offset + op->dispatched;
    const std::uint64_t chunk_end = (at / op->chunk_size + 1) * op->chunk_size;
    const std::uint64_t n = std::min({op->end - at, chunk_end - at, options_.read_bytes});
    const std::size_t slot = op->slots.size();
    op->slots.emplace_back();
    op->dispatched += n;
    ++op->in_flight;
    ReadPiece(op, slot, at, n, 1, ctx);
  }
  op->running = false;
  const bool all = op->offset + op->dispatched >= op->end;
  if (op->in_flight == 0 && !op->finished && (!op->error.ok() || all)) {
    op->finished = true;
    if (!op->error.ok()) {
      op->done(op->error, ctx);
    } else {
      op->done(std::move(op->slots), ctx);
    }
  }
}

void FileClient::ReadPiece(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                           std::uint64_t length, int attempt, Context& ctx) {
  const std::uint64_t index = offset / op->chunk_size;
  Locate(ctx, op->path, index, /*refresh=*/attempt > 1,
         [=, this](Result<msg::LocateResponse> located, Context& c) {
           if (!located.ok()) {
             --op->in_flight;
             if (op->error.ok()) op->error = located.status();
             return RunRead(op, c);
           }
           const bool never_written = !located->chunks.empty() &&
                                      located->chunks.front().version <= 1 &&
                                      located->chunks.front().replicas.empty();
           if ((located->chunks.empty() || never_written) && attempt == 1) {
             // Zeros are never served on what the cache says: the master is
             // asked again first (this client may have written it since).
             return ReadPiece(op, slot, offset, length, attempt + 1, c);
           }
           if (located->chunks.empty() || never_written) {
             // No chunk there, or one allocated whose first lease never took
             // (version 1: nothing was ever acknowledged in it), yet inside the
             // file: a hole, which reads as zeros.
             op->slots[slot] = Zeros(length);
             --op->in_flight;
             return RunRead(op, c);
           }
           // The order to try the replicas in, fixed for this piece.
           msg::ChunkLocation chunk = located->chunks.front();
           chunk.replicas = ReadOrder(chunk);
           ReadFromReplica(op, slot, offset, length, std::move(chunk), 0, attempt, c);
         });
}

void FileClient::ReadFromReplica(std::shared_ptr<ReadOp> op, std::size_t slot,
                                 std::uint64_t offset, std::uint64_t length,
                                 msg::ChunkLocation chunk, std::size_t replica, int attempt,
                                 Context& ctx) {
  const auto& order = chunk.replicas;  // in the order ReadPiece chose
  auto piece_done = [this, op](Context& c) {
    --op->in_flight;
    RunRead(op, c);
  };
  if (replica >= order.size()) {
    // Every replica failed this time: ask the master again where the chunk is.
    if (attempt < options_.attempts) {
      rpc_->After(ctx, Backoff(attempt), [=, this](Context& c) {
        ReadPiece(op, slot, offset, length, attempt + 1, c);
      });
      return;
    }
    if (op->error.ok()) {
      op->error = Status::Unavailable("no replica of chunk " + std::to_string(chunk.handle) +
                                      " of " + op->path + " could be read");
    }
    return piece_done(ctx);
  }
  const auto& target = order[replica];
  if (local_ && ReadsLocally(target, ctx.now())) {
    if (local_->IsOpen(target.node_id, chunk.handle)) {
      if (ReadOpenReplica(op, slot, offset, length, chunk, replica, attempt, ctx)) return;
    } else if (local_opening_.emplace(target.node_id, chunk.handle).second) {
      return OpenLocalReplica(op, slot, offset, length, std::move(chunk), replica, attempt, ctx);
    }
    // Its files are being asked for: this piece goes through the chunkserver.
  }
  ReadOverNetwork(op, slot, offset, length, std::move(chunk), replica, attempt, ctx);
}

bool FileClient::ReadsLocally(const msg::ReplicaLocation& target, Millis now) const {
  if (!IsNear(target)) return false;
  auto refused = no_local_reads_.find(target.node_id);
  return refused == no_local_reads_.end() || now >= refused->second;
}

void FileClient::RefuseLocalReads(const std::string& node, Context& ctx) {
  no_local_reads_[node] = ctx.now() + kLocalReadsRetryAfter;
}

void FileClient::CloseIdleLocalFiles(Context& ctx) {
  if (local_sweep_due_) return;
  local_sweep_due_ = true;
  rpc_->After(ctx, kLocalFilesIdle, [this](Context& c) {
    local_sweep_due_ = false;
    if (local_->CloseUnusedSince(c.now() - kLocalFilesIdle) > 0) CloseIdleLocalFiles(c);
  });
}

void FileClient::AskLocalFiles(
    Context& ctx, const msg::ReplicaLocation& target, std::uint64_t handle,
    std::function<void(Result<msg::LocalReadResponse>, Context&)> done) {
  rpc_->Call(ctx, target.rpc_endpoint, msg::LocalReadRequest{handle}, {},
             Millis(config_.request_timeout_ms),
             [this, node = target.node_id, done](Result<Reply> reply, Context& c) {
               if (reply.status().code() == Code::kTimeout) {
                 // Silent: likely down, and every chunk asked of it would wait
                 // as long again (on a Get's thread, one after another).
                 RefuseLocalReads(node, c);
                 return done(reply.status(), c);
               }
               const auto* where =
                   reply.ok() ? std::get_if<msg::LocalReadResponse>(&reply->message) : nullptr;
               if (where == nullptr) {
                 // Refused (an older chunkserver answers kUnsupported; a key
                 // without the right is turned away), or not an answer to this.
                 RefuseLocalReads(node, c);
                 return done(reply.ok() ? Status::Unsupported("no short-circuit reads from " +
                                                              node)
                                        : reply.status(),
                             c);
               }
               if (where->code != Code::kOk) return done(Status(where->code, where->detail), c);
               done(*where, c);
             });
}

void FileClient::FindLocalReplica(Context& ctx, const std::string& path, std::uint64_t index,
                                  LocalFilesCallback done) {
  if (!local_) return done(Status::NotFound("short-circuit reads are off"), ctx);
  Locate(ctx, path, index, /*refresh=*/false,
         [this, done](Result<msg::LocateResponse> located, Context& c) {
           if (!located.ok()) return done(located.status(), c);
           if (located->chunks.empty()) return done(Status::NotFound("a hole"), c);
           msg::ChunkLocation chunk = located->chunks.front();
           chunk.replicas = ReadOrder(chunk);
           FindLocalReplicaFrom(c, std::move(chunk), 0, done);
         });
}

void FileClient::FindLocalReplicaFrom(Context& ctx, msg::ChunkLocation chunk, std::size_t next,
                                      LocalFilesCallback done) {
  while (next < chunk.replicas.size() && !ReadsLocally(chunk.replicas[next], ctx.now())) ++next;
  if (next >= chunk.replicas.size()) {
    return done(Status::NotFound("no replica of chunk " + std::to_string(chunk.handle) +
                                 " on this host gives its files"),
                ctx);
  }
  const msg::ReplicaLocation target = chunk.replicas[next];
  AskLocalFiles(ctx, target, chunk.handle,
                [=, this](Result<msg::LocalReadResponse> where, Context& c) {
                  if (!where.ok()) return FindLocalReplicaFrom(c, chunk, next + 1, done);
                  done(LocalReplicaFiles{target.node_id, chunk.handle, chunk.version,
                                         where->data_path, where->meta_path},
                       c);
                });
}

bool FileClient::HasNearReplica(const msg::ChunkLocation& chunk) const {
  return std::any_of(chunk.replicas.begin(), chunk.replicas.end(),
                     [this](const msg::ReplicaLocation& r) { return IsNear(r); });
}

void FileClient::OpenLocalReplica(std::shared_ptr<ReadOp> op, std::size_t slot,
                                  std::uint64_t offset, std::uint64_t length,
                                  msg::ChunkLocation chunk, std::size_t replica, int attempt,
                                  Context& ctx) {
  const msg::ReplicaLocation target = chunk.replicas[replica];
  AskLocalFiles(
      ctx, target, chunk.handle,
      [=, this](Result<msg::LocalReadResponse> where, Context& c) {
        local_opening_.erase({target.node_id, chunk.handle});
        if (where.status().code() == Code::kTimeout) {
          // Silent: asking it again for the bytes would only wait as long again.
          return ReadFromReplica(op, slot, offset, length, chunk, replica + 1, attempt, c);
        }
        if (where.ok()) {
          Status opened = local_->Open(target.node_id, chunk.handle, where->data_path,
                                       where->meta_path, c.now());
          if (opened.ok()) {
            CloseIdleLocalFiles(c);
            if (ReadOpenReplica(op, slot, offset, length, chunk, replica, attempt, c)) return;
          } else if (opened.code() != Code::kNotFound) {
            // Another host behind a loopback address, or files this user may
            // not read: that chunkserver is read through for a while. (Not
            // found: the chunk was deleted just now.)
            RefuseLocalReads(target.node_id, c);
          }
        }
        ReadOverNetwork(op, slot, offset, length, chunk, replica, attempt, c);
      });
}

bool FileClient::ReadOpenReplica(std::shared_ptr<ReadOp> op, std::size_t slot,
                                 std::uint64_t offset, std::uint64_t length,
                                 const msg::ChunkLocation& chunk, std::size_t replica,
                                 int attempt, Context& ctx) {
  const std::string& node = chunk.replicas[replica].node_id;
  auto piece = local_->Read(node, chunk.handle, chunk.version, offset % op->chunk_size, length,
                            ctx.now());
  if (!piece.ok()) {
    // Stale, changed hands, or failing a checksum: the chunkserver is asked
    // instead (it reports a corrupt replica), and the files are opened afresh.
    local_->Close(node, chunk.handle);
    return false;
  }
  local_read_bytes_ += piece->bytes.size();
  AcceptPiece(op, slot, offset, length, chunk, replica, attempt, std::move(piece->bytes),
              piece->chunk_length, ctx);
  return true;
}

void FileClient::ReadOverNetwork(std::shared_ptr<ReadOp> op, std::size_t slot,
                                 std::uint64_t offset, std::uint64_t length,
                                 msg::ChunkLocation chunk, std::size_t replica, int attempt,
                                 Context& ctx) {
  const auto& target = chunk.replicas[replica];
  const std::uint64_t chunk_offset = offset % op->chunk_size;
  rpc_->Call(
      ctx, target.rpc_endpoint, msg::ReadRequest{chunk.handle, chunk.version, chunk_offset, length},
      {}, Millis(config_.request_timeout_ms),
      [=, this](Result<Reply> reply, Context& c) {
        const auto* read = reply.ok() ? std::get_if<msg::ReadResponse>(&reply->message) : nullptr;
        if (read == nullptr || read->code != Code::kOk || reply->payload.size() != read->length) {
          // Corrupt, stale, gone or silent: the next replica.
          return ReadFromReplica(op, slot, offset, length, chunk, replica + 1, attempt, c);
        }
        AcceptPiece(op, slot, offset, length, chunk, replica, attempt, reply->payload,
                    read->chunk_length, c);
      });
}

void FileClient::AcceptPiece(std::shared_ptr<ReadOp> op, std::size_t slot, std::uint64_t offset,
                             std::uint64_t length, msg::ChunkLocation chunk, std::size_t replica,
                             int attempt, Payload bytes, std::uint64_t chunk_length,
                             Context& ctx) {
  const std::uint64_t chunk_offset = offset % op->chunk_size;
  if (bytes.size() < length) {
    // Short: the replica's data ends before the piece does. Inside the file
    // that is never the file's end; if no replica has more, it is a hole.
    const bool others_left = replica + 1 < chunk.replicas.size();
    if (others_left && chunk_length < chunk_offset + length) {
      return ReadFromReplica(op, slot, offset, length, std::move(chunk), replica + 1, attempt,
                             ctx);
    }
    std::uint8_t* whole_bytes = nullptr;
    Payload whole = Payload::Allocate(length, &whole_bytes);
    std::copy_n(bytes.data(), bytes.size(), whole_bytes);
    std::fill(whole_bytes + bytes.size(), whole_bytes + length, 0);
    bytes = std::move(whole);
  }
  op->slots[slot] = std::move(bytes);
  --op->in_flight;
  RunRead(op, ctx);
}

// --- record appends ------------------------------------------------------------------------

void FileClient::Append(Context& ctx, const std::string& path, Payload record,
                        AppendCallback done) {
  auto op = std::make_shared<AppendOp>();
  op->path = path;
  op->record = std::move(record);
  op->done = std::move(done);
  auto cached = files_.find(path);
  if (cached != files_.end() && cached->second->append_index) {
    op->index = *cached->second->append_index;
    RunAppend(op, ctx);
    return;
  }
  Locate(ctx, path, 0, /*refresh=*/true,
         [this, op](Result<msg::LocateResponse> located, Context& c) {
           if (!located.ok()) return op->done(located.status(), c);
           if (located->info.is_dir) return op->done(Status::IsADirectory(op->path), c);
           const std::uint64_t count = located->info.chunk_count;
           op->index = count == 0 ? 0 : count - 1;
           RunAppend(op, c);
         });
}

void FileClient::RunAppend(std::shared_ptr<AppendOp> op, Context& ctx) {
  auto retry = [this, op](Status why, std::vector<std::string> failed, Context& c) {
    if (++op->attempt >= options_.attempts) return op->done(why, c);
    op->failed = std::move(failed);
    rpc_->After(c, Backoff(op->attempt), [this, op](Context& c2) { RunAppend(op, c2); });
  };
  GetLease(ctx, op->path, op->index, std::exchange(op->failed, {}),
           [=, this](Result<msg::LeaseResponse> lease, Context& c) {
    if (!lease.ok()) {
      if (lease.status().code() == Code::kNotFound ||
          lease.status().code() == Code::kSafeMode) {
        return op->done(lease.status(), c);
      }
      return retry(lease.status(), {}, c);
    }
    Push(c, *lease, op->record, op->attempt > 0,
         [=, this](Result<std::string> data_id, Context& c2) {
      if (!data_id.ok()) {
        std::vector<std::string> failed;
        if (data_id.status().code() == Code::kTimeout) {
          failed.push_back(lease->chunk.replicas.front().node_id);
        }
        return retry(data_id.status(), failed, c2);
      }
      const auto& primary = lease->chunk.replicas.front();
      rpc_->Call(c2, primary.rpc_endpoint,
                 msg::AppendRequest{lease->chunk.handle, lease->chunk.version, *data_id,
                                    op->record.size(),
                                    static_cast<std::uint64_t>(config_.request_timeout_ms)},
                 {}, Millis(config_.request_timeout_ms),
                 [=, this](Result<Reply> reply, Context& c3) {
        if (!reply.ok()) {
          leases_.erase({op->path, op->index});
          return retry(reply.status().WithContext(primary.node_id), {primary.node_id}, c3);
        }
        const auto* appended = std::get_if<msg::AppendResponse>(&reply->message);
        if (appended == nullptr) return op->done(Status::Corruption("not an append response"), c3);
        auto& entry = files_[op->path];
        if (!entry) entry = std::make_unique<FileInfoCache>();
        if (appended->code == Code::kOk) {
          entry->append_index = op->index;
          const std::uint64_t at = op->index * lease->chunk_size + appended->offset;
          NoteWritten(op->path, op->index, at + op->record.size());
          return op->done(at, c3);
        }
        if (appended->code == Code::kRetryNextChunk) {
          ++op->index;  // the chunk was padded: the next one (allocated on demand)
          entry->append_index = op->index;
          return RunAppend(op, c3);
        }
        const Status why(appended->code, appended->detail);
        if (appended->code == Code::kInvalidArgument) return op->done(why, c3);
        if (RetriesOnFreshLease(appended->code)) leases_.erase({op->path, op->index});
        retry(why, appended->failed_replicas, c3);
      });
    });
  });
}

}  // namespace bucket::client
