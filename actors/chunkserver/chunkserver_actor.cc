#include "actors/chunkserver/chunkserver_actor.h"

#include "actors/chunkserver/timers.h"
#include "messages/events.h"

namespace bucket::chunkserver {

using actors::Context;
using actors::Inbound;
using actors::Millis;
namespace msg = messages;

ChunkserverActor::ChunkserverActor(const config::ChunkserverConfig& config,
                                   msg::NodeAddress address, std::unique_ptr<ChunkStore> store,
                                   std::uint64_t seed, std::shared_ptr<spdlog::logger> log)
    : config_(config),
      address_(std::move(address)),
      store_(std::move(store)),
      log_(std::move(log)),
      buffers_(config.buffer_memory_bytes, Millis(config.buffer_timeout_ms)),
      incarnation_(std::mt19937_64(seed)()),
      heartbeat_interval_ms_(config.heartbeat_interval_ms) {}

Millis ChunkserverActor::LeaseSafetyMargin(std::uint64_t lease_ms) const {
  // The master counts the lease a grace period longer (max(100ms, lease/10)),
  // which absorbs the delay of the grant message; we give up that much early.
  return Millis(std::max<std::int64_t>(100, static_cast<std::int64_t>(lease_ms) / 10));
}

void ChunkserverActor::Start(Context& ctx) {
  log_->info("{} started; rpc {} data {} rack {}; {} chunks", address_.node_id,
             address_.rpc_endpoint, address_.data_endpoint, address_.rack, store_->size());
  SendRegistration(ctx);
  if (config_.scrub_rate_bytes > 0) ctx.SetTimer(kScrub, Millis(config_.scrub_interval_ms));
  ctx.SetTimer(kExpireBuffers, Millis(std::max<std::int64_t>(100, config_.buffer_timeout_ms / 4)));
}

void ChunkserverActor::Handle(const Inbound& in, Context& ctx) {
  const std::uint64_t id = in.header.request_id;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, msg::RegisterResponse>) {
          if (id == register_request_id_) OnRegistered(m, ctx);
        } else if constexpr (std::is_same_v<T, msg::ChunkReportResponse>) {
          DeleteChunks(m.delete_chunks);
        } else if constexpr (std::is_same_v<T, msg::ReregisterCommand>) {
          log_->info("{} the master asked us to register again: {}", address_.node_id, m.reason);
          if (registered_) {
            registered_ = false;
            ctx.CancelTimer(kHeartbeat);
            ctx.CancelTimer(kReport);
            SendRegistration(ctx);
          }
        } else if constexpr (std::is_same_v<T, msg::SetVersionRequest>) {
          OnSetVersion(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::RevokeLeaseRequest>) {
          OnRevokeLease(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::LeaseExtendResponse>) {
          OnLeaseExtended(id, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::CommittedLengthAck>) {
          auto it = length_reports_.find(id);
          if (it != length_reports_.end()) {
            const std::uint64_t handle = it->second;
            length_reports_.erase(it);
            ctx.CancelTimer(kRequestTimer | id);
            if (length_dirty_.count(handle) != 0) ReportLength(handle, ctx);
          }
        } else if constexpr (std::is_same_v<T, msg::PushReserveRequest>) {
          OnPushReserve(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::PushReserveResponse>) {
          OnPushReserveAnswer(id, Status(m.code, m.detail), ctx);
        } else if constexpr (std::is_same_v<T, msg::DataPiece>) {
          OnDataPiece(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::WriteRequest>) {
          OnWrite(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::AppendRequest>) {
          OnAppend(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::ApplyRequest>) {
          OnApply(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::ApplyResponse>) {
          OnApplyAnswer(id, Status(m.code, m.detail), ctx);
        } else if constexpr (std::is_same_v<T, msg::ReadRequest>) {
          OnRead(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::LocalReadRequest>) {
          OnLocalRead(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::ReadResponse>) {
          auto it = clone_reads_.find(id);
          if (it != clone_reads_.end()) OnCloneRead(it->second, in, ctx);
        } else if constexpr (std::is_same_v<T, msg::CloneRequest>) {
          OnClone(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::LocalCopyRequest>) {
          OnLocalCopy(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::CorruptionAck>) {
          // nothing to do
        } else if constexpr (std::is_same_v<T, msg::Ping>) {
          ctx.Reply(in, msg::Pong{m.token, address_.node_id}, in.payload);
        } else if constexpr (std::is_same_v<T, msg::ErrorResponse>) {
          const Status error = m.ToStatus();
          if (reserve_upstream_.count(id) != 0) {
            OnPushReserveAnswer(id, error, ctx);
          } else if (apply_requests_.count(id) != 0) {
            OnApplyAnswer(id, error, ctx);
          } else if (auto it = clone_reads_.find(id); it != clone_reads_.end()) {
            FinishClone(it->second, error.WithContext("reading from the source"), ctx);
          } else {
            log_->warn("{} error from {}: {}", address_.node_id, in.peer, error.ToString());
          }
        } else if (in.socket == actors::Socket::kRouter) {
          ctx.Reply(in, msg::ErrorResponse{Code::kUnsupported,
                                           "a chunkserver does not serve " +
                                               msg::KindName(T::kKind)});
        }
      },
      in.message);
  CheckLostChunks(ctx);
}

void ChunkserverActor::OnTimer(actors::TimerId id, Context& ctx) {
  const actors::TimerId range = id & kRangeMask;
  const std::uint64_t key = id & ~kRangeMask;
  if (range == kRequestTimer) {
    if (reserve_upstream_.count(key) != 0) {
      OnPushReserveAnswer(key, Status::Timeout("the next hop did not answer"), ctx);
    } else if (apply_requests_.count(key) != 0) {
      OnApplyAnswer(key, Status::Timeout("no answer"), ctx);
    } else if (auto it = clone_reads_.find(key); it != clone_reads_.end()) {
      FinishClone(it->second, Status::Timeout("the clone source did not answer"), ctx);
    } else if (auto report = length_reports_.find(key); report != length_reports_.end()) {
      const std::uint64_t handle = report->second;  // unanswered: say it again
      length_reports_.erase(report);
      length_dirty_.insert(handle);
      ReportLength(handle, ctx);
    }
    return;
  }
  if (range == kMutationTimer) {
    OnMutationDeadline(key, ctx);
    return;
  }
  if (range == kApplyTimer) {
    // The head of this chunk's apply queue waited too long for its data, or for
    // an earlier order that never came.
    auto it = applies_.find(key);
    if (it == applies_.end() || it->second.waiting.empty() || it->second.syncing) return;
    ApplyQueue& queue = it->second;
    const std::uint64_t head = queue.waiting.begin()->first;
    if (head != queue.last_serial + 1) {
      log_->warn("{} orders {}..{} for chunk {} never came; going on without them",
                 address_.node_id, queue.last_serial + 1, head - 1, key);
      for (std::uint64_t missed = queue.last_serial + 1; missed < head; ++missed) {
        queue.given_up.insert(missed);
      }
      queue.last_serial = head - 1;
    } else {
      AnswerApply(key, Status::DataMissing("the pushed data never reached " + address_.node_id),
                  ctx);
    }
    RunApplies(key, ctx);
    return;
  }
  if (range == kCloneTimer) {
    CloneNext(key, ctx);
    return;
  }
  switch (id) {
    case kRegisterRetry:
      if (!registered_) {
        log_->warn("{} no answer from the master at {}; registering again", address_.node_id,
                   config_.master_rpc);
        SendRegistration(ctx);
      }
      break;
    case kHeartbeat:
      SendHeartbeat(ctx);
      ctx.SetTimer(kHeartbeat, Millis(heartbeat_interval_ms_));
      break;
    case kReport:
      SendReport(ctx);
      ctx.SetTimer(kReport, Millis(report_interval_ms_));
      break;
    case kScrub:
      Scrub(ctx);
      ctx.SetTimer(kScrub, Millis(config_.scrub_interval_ms));
      break;
    case kExpireBuffers:
      for (const auto& data_id : buffers_.Expire(ctx.now())) {
        log_->debug("{} dropped idle pushed data {}", address_.node_id, data_id);
      }
      // Leases that ran out with nothing in flight are forgotten.
      for (auto it = leases_.begin(); it != leases_.end();) {
        const bool done = ctx.now() >= it->second.until && it->second.in_flight == 0 &&
                          !it->second.extending && it->second.revoke_waiters.empty();
        it = done ? leases_.erase(it) : std::next(it);
      }
      ctx.SetTimer(kExpireBuffers,
                   Millis(std::max<std::int64_t>(100, config_.buffer_timeout_ms / 4)));
      break;
    default:
      log_->error("{} fired unknown timer {}", address_.node_id, id);
  }
  CheckLostChunks(ctx);
}

// --- membership ------------------------------------------------------------------

void ChunkserverActor::SendRegistration(Context& ctx) {
  msg::RegisterRequest request;
  request.address = address_;
  request.load = CurrentLoad();
  request.incarnation = incarnation_;
  request.replicas = store_->Report();
  register_request_id_ = NextId();
  ctx.Request(config_.master_rpc, register_request_id_, std::move(request));
  ctx.SetTimer(kRegisterRetry, Millis(config_.register_retry_ms));
}

void ChunkserverActor::OnRegistered(const msg::RegisterResponse& response, Context& ctx) {
  if (response.code != Code::kOk) {
    log_->error("{} registration refused: {}", address_.node_id,
                Status(response.code, response.detail).ToString());
    return;  // the retry timer tries again
  }
  ctx.CancelTimer(kRegisterRetry);
  DeleteChunks(response.delete_chunks);
  if (registered_) return;  // a duplicate answer
  registered_ = true;
  if (response.heartbeat_interval_ms > 0) heartbeat_interval_ms_ = response.heartbeat_interval_ms;
  report_interval_ms_ = std::max<std::int64_t>(100, response.report_interval_ms);
  log_->info("{} registered with the master; heartbeat every {} ms, chunk report every {} ms",
             address_.node_id, heartbeat_interval_ms_, report_interval_ms_);
  ResendCorruptionReports(ctx);  // a restarted master has forgotten them
  SendHeartbeat(ctx);
  ctx.SetTimer(kHeartbeat, Millis(heartbeat_interval_ms_));
  ctx.SetTimer(kReport, Millis(report_interval_ms_));
}

void ChunkserverActor::SendHeartbeat(Context& ctx) {
  msg::Heartbeat heartbeat;
  heartbeat.address = address_;
  heartbeat.load = CurrentLoad();
  heartbeat.incarnation = incarnation_;
  heartbeat.sequence = ++heartbeat_sequence_;
  ctx.Publish(msg::kTopicHeartbeat + address_.node_id, heartbeat.sequence, std::move(heartbeat));
}

void ChunkserverActor::SendReport(Context& ctx) {
  if (!registered_) return;
  msg::ChunkReportRequest report;
  report.node_id = address_.node_id;
  report.incarnation = incarnation_;
  report.replicas = store_->Report();
  report.complete = true;
  ctx.Request(config_.master_rpc, NextId(), std::move(report));
  ResendCorruptionReports(ctx);  // one may have been lost
}

void ChunkserverActor::ResendCorruptionReports(Context& ctx) {
  // Right after a report, on the same connection: the master takes the
  // replica out again if the report put it back. Until the replica is
  // replaced or deleted, which takes it out of corrupt_.
  for (std::uint64_t handle : corrupt_) {
    ctx.Request(config_.master_rpc, NextId(),
                msg::CorruptionReport{address_.node_id, handle, "found corrupt earlier"});
  }
}

void ChunkserverActor::DeleteChunks(const std::vector<std::uint64_t>& handles) {
  for (std::uint64_t handle : handles) {
    auto lease = leases_.find(handle);
    if ((lease != leases_.end() && lease->second.in_flight > 0) || clones_.count(handle) != 0) {
      continue;  // in use; the next report's reply says it again
    }
    leases_.erase(handle);
    applies_.erase(handle);
    const bool corrupt = corrupt_.erase(handle) != 0;
    Status deleted = store_->Delete(handle, /*recycle=*/!corrupt);
    if (deleted.ok()) {
      log_->info("{} deleted chunk {} (the master no longer needs it here)", address_.node_id,
                 handle);
    } else if (deleted.code() != Code::kNotFound) {
      log_->warn("{} cannot delete chunk {}: {}", address_.node_id, handle, deleted.ToString());
    }
  }
}

void ChunkserverActor::CheckLostChunks(Context& ctx) {
  auto lost = store_->TakeLostChunks();
  if (lost.empty()) return;
  log_->error("{} a data folder failed: {} chunks lost here; reporting to the master",
              address_.node_id, lost.size());
  for (std::uint64_t handle : lost) leases_.erase(handle);
  SendReport(ctx);  // a complete report: the master drops the lost replicas at once
}

msg::NodeLoad ChunkserverActor::CurrentLoad() const {
  const DiskSpace space = store_->Space();
  msg::NodeLoad load;
  load.capacity_bytes = space.capacity_bytes;
  load.free_bytes = space.free_bytes;
  load.used_bytes = space.used_bytes;
  load.chunk_count = store_->size();
  load.read_ops = read_ops_;
  load.write_ops = write_ops_;
  load.read_bytes = read_bytes_;
  load.write_bytes = write_bytes_;
  load.local_copy_bytes = local_copy_bytes_;
  load.failed_disks = space.failed_disks;
  return load;
}

// --- versions and leases ----------------------------------------------------------

void ChunkserverActor::OnSetVersion(const Inbound& in, const msg::SetVersionRequest& r,
                                    Context& ctx) {
  auto reply = [&](const Status& status) {
    ctx.Reply(in, msg::SetVersionResponse{status.code(), status.message(), r.handle, r.version});
  };
  const StoredChunk* chunk = store_->Find(r.handle);
  Status status;
  if (chunk == nullptr) {
    status = r.create ? store_->Create(r.handle, r.version, r.chunk_size)
                      : Status::NotFound("no replica of chunk " + std::to_string(r.handle));
  } else if (chunk->version > r.version) {
    status = Status::StaleVersion("replica already at version " + std::to_string(chunk->version));
  } else if (chunk->version < r.expected_version) {
    status = Status::StaleVersion("replica at version " + std::to_string(chunk->version) +
                                  ", not the " + std::to_string(r.expected_version) +
                                  " the master counts on");
  } else if (r.primary && r.sync_mutations && corrupt_.count(r.handle) == 0) {
    // Alone, this replica will hold the only copy of what the lease writes:
    // it must be whole first, or acknowledged bytes would sit next to rot
    // that makes the chunk unreadable.
    status = store_->Verify(r.handle);
    if (status.code() == Code::kCorruption) ReportCorruption(r.handle, status.message(), ctx);
  }
  if (status.ok() && chunk != nullptr && chunk->version < r.version) {
    status = store_->SetVersion(r.handle, r.version);
  }
  if (status.ok() && corrupt_.count(r.handle) != 0) {
    status = Status::Corruption("replica of chunk " + std::to_string(r.handle) + " is corrupt");
  }
  if (!status.ok()) {
    reply(status);
    return;
  }
  if (r.primary) {
    PrimaryLease& lease = leases_[r.handle];
    if (lease.version != r.version) {
      lease.next_serial = 1;
      lease.in_flight = 0;
    }
    lease.version = r.version;
    lease.lease_ms = r.lease_ms;
    lease.until = ctx.now() + Millis(r.lease_ms) - LeaseSafetyMargin(r.lease_ms);
    lease.secondaries = r.secondaries;
    lease.sync_mutations = r.sync_mutations;
    lease.extending = false;
  } else {
    leases_.erase(r.handle);
  }
  reply(Status::Ok());
}

bool ChunkserverActor::IsPrimary(std::uint64_t handle, Millis now) const {
  auto it = leases_.find(handle);
  return it != leases_.end() && now < it->second.until;
}

void ChunkserverActor::OnRevokeLease(const Inbound& in, const msg::RevokeLeaseRequest& r,
                                     Context& ctx) {
  auto it = leases_.find(r.handle);
  if (it == leases_.end()) {
    ctx.Reply(in, msg::RevokeLeaseResponse{Code::kOk, r.handle, ChunkLength(r.handle)});
    return;
  }
  // No new mutations from now on; answer once those already ordered are done.
  it->second.until = Millis(0);
  if (it->second.in_flight == 0) {
    leases_.erase(it);
    ctx.Reply(in, msg::RevokeLeaseResponse{Code::kOk, r.handle, ChunkLength(r.handle)});
    return;
  }
  it->second.revoke_waiters.push_back(in);
}

void ChunkserverActor::MaybeExtendLease(std::uint64_t handle, Context& ctx) {
  auto it = leases_.find(handle);
  if (it == leases_.end()) return;
  PrimaryLease& lease = it->second;
  // One request at a time; one whose answer was lost is asked again.
  if (lease.extending && ctx.now() - lease.extend_asked_at < Millis(config_.mutation_timeout_ms)) {
    return;
  }
  // Ask when less than half the lease is left, while mutations flow.
  if ((lease.until - ctx.now()) * 2 > Millis(lease.lease_ms)) return;
  lease.extending = true;
  lease.extend_asked_at = ctx.now();
  lease.extend_request = NextId();
  ctx.Request(config_.master_rpc, lease.extend_request,
              msg::LeaseExtendRequest{address_.node_id, handle, lease.version});
}

void ChunkserverActor::OnLeaseExtended(std::uint64_t request_id, const msg::LeaseExtendResponse& r,
                                       Context& ctx) {
  auto it = leases_.find(r.handle);
  if (it == leases_.end()) return;
  PrimaryLease& lease = it->second;
  // Only the answer to the latest request: the lease is counted from when that
  // one was asked, and an earlier one was granted earlier.
  if (!lease.extending || request_id != lease.extend_request) return;
  lease.extending = false;
  if (r.code != Code::kOk) {
    log_->info("{} the master refused to extend the lease on chunk {}: {}", address_.node_id,
               r.handle, r.detail);
    return;
  }
  // Counted from when we asked, never from when the answer came.
  if (lease.until > Millis(0)) lease.until = lease.extend_asked_at + Millis(r.lease_ms);
  (void)ctx;
}

void ChunkserverActor::ReportCorruption(std::uint64_t handle, const std::string& detail,
                                        Context& ctx) {
  if (!corrupt_.insert(handle).second) return;  // reported already
  log_->error("{} chunk {} is corrupt: {}", address_.node_id, handle, detail);
  ctx.Request(config_.master_rpc, NextId(),
              msg::CorruptionReport{address_.node_id, handle, detail});
}

}  // namespace bucket::chunkserver

namespace bucket::chunkserver {

void ChunkserverActor::Scrub(Context& ctx) {
  // A rate's worth of bytes per run, through the chunks in handle order; chunks
  // in use (leased, with orders queued, being cloned) are left for a later pass.
  std::uint64_t budget =
      config_.scrub_rate_bytes * static_cast<std::uint64_t>(config_.scrub_interval_ms) / 1000;
  const auto chunks = store_->Report();  // sorted by handle
  if (chunks.empty()) return;
  auto resume = std::lower_bound(chunks.begin(), chunks.end(), scrub_handle_,
                                 [](const auto& c, std::uint64_t h) { return c.handle < h; });
  std::size_t i = resume == chunks.end() ? 0 : static_cast<std::size_t>(resume - chunks.begin());
  if (chunks[i].handle != scrub_handle_) scrub_offset_ = 0;
  for (std::size_t steps = 0; budget > 0 && steps < chunks.size();) {
    const auto& chunk = chunks[i];
    scrub_handle_ = chunk.handle;
    const auto& queued = applies_.find(chunk.handle);
    const bool busy = IsPrimary(chunk.handle, ctx.now()) ||
                      (queued != applies_.end() && !queued->second.waiting.empty()) ||
                      clones_.count(chunk.handle) != 0 || corrupt_.count(chunk.handle) != 0;
    if (busy || scrub_offset_ >= chunk.length) {  // done with this one: the next
      i = (i + 1) % chunks.size();
      ++steps;
      scrub_offset_ = 0;
      continue;
    }
    const std::uint64_t n = std::min(budget, chunk.length - scrub_offset_);
    auto checked = store_->Read(chunk.handle, scrub_offset_, n);
    if (!checked.ok() && checked.status().code() == Code::kCorruption) {
      ReportCorruption(chunk.handle, "found by the scrubber: " + checked.status().message(), ctx);
    }
    scrubbed_bytes_ += n;
    scrub_offset_ += n;
    budget -= n;
  }
  CheckLostChunks(ctx);
}

}  // namespace bucket::chunkserver
