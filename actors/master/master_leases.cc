// The master's lease handlers (GFS section 3.1): chunk allocation, lease grants
// with a logged version bump told to every replica before the client hears of
// it, extensions asked by the primary, revocation, and the committed lengths
// that set file sizes. There is never more than one primary per chunk: a new
// one is chosen only once the old lease expired or its revocation was
// acknowledged, and after a restart not before the logged lease end.
#include <algorithm>

#include "actors/master/master_actor.h"
#include "actors/master/timers.h"

namespace bucket::master {

using actors::Context;
using actors::Inbound;
using actors::Millis;

namespace {

constexpr int kGrantAttemptsMax = 3;

}  // namespace

messages::LeaseResponse LeaseError(const Status& why) {
  messages::LeaseResponse response;
  response.code = why.code();
  response.detail = why.message();
  return response;
}

Millis MasterActor::LeaseGrace() const {
  return Millis(std::max<std::int64_t>(100, config_.lease_duration_ms / 10));
}

Millis MasterActor::CommandTimeout() const {
  return Millis(2 * config_.heartbeat_interval_ms + 500);
}

messages::ReplicaLocation MasterActor::ReplicaOf(NodeIndex node) const {
  const ChunkserverInfo* info = chunkservers_.ByIndex(node);
  if (info == nullptr) return {};
  return {info->address.node_id, info->address.rpc_endpoint, info->address.data_endpoint,
          info->address.rack};
}

std::vector<PlacementCandidate> MasterActor::PlacementCandidates(
    const std::vector<std::string>& excluded) const {
  std::vector<PlacementCandidate> candidates;
  for (const auto& [id, info] : chunkservers_.all()) {
    if (!info.usable()) continue;
    if (std::find(excluded.begin(), excluded.end(), id) != excluded.end()) continue;
    candidates.push_back({info.index, info.address.rack, info.utilization(),
                          info.recent_creations});
  }
  return candidates;
}

void MasterActor::NoteCreations(const std::vector<NodeIndex>& nodes) {
  // Counted when chosen, not when granted: a client allocating many chunks at
  // once must see each choice reflected in the next.
  for (NodeIndex node : nodes) {
    if (ChunkserverInfo* info = chunkservers_.ByIndexMutable(node)) ++info->recent_creations;
  }
}

void MasterActor::OnLeaseRequest(const Inbound& in, const messages::LeaseRequest& r,
                                 Context& ctx) {
  if (RefuseInSafeMode(in, ctx)) return;
  auto id = state_.tree().Lookup(r.path);
  const Inode* file = id.ok() ? state_.tree().Find(*id) : nullptr;
  if (file == nullptr || file->is_dir) {
    ReplyWhenDurable(in, LeaseError(id.ok() ? Status::IsADirectory(r.path) : id.status()), ctx);
    return;
  }
  if (r.chunk_index > file->chunks.size()) {
    ReplyWhenDurable(in,
                     LeaseError(Status::InvalidArgument(
                         "chunk " + std::to_string(r.chunk_index) + " of " + r.path +
                         " is past its end (" + std::to_string(file->chunks.size()) +
                         " chunks): chunks are allocated in order")),
                     ctx);
    return;
  }
  if (r.chunk_index < file->chunks.size()) {
    LeaseFor(file->chunks[r.chunk_index], *id, r.chunk_index, r.failed_replicas, in, ctx);
    return;
  }
  // A new chunk. Placement comes first, so that too few chunkservers creates nothing.
  auto nodes = ChooseReplicaNodes(PlacementCandidates(r.failed_replicas), file->replication);
  if (nodes.size() < file->replication) {
    ReplyWhenDurable(in,
                     LeaseError(Status::Unavailable(
                         "a new chunk needs " + std::to_string(file->replication) +
                         " live chunkservers; " + std::to_string(nodes.size()) + " are usable")),
                     ctx);
    return;
  }
  Grant grant;
  grant.handle = state_.next_handle();
  grant.inode = *id;
  grant.index = r.chunk_index;
  grant.version = 2;  // version 1 marks a chunk that was never granted
  grant.chunk_size = file->chunk_size;
  NoteCreations(nodes);
  grant.replicas = std::move(nodes);
  grant.create = true;
  grant.waiters.push_back(in);
  auto added = Commit(AddChunkRecord{*id, r.chunk_index, grant.handle, 1}, ctx);
  if (!added.ok()) {
    ReplyWhenDurable(in, LeaseError(added.status()), ctx);
    return;
  }
  StartGrant(std::move(grant), ctx);
}

bool MasterActor::MayBeLeased(ChunkHandle handle, Context& ctx) const {
  if (leases_.Held(handle, ctx.now()) != nullptr) return true;
  const ChunkInfo* chunk = state_.chunks().Find(handle);
  return chunk != nullptr && leases_.Last(handle) == nullptr &&
         chunk->lease_until_unix_ms > ctx.unix_ms();
}

void MasterActor::LeaseFor(ChunkHandle handle, InodeId inode, std::uint64_t index,
                           const std::vector<std::string>& failed, const Inbound& waiter,
                           Context& ctx) {
  if (auto it = grants_.find(handle); it != grants_.end()) {
    it->second.waiters.push_back(waiter);
    return;
  }
  if (WaitsForSnapshot(handle)) {
    // A snapshot of this chunk is waiting for its lease to end: no new one.
    Block(handle, waiter, CommandTimeout(), ctx);
    return;
  }
  if (repairs_.count(handle) != 0) {
    // Being copied: no mutation until the copy is done (it answers the waiters).
    Block(handle, waiter, CommandTimeout(), ctx);
    return;
  }
  std::set<NodeIndex> excluded;
  for (const auto& name : failed) {
    if (const ChunkserverInfo* info = chunkservers_.Find(name)) excluded.insert(info->index);
  }
  auto unusable = [&](NodeIndex node) {
    const ChunkserverInfo* info = chunkservers_.ByIndex(node);
    return excluded.count(node) != 0 || info == nullptr || info->state == NodeState::kDead;
  };
  if (Lease* lease = leases_.HeldMutable(handle, ctx.now())) {
    const bool broken = unusable(lease->primary) ||
                        std::any_of(lease->secondaries.begin(), lease->secondaries.end(),
                                    unusable);
    if (!broken && !lease->revoking) {
      ReplyLease(waiter, *lease, ctx);
      return;
    }
    // A replica failed: revoke, then grant afresh without it (GFS 3.1).
    if (!lease->revoking) {
      lease->revoking = true;
      const ChunkserverInfo* primary = chunkservers_.ByIndex(lease->primary);
      log_->info("{} revoking the lease on chunk {} held by {}", config_.node_id, handle,
                 primary ? primary->address.node_id : "?");
      if (primary != nullptr) {
        ctx.SendToPeer(primary->address.node_id, next_command_id_++,
                       messages::RevokeLeaseRequest{handle});
      }
    }
    Block(handle, waiter, lease->expires - ctx.now() + Millis(1), ctx);
    return;
  }
  const ChunkInfo* chunk = state_.chunks().Find(handle);
  if (chunk == nullptr) {
    ReplyWhenDurable(waiter, LeaseError(Status::NotFound("chunk " + std::to_string(handle))), ctx);
    return;
  }
  if (leases_.Last(handle) == nullptr && chunk->lease_until_unix_ms > ctx.unix_ms()) {
    // A lease granted before this master started may still be held.
    Block(handle, waiter, Millis(chunk->lease_until_unix_ms - ctx.unix_ms() + 1), ctx);
    return;
  }
  if (CopyOnWriteFirst(handle, inode, index, waiter, ctx)) return;
  Grant grant;
  grant.handle = handle;
  grant.inode = inode;
  grant.index = index;
  grant.version = chunk->NextVersion();
  const Inode* file = state_.tree().Find(inode);
  grant.chunk_size = file ? file->chunk_size : config_.default_chunk_size_bytes;
  for (NodeIndex node : state_.chunks().CurrentReplicas(handle)) {
    const ChunkserverInfo* info = chunkservers_.ByIndex(node);
    if (!unusable(node) && info->writable()) grant.replicas.push_back(node);
  }
  if (grant.replicas.empty() && chunk->version == 1) {
    // Allocated but never granted (the master died in between): nothing to
    // lose, so place it afresh.
    std::vector<std::string> excluded_names(failed.begin(), failed.end());
    grant.replicas = ChooseReplicaNodes(PlacementCandidates(excluded_names),
                                        file ? file->replication : 3);
    NoteCreations(grant.replicas);
    grant.create = true;
  }
  if (grant.replicas.empty()) {
    ReplyWhenDurable(waiter,
                     LeaseError(Status::Unavailable("no live replica of chunk " +
                                                    std::to_string(handle) + " at version " +
                                                    std::to_string(chunk->version))),
                     ctx);
    return;
  }
  grant.waiters.push_back(waiter);
  StartGrant(std::move(grant), ctx);
}

void MasterActor::StartGrant(Grant grant, Context& ctx) {
  ++grant.attempt;
  const std::int64_t lease_until =
      ctx.unix_ms() + config_.lease_duration_ms + LeaseGrace().count();
  auto bumped = Commit(SetVersionRecord{grant.handle, grant.version, lease_until}, ctx);
  if (!bumped.ok()) {
    FailWaiters(std::move(grant.waiters), bumped.status(), ctx);
    return;
  }
  const ChunkHandle handle = grant.handle;
  grant.acked.clear();
  grants_[handle] = std::move(grant);
  // The replicas hear of the new version only once it is durable.
  WhenDurable(ctx, [this, handle](Context& c) { SendVersions(handle, c); });
}

void MasterActor::SendVersions(ChunkHandle handle, Context& ctx) {
  auto it = grants_.find(handle);
  if (it == grants_.end()) return;
  Grant& grant = it->second;
  grant.sent_at = ctx.now();
  grant.primary_told = false;
  // The secondaries first: the primary is then told of exactly those that took
  // the new version, never of one that did not (it would send it mutations).
  grant.outstanding = grant.replicas.size() - 1;
  for (std::size_t i = 1; i < grant.replicas.size(); ++i) {
    SendVersion(grant, grant.replicas[i], /*primary=*/false, ctx);
  }
  if (grant.outstanding == 0) {
    grant.primary_told = true;
    grant.outstanding = 1;
    SendVersion(grant, grant.replicas.front(), /*primary=*/true, ctx);
  }
}

void MasterActor::SendVersion(Grant& grant, NodeIndex node, bool primary, Context& ctx) {
  messages::SetVersionRequest request;
  request.handle = grant.handle;
  request.version = grant.version;
  request.create = grant.create;
  request.chunk_size = grant.chunk_size;
  request.primary = primary;
  request.expected_version = grant.create ? 0 : ReplicaVersion(grant.handle, node);
  if (primary) {
    for (std::size_t i = 1; i < grant.replicas.size(); ++i) {
      if (grant.acked.count(grant.replicas[i]) == 0) continue;
      const auto location = ReplicaOf(grant.replicas[i]);
      request.secondaries.push_back(
          {location.node_id, location.rpc_endpoint, location.data_endpoint});
    }
    request.lease_ms = static_cast<std::uint64_t>(config_.lease_duration_ms);
    request.sync_mutations = request.secondaries.empty();
  }
  const std::uint64_t id = next_command_id_++;
  commands_[id] = PendingCommand{grant.handle, node, grant.version};
  ctx.SendToPeer(ReplicaOf(node).node_id, id, std::move(request));
  ctx.SetTimer(CommandTimer(id), CommandTimeout());
}

void MasterActor::OnSetVersionResponse(const Inbound& in, const messages::SetVersionResponse& r,
                                       Context& ctx) {
  if (r.code != Code::kOk) {
    log_->warn("{} {} refused version {} of chunk {}: {}", config_.node_id, in.peer, r.version,
               r.handle, Status(r.code, r.detail).ToString());
  }
  OnCommandAnswered(in.header.request_id, r.code == Code::kOk, ctx);
}

void MasterActor::OnCommandAnswered(std::uint64_t request_id, bool ok, Context& ctx) {
  auto command = commands_.find(request_id);
  if (command == commands_.end()) return;
  const PendingCommand done = command->second;
  commands_.erase(command);
  ctx.CancelTimer(CommandTimer(request_id));
  if (done.local_copy) {
    OnLocalCopyAnswered(done.handle, done.node, ok, ctx);
    return;
  }
  if (done.repair) {
    auto repair = repairs_.find(done.handle);
    if (repair == repairs_.end()) return;
    const std::uint64_t expected =
        repair->second.bumping ? repair->second.bump_version : repair->second.version;
    if (done.version == expected) OnRepairAnswered(done.handle, done.node, ok, ctx);
    return;
  }
  auto grant = grants_.find(done.handle);
  if (grant == grants_.end() || grant->second.version != done.version) return;
  Grant& pending = grant->second;
  if (ok) pending.acked.insert(done.node);
  if (--pending.outstanding > 0) return;
  if (!pending.primary_told) {
    pending.primary_told = true;
    pending.outstanding = 1;
    SendVersion(pending, pending.replicas.front(), /*primary=*/true, ctx);
    return;
  }
  FinishGrant(done.handle, ctx);
}

const Inode* MasterActor::FileHolding(InodeId inode, std::uint64_t index,
                                      ChunkHandle handle) const {
  const Inode* file = state_.tree().Find(inode);
  const bool holds = file != nullptr && !file->is_dir && index < file->chunks.size() &&
                     file->chunks[index] == handle;
  return holds ? file : nullptr;
}

Lease MasterActor::LeaseOf(const Grant& grant) const {
  Lease lease;
  lease.handle = grant.handle;
  lease.primary = grant.replicas.front();
  lease.version = grant.version;
  lease.expires = grant.sent_at + Millis(config_.lease_duration_ms) + LeaseGrace();
  lease.inode = grant.inode;
  lease.index = grant.index;
  return lease;
}

void MasterActor::FinishGrant(ChunkHandle handle, Context& ctx) {
  Grant grant = std::move(grants_.at(handle));
  grants_.erase(handle);
  const NodeIndex primary = grant.replicas.front();
  if (grant.acked.count(primary) == 0 && grant.primary_told) {
    // The primary was told but its answer never came: it may hold the lease.
    // No other primary until it gives the lease up or the lease runs out.
    for (NodeIndex node : grant.acked) state_.chunks().AddReplica(handle, node, grant.version);
    if (grant.create && grant.acked.empty()) {
      (void)Commit(SetVersionRecord{handle, 1, 0, grant.version}, ctx);  // as below
    }
    Lease unconfirmed = LeaseOf(grant);
    unconfirmed.revoking = true;
    leases_.Grant(unconfirmed);
    ctx.SendToPeer(ReplicaOf(primary).node_id, next_command_id_++,
                   messages::RevokeLeaseRequest{handle});
    for (const Inbound& waiter : grant.waiters) {
      Block(handle, waiter, unconfirmed.expires - ctx.now() + Millis(1), ctx);
    }
    return;
  }
  if (grant.acked.size() < grant.replicas.size()) {
    // The primary never took the version, or a secondary's answer was lost (it
    // may have taken the version anyway, and would then look current while
    // missing every mutation of this lease): one more bump, with those that
    // answered, leaves the others stale for good.
    std::vector<NodeIndex> took;
    for (NodeIndex node : grant.replicas) {
      if (grant.acked.count(node) != 0) took.push_back(node);
    }
    if (!took.empty() && grant.attempt < kGrantAttemptsMax) {
      grant.replicas = std::move(took);
      grant.version += 1;
      grant.create = false;
      StartGrant(std::move(grant), ctx);
      return;
    }
    if (grant.create && took.empty()) {
      // Created nowhere: back to "never granted" (placed afresh next time),
      // above the versions issued so that none is ever issued twice.
      (void)Commit(SetVersionRecord{handle, 1, 0, grant.version}, ctx);
    }
    FailWaiters(std::move(grant.waiters),
                Status::Unavailable("chunk " + std::to_string(handle) + ": " +
                                    (took.empty() ? "no replica accepted the new version"
                                                  : "replicas kept missing the version bump")),
                ctx);
    return;
  }
  Lease lease = LeaseOf(grant);
  for (NodeIndex node : grant.replicas) {  // every one took the version (see above)
    state_.chunks().AddReplica(handle, node, grant.version);
    if (node != primary) lease.secondaries.push_back(node);
  }
  if (FileHolding(grant.inode, grant.index, handle) == nullptr) {
    // The file moved on while the version was bumped (a copy-on-write took its
    // own chunk, the file went): no lease on a chunk it no longer reads. Asked
    // again, the requests find what the file holds now.
    for (const Inbound& waiter : grant.waiters) {
      OnLeaseRequest(waiter, std::get<messages::LeaseRequest>(waiter.message), ctx);
    }
    return;
  }
  log_->debug("{} lease on chunk {} v{} to {}", config_.node_id, handle, grant.version,
              ReplicaOf(primary).node_id);
  leases_.Grant(lease);
  for (const Inbound& waiter : grant.waiters) ReplyLease(waiter, lease, ctx);
}

void MasterActor::ReplyLease(const Inbound& waiter, const Lease& lease, Context& ctx) {
  messages::LeaseResponse response;
  response.chunk.index = lease.index;
  response.chunk.handle = lease.handle;
  response.chunk.version = lease.version;
  response.chunk.replicas.push_back(ReplicaOf(lease.primary));
  for (NodeIndex node : lease.secondaries) response.chunk.replicas.push_back(ReplicaOf(node));
  if (const ChunkInfo* chunk = state_.chunks().Find(lease.handle)) {
    response.chunk.references = chunk->references;
  }
  const Inode* file = state_.tree().Find(lease.inode);
  response.chunk_size = file ? file->chunk_size : config_.default_chunk_size_bytes;
  response.lease_expires_in_ms =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, (lease.expires - ctx.now()).count()));
  ReplyWhenDurable(waiter, std::move(response), ctx);
}

