// Mutations (GFS section 3.1, 3.3): the primary orders writes and record
// appends by serial number under its lease, applies each locally and has every
// secondary apply it; it answers once all have, or names the replicas that
// failed. Secondaries apply in the order the primary sent.
#include "actors/chunkserver/chunkserver_actor.h"
#include "actors/chunkserver/timers.h"

namespace bucket::chunkserver {

using actors::Context;
using actors::Inbound;
using actors::Millis;
namespace msg = messages;

Status ChunkserverActor::CheckPrimary(std::uint64_t handle, std::uint64_t version,
                                      Millis now) const {
  auto lease = leases_.find(handle);
  if (lease == leases_.end()) {
    return Status::NotPrimary(address_.node_id + " holds no lease on chunk " +
                              std::to_string(handle) + "; ask the master");
  }
  // Checked on every mutation, not only when a timer fires.
  if (now >= lease->second.until) {
    return Status::LeaseExpired("the lease on chunk " + std::to_string(handle) + " at " +
                                address_.node_id + " has expired; ask the master");
  }
  const StoredChunk* chunk = store_->Find(handle);
  if (chunk == nullptr) return Status::NotFound("no replica of chunk " + std::to_string(handle));
  if (version != lease->second.version || chunk->version != version) {
    return Status::StaleVersion("chunk " + std::to_string(handle) + " is at version " +
                                std::to_string(chunk->version) + ", the request says " +
                                std::to_string(version));
  }
  return Status::Ok();
}

void ChunkserverActor::OnWrite(const Inbound& in, const msg::WriteRequest& r, Context& ctx) {
  Status allowed = CheckPrimary(r.handle, r.version, ctx.now());
  if (allowed.ok() && r.offset + r.length > store_->Find(r.handle)->chunk_size) {
    allowed = Status::InvalidArgument("write past the end of the chunk");
  }
  if (!allowed.ok()) {
    ctx.Reply(in, msg::WriteResponse{allowed.code(), allowed.message(), {}, 0});
    return;
  }
  Mutation m;
  m.request = in;
  m.handle = r.handle;
  m.version = r.version;
  m.offset = r.offset;
  m.data_id = r.data_id;
  m.length = r.length;
  m.answer_by = AnswerBy(r.answer_within_ms, ctx.now());
  StartMutation(std::move(m), ctx);
}

void ChunkserverActor::OnAppend(const Inbound& in, const msg::AppendRequest& r, Context& ctx) {
  Status allowed = CheckPrimary(r.handle, r.version, ctx.now());
  if (allowed.ok()) {
    const std::uint64_t chunk_size = store_->Find(r.handle)->chunk_size;
    if (r.length > chunk_size / 4) {
      allowed = Status::InvalidArgument("a record of " + std::to_string(r.length) +
                                        " bytes is larger than a quarter of the chunk (" +
                                        std::to_string(chunk_size / 4) + " bytes)");
    }
  }
  if (!allowed.ok()) {
    ctx.Reply(in, msg::AppendResponse{allowed.code(), allowed.message(), 0, {}});
    return;
  }
  Mutation m;
  m.request = in;
  m.append = true;
  m.handle = r.handle;
  m.version = r.version;
  m.data_id = r.data_id;
  m.length = r.length;
  m.answer_by = AnswerBy(r.answer_within_ms, ctx.now());
  StartMutation(std::move(m), ctx);
}

Millis ChunkserverActor::AnswerBy(std::uint64_t answer_within_ms, Millis now) const {
  // The data and the secondaries share one wait, so a failed mutation is
  // answered within mutation_timeout. A client may wait less (or, as by
  // default, as long): answer within three quarters of its wait, leaving the
  // rest for the time the request queued and the answer's way back. An
  // answer after the client gave up is lost, and the client blames us, the
  // primary, for what a silent secondary did.
  Millis budget(config_.mutation_timeout_ms);
  if (answer_within_ms > 0) {
    const auto client_wait = static_cast<std::int64_t>(std::min<std::uint64_t>(
        answer_within_ms, static_cast<std::uint64_t>(config_.mutation_timeout_ms) * 2));
    budget = std::min(budget, Millis(client_wait * 3 / 4));
  }
  return now + budget;
}

void ChunkserverActor::StartMutation(Mutation mutation, Context& ctx) {
  const std::uint64_t id = NextId();
  const std::string data_id = mutation.data_id;
  const std::uint64_t handle = mutation.handle;
  ++leases_.at(handle).in_flight;
  mutations_.emplace(id, std::move(mutation));
  MaybeExtendLease(handle, ctx);
  if (buffers_.Complete(data_id)) {
    ExecuteMutation(id, ctx);
    return;
  }
  // The data may still be on its way down the chain: wait for it, within a bound.
  waiting_data_.emplace(data_id, id);
  const Millis answer_by = mutations_.at(id).answer_by;
  ctx.SetTimer(kMutationTimer | id, std::max(Millis(0), answer_by - ctx.now()));
}

void ChunkserverActor::OnMutationDeadline(std::uint64_t id, Context& ctx) {
  auto it = mutations_.find(id);
  if (it == mutations_.end()) return;
  auto [first, last] = waiting_data_.equal_range(it->second.data_id);
  for (auto w = first; w != last; ++w) {
    if (w->second == id) {
      waiting_data_.erase(w);
      break;
    }
  }
  FinishMutation(id,
                 Status::DataMissing("the pushed data did not all reach " + address_.node_id +
                                     " in time to answer (data.mutation_timeout is " +
                                     std::to_string(config_.mutation_timeout_ms) + " ms)"),
                 ctx);
}

void ChunkserverActor::ExecuteMutation(std::uint64_t id, Context& ctx) {
  ctx.CancelTimer(kMutationTimer | id);
  Mutation& m = mutations_.at(id);
  Status ready = buffers_.Check(m.data_id, m.length);
  // The lease may have run out while the data was on its way.
  if (ready.ok()) ready = CheckPrimary(m.handle, m.version, ctx.now());
  if (!ready.ok()) {
    FinishMutation(id, ready, ctx);
    return;
  }
  PrimaryLease& lease = leases_.at(m.handle);
  m.serial = lease.next_serial++;
  const StoredChunk& chunk = *store_->Find(m.handle);
  Status applied;
  if (m.append && chunk.length + m.length > chunk.chunk_size) {
    // The record does not fit: pad the chunk everywhere; the client retries on the next.
    m.padded = true;
    m.offset = chunk.chunk_size;
    applied = store_->PadTo(m.handle, chunk.chunk_size);
  } else {
    if (m.append) m.offset = chunk.length;
    const auto pushed = buffers_.Pieces(m.data_id);
    applied = store_->Write(m.handle, m.offset, pushed.pieces, pushed.known);
  }
  buffers_.Release(m.data_id);
  if (!applied.ok()) {
    m.failed.push_back(address_.node_id);
    FinishMutation(id, applied.WithContext(address_.node_id), ctx);
    return;
  }
  log_->debug("{} primary: chunk {} v{} serial {} {} {} bytes at {}", address_.node_id, m.handle,
              m.version, m.serial, m.padded ? "pad" : "write", m.length, m.offset);
  ++write_ops_;
  write_bytes_ += m.padded ? 0 : m.length;
  if (config_.durability == "fsync" || lease.sync_mutations) {
    m.local_durable = false;
    ctx.RequestSync(kMutationSync | id, store_->SyncWorkFor(m.handle));
  }
  SendApplies(id, ctx);
  MaybeFinishMutation(id, ctx);
}

void ChunkserverActor::SendApplies(std::uint64_t id, Context& ctx) {
  Mutation& m = mutations_.at(id);
  for (const auto& secondary : leases_.at(m.handle).secondaries) {
    msg::ApplyRequest order;
    order.handle = m.handle;
    order.version = m.version;
    order.serial = m.serial;
    order.kind = m.padded ? msg::ApplyKind::kPad : msg::ApplyKind::kWrite;
    order.offset = m.offset;
    order.data_id = m.padded ? "" : m.data_id;
    order.length = m.padded ? 0 : m.length;
    order.primary = address_.node_id;
    // At least 1 ms: 0 would say "unsaid" to the secondary.
    const Millis left = std::max(Millis(1), m.answer_by - ctx.now());
    order.answer_within_ms = static_cast<std::uint64_t>(left.count());
    const std::uint64_t request = NextId();
    apply_requests_[request] = {id, secondary.node_id};
    m.waiting.insert(secondary.node_id);
    ctx.Request(secondary.rpc_endpoint, request, std::move(order));
    ctx.SetTimer(kRequestTimer | request, left);
  }
}

void ChunkserverActor::OnApplyAnswer(std::uint64_t request_id, const Status& status,
                                     Context& ctx) {
  auto it = apply_requests_.find(request_id);
  if (it == apply_requests_.end()) return;
  const auto [id, node] = it->second;
  apply_requests_.erase(it);
  ctx.CancelTimer(kRequestTimer | request_id);
  auto m = mutations_.find(id);
  if (m == mutations_.end()) return;
  m->second.waiting.erase(node);
  if (!status.ok()) NoteReplicaFailure(m->second, node, status);
  MaybeFinishMutation(id, ctx);
}

void ChunkserverActor::NoteReplicaFailure(Mutation& m, const std::string& node,
                                          const Status& status) {
  // A replica that refused the push (its buffers were full) is sound: it only
  // missed this mutation, whose region then differs between replicas as after
  // any failed mutation (GFS 3.3), so it is not named for the master to
  // exclude; the client retries. One the data did not reach is named only if
  // no replica was silent or caught the data damaged: that one may be the hop
  // before it in the push chain, where the data stopped (MaybeFinishMutation).
  if (status.code() == Code::kDataMissing) {
    m.data_missing.push_back(node);
  } else if (status.code() != Code::kBusy) {
    m.failed.push_back(node);
  }
  if (status.code() == Code::kTimeout || status.code() == Code::kCorruption) {
    m.push_may_have_stopped = true;
  }
  if (!m.failure.empty()) m.failure += "; ";
  m.failure += node + ": " + status.ToString();
  // A common cause (every failure a full disk) is passed on as such.
  const bool same = m.failure_code == Code::kOk || m.failure_code == status.code();
  m.failure_code = same && status.code() != Code::kTimeout ? status.code() : Code::kUnavailable;
}

void ChunkserverActor::MaybeFinishMutation(std::uint64_t id, Context& ctx) {
  Mutation& m = mutations_.at(id);
  if (!m.waiting.empty() || !m.local_durable) return;
  if (m.failure_code == Code::kOk) {
    FinishMutation(id, Status::Ok(), ctx);
  } else {
    if (!m.push_may_have_stopped) {
      m.failed.insert(m.failed.end(), m.data_missing.begin(), m.data_missing.end());
    }
    FinishMutation(id, Status(m.failure_code, "replicas failed: " + m.failure), ctx);
  }
}

void ChunkserverActor::FinishMutation(std::uint64_t id, const Status& status, Context& ctx) {
  auto it = mutations_.find(id);
  if (it == mutations_.end()) return;
  Mutation m = std::move(it->second);
  mutations_.erase(it);
  ctx.CancelTimer(kMutationTimer | id);
  if (buffers_.Has(m.data_id) && !buffers_.Complete(m.data_id)) buffers_.Release(m.data_id);
  const StoredChunk* chunk = store_->Find(m.handle);
  if (m.append) {
    msg::AppendResponse response{status.code(), status.message(), m.offset, m.failed};
    if (status.ok() && m.padded) {
      response.code = Code::kRetryNextChunk;
      response.detail = "the record did not fit in chunk " + std::to_string(m.handle) +
                        "; it was padded: append to the next chunk";
    }
    ctx.Reply(m.request, std::move(response));
  } else {
    ctx.Reply(m.request, msg::WriteResponse{status.code(), status.message(), m.failed,
                                            chunk ? chunk->length : 0});
  }
  if (status.ok()) {
    length_dirty_.insert(m.handle);
    ReportLength(m.handle, ctx);
  }
  auto lease = leases_.find(m.handle);
  if (lease != leases_.end() && lease->second.in_flight > 0 && --lease->second.in_flight == 0 &&
      !lease->second.revoke_waiters.empty()) {
    for (const Inbound& waiter : lease->second.revoke_waiters) {
      ctx.Reply(waiter, msg::RevokeLeaseResponse{Code::kOk, m.handle, ChunkLength(m.handle)});
    }
    leases_.erase(lease);
  }
}

void ChunkserverActor::ReportLength(std::uint64_t handle, Context& ctx) {
  for (const auto& [request, h] : length_reports_) {
    if (h == handle) return;  // one at a time; the next goes when this is answered
  }
  const StoredChunk* chunk = store_->Find(handle);
  auto lease = leases_.find(handle);
  if (chunk == nullptr || lease == leases_.end()) {
    length_dirty_.erase(handle);
    return;
  }
  length_dirty_.erase(handle);
  const std::uint64_t id = NextId();
  length_reports_[id] = handle;
  ctx.Request(config_.master_rpc, id,
              msg::CommittedLengthReport{address_.node_id, handle, lease->second.version,
                                         chunk->length});
  ctx.SetTimer(kRequestTimer | id, Millis(config_.mutation_timeout_ms));
}

// --- secondaries ---------------------------------------------------------------------

void ChunkserverActor::OnApply(const Inbound& in, const msg::ApplyRequest& r, Context& ctx) {
  const StoredChunk* chunk = store_->Find(r.handle);
  Status allowed;
  if (chunk == nullptr) {
    allowed = Status::NotFound("no replica of chunk " + std::to_string(r.handle));
  } else if (chunk->version != r.version) {
    allowed = Status::StaleVersion(address_.node_id + " holds chunk " + std::to_string(r.handle) +
                                   " at version " + std::to_string(chunk->version));
  }
  if (!allowed.ok()) {
    ctx.Reply(in, msg::ApplyResponse{allowed.code(), allowed.message(), r.serial});
    return;
  }
  ApplyQueue& queue = applies_[r.handle];
  if (r.version != queue.version) {
    // A new lease: serials start again. Orders of the old one are void.
    for (const auto& [serial, stale] : queue.waiting) {
      ctx.Reply(stale.request, msg::ApplyResponse{Code::kStaleVersion, "a newer lease", serial});
    }
    queue = ApplyQueue{r.version, 0, {}, {}, false};
  }
  if (r.serial <= queue.last_serial || queue.waiting.count(r.serial) != 0) {
    // A duplicate of an order already applied, given up or queued.
    if (r.serial <= queue.last_serial) {
      ctx.Reply(in, queue.given_up.count(r.serial) != 0
                        ? msg::ApplyResponse{Code::kDataMissing,
                                             "order " + std::to_string(r.serial) +
                                                 " was given up: it came too late",
                                             r.serial}
                        : msg::ApplyResponse{Code::kOk, "", r.serial});
    }
    return;
  }
  queue.waiting.emplace(r.serial, Apply{in, r});
  RunApplies(r.handle, ctx);
}

void ChunkserverActor::RunApplies(std::uint64_t handle, Context& ctx) {
  for (;;) {
    auto it = applies_.find(handle);
    if (it == applies_.end() || it->second.waiting.empty() || it->second.syncing) return;
    ApplyQueue& queue = it->second;
    const auto& [serial, head] = *queue.waiting.begin();
    const msg::ApplyRequest& order = head.order;
    const bool in_turn = serial == queue.last_serial + 1;
    if (!in_turn || (order.kind == msg::ApplyKind::kWrite && !buffers_.Complete(order.data_id))) {
      // Half the primary's wait for our answer: a live replica's DataMissing
      // reaches it before it gives up on us, so it can tell a silent replica
      // from one the data did not reach (NoteReplicaFailure).
      std::int64_t primary_waits = config_.mutation_timeout_ms;
      if (order.answer_within_ms > 0) {
        primary_waits = static_cast<std::int64_t>(std::min<std::uint64_t>(
            order.answer_within_ms, static_cast<std::uint64_t>(primary_waits)));
      }
      ctx.SetTimer(kApplyTimer | handle, Millis(primary_waits / 2));
      return;
    }
    ctx.CancelTimer(kApplyTimer | handle);
    Status applied;
    if (order.kind == msg::ApplyKind::kPad) {
      applied = store_->PadTo(handle, order.offset);
    } else {
      applied = buffers_.Check(order.data_id, order.length);
      if (applied.ok()) {
        const auto pushed = buffers_.Pieces(order.data_id);
        applied = store_->Write(handle, order.offset, pushed.pieces, pushed.known);
      }
      buffers_.Release(order.data_id);
    }
    log_->debug("{} secondary: chunk {} v{} serial {} {} {} bytes at {}: {}", address_.node_id,
                handle, order.version, serial,
                order.kind == msg::ApplyKind::kPad ? "pad" : "write", order.length, order.offset,
                applied.ToString());
    if (applied.ok()) {
      ++write_ops_;
      write_bytes_ += order.length;
      if (config_.durability == "fsync") {
        queue.syncing = true;
        ctx.RequestSync(kApplySync | handle, store_->SyncWorkFor(handle));
        return;
      }
    }
    AnswerApply(handle, applied, ctx);
  }
}

void ChunkserverActor::AnswerApply(std::uint64_t handle, const Status& status, Context& ctx) {
  auto it = applies_.find(handle);
  if (it == applies_.end() || it->second.waiting.empty()) return;
  ApplyQueue& queue = it->second;
  auto head = queue.waiting.begin();
  ctx.Reply(head->second.request, msg::ApplyResponse{status.code(), status.message(), head->first});
  if (!status.ok()) queue.given_up.insert(head->first);
  queue.last_serial = head->first;
  queue.waiting.erase(head);
  queue.syncing = false;
}

void ChunkserverActor::OnSyncDone(actors::SyncId id, const Status& status, Context& ctx) {
  const std::uint64_t key = id & ~(kMutationSync | kApplySync);
  if ((id & kMutationSync) != 0) {
    auto it = mutations_.find(key);
    if (it == mutations_.end()) return;
    it->second.local_durable = true;
    if (!status.ok()) {
      NoteReplicaFailure(it->second, address_.node_id,
                         status.WithContext("fdatasync failed"));
    }
    MaybeFinishMutation(key, ctx);
    return;
  }
  if ((id & kApplySync) != 0) {
    AnswerApply(key, status, ctx);
    RunApplies(key, ctx);
  }
}

}  // namespace bucket::chunkserver
