// Snapshots (GFS 3.4): revoke the leases on the source's chunks, log the
// snapshot, and let the copies share the chunks; the first write to a shared
// chunk then has every replica copy it locally (copy-on-write) before a lease
// is granted on the file's own copy.
#include "actors/master/master_actor.h"
#include "actors/master/timers.h"

namespace bucket::master {

using actors::Context;
using actors::Inbound;
using actors::Millis;

namespace {

// Every chunk of every file at or under `id`.
void CollectChunks(const NamespaceTree& tree, InodeId id, std::vector<ChunkHandle>* out) {
  const Inode* inode = tree.Find(id);
  if (inode == nullptr) return;
  if (!inode->is_dir) {
    out->insert(out->end(), inode->chunks.begin(), inode->chunks.end());
    return;
  }
  tree.ForEachChild(id, [&](const std::string&, InodeId child) { CollectChunks(tree, child, out); });
}

}  // namespace

void MasterActor::OnSnapshot(const Inbound& in, const messages::SnapshotRequest& r,
                             Context& ctx) {
  const RetryKey key = KeyOf(in);
  if (state_.AlreadyApplied(key, ctx.unix_ms())) {
    ReplyWhenDurable(in, messages::NamespaceResponse{Code::kOk, ""}, ctx);
    return;
  }
  if (RefuseInSafeMode(in, ctx)) return;
  for (PendingSnapshot& pending : snapshots_) {
    if (pending.record.retry.client_id == key.client_id &&
        pending.record.retry.request_id == key.request_id) {
      pending.in = in;  // a resend while it waits: answered once, when it is done
      return;
    }
  }
  auto source = state_.tree().Lookup(r.from);
  if (!source.ok()) {
    ReplyWhenDurable(in, messages::NamespaceResponse{source.status().code(),
                                                     source.status().message()},
                     ctx);
    return;
  }
  PendingSnapshot pending{in, SnapshotRecord{key, r.from, r.to, r.parents, 0}, {}};
  CollectChunks(state_.tree(), *source, &pending.handles);
  // Writers must not land in the snapshot: every lease on a source chunk is
  // given up (or runs out) before the snapshot is logged, and no new one is
  // granted meanwhile.
  for (ChunkHandle handle : pending.handles) {
    snapshot_handles_.insert(handle);
    Lease* lease = leases_.HeldMutable(handle, ctx.now());
    if (lease == nullptr || lease->revoking) continue;
    lease->revoking = true;
    if (const ChunkserverInfo* primary = chunkservers_.ByIndex(lease->primary)) {
      ctx.SendToPeer(primary->address.node_id, next_command_id_++,
                     messages::RevokeLeaseRequest{handle});
    }
  }
  log_->info("{} snapshot of {} to {}: {} chunks", config_.node_id, r.from, r.to,
             pending.handles.size());
  snapshots_.push_back(std::move(pending));
  TryPendingSnapshots(ctx);
}

void MasterActor::TryPendingSnapshots(Context& ctx) {
  std::optional<Millis> next_expiry;
  for (auto it = snapshots_.begin(); it != snapshots_.end();) {
    bool leased = false;
    for (ChunkHandle handle : it->handles) {
      std::optional<Millis> expires;
      if (const Lease* lease = leases_.Held(handle, ctx.now())) {
        expires = lease->expires;
      } else if (const ChunkInfo* chunk = state_.chunks().Find(handle);
                 chunk != nullptr && leases_.Last(handle) == nullptr &&
                 chunk->lease_until_unix_ms > ctx.unix_ms()) {
        // Granted before this master started: it may still be held.
        expires = ctx.now() + Millis(chunk->lease_until_unix_ms - ctx.unix_ms() + 1);
      }
      if (expires) {
        leased = true;
        if (!next_expiry || *expires < *next_expiry) next_expiry = expires;
      }
    }
    if (leased) {
      ++it;
      continue;
    }
    PendingSnapshot done = std::move(*it);
    it = snapshots_.erase(it);
    done.record.unix_ms = ctx.unix_ms();
    auto applied = Commit(done.record, ctx);
    ReplyWhenDurable(done.in,
                     messages::NamespaceResponse{applied.status().code(),
                                                 applied.status().message()},
                     ctx);
    for (ChunkHandle handle : done.handles) {
      snapshot_handles_.erase(snapshot_handles_.find(handle));
    }
    // Lease requests held back meanwhile now find the chunks shared.
    for (ChunkHandle handle : done.handles) {
      if (!WaitsForSnapshot(handle)) RetryBlocked(handle, ctx);
    }
  }
  if (next_expiry) ctx.SetTimer(kSnapshotRetry, std::max(*next_expiry - ctx.now(), Millis(1)));
}

bool MasterActor::CopyOnWriteFirst(ChunkHandle handle, InodeId inode, std::uint64_t index,
                                   const Inbound& waiter, Context& ctx) {
  // A copy already under way for this chunk of this file takes the request,
  // even once the other side's copy has left this one alone on the chunk.
  for (auto& [copy, op] : copies_) {
    if (op.inode == inode && op.index == index) {
      op.waiters.push_back(waiter);
      return true;
    }
  }
  const ChunkInfo* chunk = state_.chunks().Find(handle);
  if (chunk == nullptr || chunk->references <= 1) return false;
  CopyOnWrite op;
  op.old_handle = handle;
  op.inode = inode;
  op.index = index;
  op.version = chunk->version;
  for (NodeIndex node : state_.chunks().CurrentReplicas(handle)) {
    const ChunkserverInfo* info = chunkservers_.ByIndex(node);
    if (info != nullptr && info->state != NodeState::kDead && info->writable()) {
      op.asked.push_back(node);
    }
  }
  // Allocated but never granted, it holds nothing: the copy is placed afresh.
  op.holds_nothing = op.asked.empty() && chunk->version <= 1;
  if (op.asked.empty() && !op.holds_nothing) {
    ReplyWhenDurable(waiter,
                     LeaseError(Status::Unavailable("no live replica of shared chunk " +
                                                    std::to_string(handle) + " to copy")),
                     ctx);
    return true;
  }
  op.waiters.push_back(waiter);
  // The copy's handle is logged as taken before any chunkserver hears of it.
  const ChunkHandle copy = state_.next_handle();
  auto reserved = Commit(ReserveHandlesRecord{copy + 1}, ctx);
  if (!reserved.ok()) {
    FailWaiters(std::move(op.waiters), reserved.status(), ctx);
    return true;
  }
  log_->info("{} copy-on-write of shared chunk {} as {} on {} replicas", config_.node_id, handle,
             copy, op.asked.size());
  const bool holds_nothing = op.holds_nothing;
  copies_[copy] = std::move(op);
  WhenDurable(ctx, [this, copy, holds_nothing](Context& c) {
    if (holds_nothing) {
      FinishCopyOnWrite(copy, c);
    } else {
      SendLocalCopies(copy, c);
    }
  });
  return true;
}

void MasterActor::SendLocalCopies(ChunkHandle copy, Context& ctx) {
  auto it = copies_.find(copy);
  if (it == copies_.end()) return;
  CopyOnWrite& op = it->second;
  op.outstanding = op.asked.size();
  for (NodeIndex node : op.asked) {
    const std::uint64_t id = next_command_id_++;
    PendingCommand command;
    command.handle = copy;
    command.node = node;
    command.version = op.version;
    command.local_copy = true;
    commands_[id] = command;
    ctx.SendToPeer(ReplicaOf(node).node_id, id,
                   messages::LocalCopyRequest{op.old_handle, op.version, copy});
    ctx.SetTimer(CommandTimer(id), CommandTimeout());
  }
}

void MasterActor::OnLocalCopyAnswered(ChunkHandle copy, NodeIndex node, bool ok, Context& ctx) {
  auto it = copies_.find(copy);
  if (it == copies_.end()) return;
  if (ok) it->second.copied.push_back(node);
  if (--it->second.outstanding == 0) FinishCopyOnWrite(copy, ctx);
}

void MasterActor::FinishCopyOnWrite(ChunkHandle copy, Context& ctx) {
  CopyOnWrite op = std::move(copies_.at(copy));
  copies_.erase(copy);
  if (op.copied.empty() && !op.holds_nothing) {
    FailWaiters(std::move(op.waiters),
                Status::Unavailable("no replica could copy shared chunk " +
                                    std::to_string(op.old_handle)),
                ctx);
    return;
  }
  auto applied = Commit(CopyChunkRecord{op.inode, op.index, op.old_handle, copy, op.version}, ctx);
  if (applied.ok()) {
    for (NodeIndex node : op.copied) state_.chunks().AddReplica(copy, node, op.version);
  }
  // Asked again, the lease requests now find the file's own chunk (or, if the
  // file changed meanwhile, whatever it holds now); a copy nobody took is an
  // orphan, removed when its chunkservers next report it.
  for (const Inbound& waiter : op.waiters) {
    OnLeaseRequest(waiter, std::get<messages::LeaseRequest>(waiter.message), ctx);
  }
}

}  // namespace bucket::master