void MasterActor::FailWaiters(std::vector<Inbound> waiters, const Status& why, Context& ctx) {
  for (const Inbound& waiter : waiters) ReplyWhenDurable(waiter, LeaseError(why), ctx);
}

void MasterActor::Block(ChunkHandle handle, const Inbound& waiter, Millis retry_after,
                        Context& ctx) {
  blocked_[handle].push_back(waiter);
  ctx.SetTimer(BlockedTimer(handle), std::max(retry_after, Millis(1)));
}

void MasterActor::RetryBlocked(ChunkHandle handle, Context& ctx) {
  auto it = blocked_.find(handle);
  if (it == blocked_.end()) return;
  auto waiters = std::move(it->second);
  blocked_.erase(it);
  ctx.CancelTimer(BlockedTimer(handle));
  for (const Inbound& waiter : waiters) {
    OnLeaseRequest(waiter, std::get<messages::LeaseRequest>(waiter.message), ctx);
  }
}

void MasterActor::OnLeaseExtend(const Inbound& in, const messages::LeaseExtendRequest& r,
                                Context& ctx) {
  const ChunkserverInfo* node = chunkservers_.Find(r.node_id);
  Lease* lease = leases_.HeldMutable(r.handle, ctx.now());
  if (node == nullptr || lease == nullptr || lease->primary != node->index || lease->revoking ||
      lease->version != r.version) {
    ctx.Reply(in, messages::LeaseExtendResponse{Code::kLeaseExpired,
                                                "no lease on chunk " + std::to_string(r.handle) +
                                                    " for " + r.node_id,
                                                r.handle, 0});
    return;
  }
  lease->expires = ctx.now() + Millis(config_.lease_duration_ms) + LeaseGrace();
  const std::int64_t lease_until =
      ctx.unix_ms() + config_.lease_duration_ms + LeaseGrace().count();
  auto logged = Commit(SetVersionRecord{r.handle, r.version, lease_until}, ctx);
  if (!logged.ok()) return;  // the master is stopping
  ReplyWhenDurable(in,
                   messages::LeaseExtendResponse{Code::kOk, "", r.handle,
                                                 static_cast<std::uint64_t>(
                                                     config_.lease_duration_ms)},
                   ctx);
}

