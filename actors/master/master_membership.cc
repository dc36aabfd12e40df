// The master's membership handlers: registrations, heartbeats, chunk reports,
// liveness, and safe mode (which ends once enough of the cluster has reported).
#include "actors/master/master_actor.h"
#include "actors/master/timers.h"

namespace bucket::master {

using actors::Context;
using actors::Inbound;
using actors::Millis;

void MasterActor::OnRegister(const Inbound& in, const messages::RegisterRequest& request,
                             Context& ctx) {
  const ChunkserverInfo* before = chunkservers_.Find(request.address.node_id);
  const bool new_process = before != nullptr && before->incarnation != request.incarnation;
  const StateChange change = chunkservers_.Register(request, ctx.now());
  const ChunkserverInfo* info = chunkservers_.Find(request.address.node_id);
  if (new_process) {
    // A restarted chunkserver holds no lease: writers need not wait for the
    // ones it held to run out.
    std::vector<ChunkHandle> released;
    for (ChunkHandle handle : leases_.Involving(info->index, ctx.now())) {
      const Lease* lease = leases_.Held(handle, ctx.now());
      if (lease == nullptr || lease->primary != info->index) continue;
      leases_.Release(handle);
      released.push_back(handle);
    }
    if (!released.empty()) TryPendingSnapshots(ctx);
    for (ChunkHandle handle : released) RetryBlocked(handle, ctx);
  }
  log_->info("{} chunkserver {} {} ({}); it reports {} chunks", config_.node_id, change.node_id,
             change.type, change.detail, request.replicas.size());
  if (state_.known_chunkservers().count(request.address.node_id) == 0) {
    // Remembered across restarts (see AllChunkserversBack); durable before the reply.
    (void)Commit(ChunkserverJoinedRecord{request.address.node_id}, ctx);
  }
  messages::RegisterResponse response;
  response.heartbeat_interval_ms = static_cast<std::uint32_t>(config_.heartbeat_interval_ms);
  response.report_interval_ms = static_cast<std::uint32_t>(config_.report_interval_ms);
  response.delete_chunks =
      TakeDeletes(info->index, ApplyReport(info->index, request.replicas, /*complete=*/true, ctx));
  ReplyWhenDurable(in, std::move(response), ctx);
  if (change.type != "reregistered") PublishEvent(change.type, change.node_id, 0, change.detail, ctx);
  UpdateSafeMode(ctx);
}

void MasterActor::OnHeartbeat(const messages::Heartbeat& heartbeat, Context& ctx) {
  std::optional<StateChange> change;
  if (!chunkservers_.OnHeartbeat(heartbeat, ctx.now(), &change)) {
    // Unknown to us (we restarted) or declared dead: it must register again so
    // that its chunk report is fresh. Sent by routing id over our ROUTER.
    log_->info("{} heartbeat from unregistered {}: asking it to register", config_.node_id,
               heartbeat.address.node_id);
    ctx.SendToPeer(heartbeat.address.node_id, 0,
                   messages::ReregisterCommand{"the master does not know this incarnation"});
    return;
  }
  if (change) {
    log_->info("{} chunkserver {} {} ({})", config_.node_id, change->node_id, change->type,
               change->detail);
    PublishEvent(change->type, change->node_id, 0, change->detail, ctx);
  }
  ctx.Publish(messages::kTopicHeartbeat + heartbeat.address.node_id, ++heartbeat_sequence_,
              heartbeat);
}

void MasterActor::OnChunkReport(const Inbound& in, const messages::ChunkReportRequest& report,
                                Context& ctx) {
  const ChunkserverInfo* info = chunkservers_.Find(report.node_id);
  if (info == nullptr || info->state == NodeState::kDead ||
      info->incarnation != report.incarnation) {
    ctx.Reply(in, messages::ErrorResponse{Code::kUnavailable,
                                          "not registered with the master: register first"});
    return;
  }
  messages::ChunkReportResponse response;
  response.delete_chunks =
      TakeDeletes(info->index, ApplyReport(info->index, report.replicas, report.complete, ctx));
  ReplyWhenDurable(in, std::move(response), ctx);
  UpdateSafeMode(ctx);
}

std::vector<ChunkHandle> MasterActor::ApplyReport(
    NodeIndex node, const std::vector<messages::ReplicaReport>& replicas, bool complete,
    Context& ctx) {
  // A complete report is the chunkserver's final word on what it holds, but
  // for chunks whose change is still being settled (see below).
  if (complete) {
    std::vector<std::pair<ChunkHandle, std::uint64_t>> settling;
    auto keep = [&](ChunkHandle handle) {
      if (const ChunkInfo* chunk = state_.chunks().Find(handle)) {
        for (const Replica& r : chunk->replicas) {
          if (r.node == node) settling.emplace_back(handle, std::uint64_t{r.version});
        }
      }
    };
    for (const auto& [handle, grant] : grants_) keep(handle);
    // A repair settles only its target's replica (and, while bumping, every
    // holder's); other holders report what they hold.
    for (const auto& [handle, repair] : repairs_) {
      if (repair.target == node || repair.bumping) keep(handle);
    }
    state_.chunks().RemoveNode(node);
    for (const auto& [handle, version] : settling) state_.chunks().AddReplica(handle, node, version);
  }
  std::vector<ChunkHandle> to_delete;
  const auto pending = deletes_.find(node);
  for (const auto& replica : replicas) {
    // Replicas already ordered deleted, or known corrupt, are not counted again.
    if (pending != deletes_.end() && pending->second.count(replica.handle) != 0) continue;
    if (auto bad = corrupt_.find(replica.handle);
        bad != corrupt_.end() && bad->second.count(node) != 0) {
      continue;
    }
    if (ReportWaitsForChange(replica.handle, node, replica.version)) continue;
    switch (state_.chunks().AddReplica(replica.handle, node, replica.version)) {
      case ReplicaVerdict::kCurrent:
        GrowSizeFromReplica(replica, ctx);
        break;
      case ReplicaVerdict::kOrphan:
        // Never in safe mode, and never a handle above any we issued: a master
        // restored from an old backup must not wipe newer data.
        if (!safe_mode_ && replica.handle < state_.next_handle()) {
          to_delete.push_back(replica.handle);
          ++orphans_ordered_;
        }
        break;
      case ReplicaVerdict::kNewer: {
        // We logged a bump, told some replicas, and lost track (GFS 4.5): the
        // higher version is the current one.
        const ChunkInfo* chunk = state_.chunks().Find(replica.handle);
        log_->warn("{} chunk {} reported at version {} above ours ({}): adopting it",
                   config_.node_id, replica.handle, replica.version, chunk->version);
        auto adopted = Commit(SetVersionRecord{replica.handle, replica.version,
                                               chunk->lease_until_unix_ms},
                              ctx);
        if (adopted.ok()) {
          PublishEvent("version_adopted", "", replica.handle,
                       "version " + std::to_string(replica.version) + " reported by a replica",
                       ctx);
        }
        break;
      }
      case ReplicaVerdict::kStale: {
        // Stale replicas are never handed out. Delete one only while two
        // current copies exist on live nodes (one, for a chunk that wants one):
        // a lone current copy may still turn out corrupt, and then the stale
        // one is all there is to adopt. Not later than that: a stale replica
        // may have missed a mutation at its own version, and must not be
        // around to be adopted with it.
        const ChunkInfo* chunk = state_.chunks().Find(replica.handle);
        const std::size_t enough = std::min<std::size_t>(2, WantedReplicas(*chunk));
        if (!safe_mode_ && CountedReplicas(replica.handle) >= enough) {
          state_.chunks().RemoveReplica(replica.handle, node);
          to_delete.push_back(replica.handle);
        }
        break;
      }
    }
  }
  return to_delete;
}

bool MasterActor::ReportWaitsForChange(ChunkHandle handle, NodeIndex node,
                                       std::uint64_t version) const {
  // A report can be older than a version bump or a local copy that is still
  // being settled: that operation has the last word on the replica.
  if (grants_.count(handle) != 0 || copies_.count(handle) != 0) return true;
  // A repair's clone settles only its target, and its bump the holders at the
  // version copied. Other reports are the truth: a holder at the version being
  // copied is as good as before (no lease is granted during a repair) and must
  // count, as the repair may be stuck on a lost answer; one below it lost data
  // (a machine crash) and is stale.
  const auto repair = repairs_.find(handle);
  if (repair == repairs_.end()) return false;
  const Repair& r = repair->second;
  return node == r.target || version > r.version || (r.bumping && version == r.version);
}

void MasterActor::GrowSizeFromReplica(const messages::ReplicaReport& replica, Context& ctx) {
  // The primary reports each file's new length after a mutation, but a master
  // that crashed before logging it learns it here: the current replicas of a
  // file's last chunk hold what was acknowledged.
  const ChunkInfo* chunk = state_.chunks().Find(replica.handle);
  const Inode* file = chunk ? state_.tree().Find(chunk->owner) : nullptr;
  if (file == nullptr || file->is_dir || file->chunks.empty() ||
      file->chunks.back() != replica.handle) {
    return;
  }
  const std::uint64_t size = (file->chunks.size() - 1) * file->chunk_size + replica.length;
  if (size > file->size) (void)Commit(SetSizeRecord{chunk->owner, size}, ctx);
}

void MasterActor::OnCheckLiveness(Context& ctx) {
  for (const StateChange& change : chunkservers_.CheckLiveness(ctx.now())) {
    if (change.type == "dead") {
      log_->warn("{} chunkserver {} is dead ({})", config_.node_id, change.node_id, change.detail);
      // Its replicas leave the locations; it re-reports them if it comes back.
      const ChunkserverInfo* info = chunkservers_.Find(change.node_id);
      state_.chunks().RemoveNode(info->index);
    } else {
      log_->info("{} chunkserver {} is {} ({})", config_.node_id, change.node_id, change.type,
                 change.detail);
    }
    PublishEvent(change.type, change.node_id, 0, change.detail, ctx);
  }
}

void MasterActor::UpdateSafeMode(Context& ctx) {
  if (!safe_mode_ || safe_mode_manual_) return;
  const std::size_t up = chunkservers_.CountInState(NodeState::kUp);
  if (static_cast<std::int64_t>(up) < config_.safe_mode_min_chunkservers) {
    safe_mode_reason_ = std::to_string(up) + " of " +
                        std::to_string(config_.safe_mode_min_chunkservers) +
                        " chunkservers needed have registered";
    return;
  }
  std::size_t total = 0, reported = 0;
  // A chunk counts once any replica of it has reported, at whatever version,
  // even corrupt: a chunk whose replicas are all stale is for version adoption
  // to settle, which needs the master out of safe mode. One never granted
  // holds nothing.
  state_.chunks().ForEach([&](ChunkHandle handle, const ChunkInfo& info) {
    ++total;
    if (!info.replicas.empty() || info.version <= 1 || corrupt_.count(handle) != 0) ++reported;
  });
  const double fraction = total == 0 ? 1.0 : static_cast<double>(reported) / total;
  if (fraction < config_.safe_mode_threshold) {
    safe_mode_reason_ = std::to_string(reported) + " of " + std::to_string(total) +
                        " chunks have a reported replica";
    return;
  }
  if (!safe_mode_leave_at_) safe_mode_leave_at_ = ctx.now() + Millis(config_.safe_mode_extension_ms);
  if (ctx.now() < *safe_mode_leave_at_) {
    safe_mode_reason_ = "extension after enough reports";
    return;
  }
  safe_mode_ = false;
  safe_mode_reason_.clear();
  log_->info("{} left safe mode: {} chunkservers up, {} of {} chunks reported", config_.node_id,
             up, reported, total);
  PublishEvent("safe_mode_off", "", 0,
               std::to_string(reported) + " of " + std::to_string(total) + " chunks reported",
               ctx);
}

void MasterActor::OnSafeModeRequest(const Inbound& in, const messages::SafeModeRequest& request,
                                    Context& ctx) {
  if (request.action == messages::SafeModeAction::kEnter && !safe_mode_) {
    safe_mode_ = true;
    safe_mode_manual_ = true;
    safe_mode_reason_ = "entered by an administrator";
    PublishEvent("safe_mode_on", "", 0, safe_mode_reason_, ctx);
  } else if (request.action == messages::SafeModeAction::kLeave && safe_mode_) {
    safe_mode_ = false;
    safe_mode_manual_ = false;
    safe_mode_reason_.clear();
    PublishEvent("safe_mode_off", "", 0, "left by an administrator", ctx);
  }
  ReplyWhenDurable(in, messages::SafeModeResponse{safe_mode_, safe_mode_reason_}, ctx);
}

}  // namespace bucket::master