void MasterActor::OnRevokeResponse(const messages::RevokeLeaseResponse& r, Context& ctx) {
  const Lease* lease = leases_.Last(r.handle);
  if (lease == nullptr || !lease->revoking) return;
  log_->info("{} lease on chunk {} given up by its primary", config_.node_id, r.handle);
  if (r.code == Code::kOk) {
    if (const Inode* file = FileHolding(lease->inode, lease->index, r.handle)) {
      const std::uint64_t size = lease->index * file->chunk_size + r.length;
      if (size > file->size) (void)Commit(SetSizeRecord{lease->inode, size}, ctx);
    }
  }
  leases_.Release(r.handle);
  TryPendingSnapshots(ctx);
  RetryBlocked(r.handle, ctx);
}

void MasterActor::OnCommittedLength(const Inbound& in, const messages::CommittedLengthReport& r,
                                    Context& ctx) {
  const ChunkserverInfo* node = chunkservers_.Find(r.node_id);
  const Lease* lease = leases_.Last(r.handle);
  const bool from_primary = node != nullptr && lease != nullptr &&
                            lease->primary == node->index && lease->version == r.version;
  if (!from_primary) {
    ctx.Reply(in, messages::CommittedLengthAck{Code::kStaleVersion});
    return;
  }
  if (const Inode* file = FileHolding(lease->inode, lease->index, r.handle)) {
    const std::uint64_t size = lease->index * file->chunk_size + r.length;
    if (size > file->size) {
      auto logged = Commit(SetSizeRecord{lease->inode, size}, ctx);
      if (!logged.ok()) return;
    }
  }
  ReplyWhenDurable(in, messages::CommittedLengthAck{Code::kOk}, ctx);
}

}  // namespace bucket::master
