// Keeping every chunk at its replication factor (GFS sections 4.3-4.5, 5.2):
// re-replication of chunks that lost replicas (after a delay, the most
// endangered first, bounded per node and cluster-wide, rate-limited), removal
// of surplus, corrupt and drained replicas, rebalancing of disk use,
// administration (drain, maintenance) and fsck.
//
// A copy is always of a chunk with no mutation in flight: its lease is revoked
// first and no lease is granted while the copy runs; after the copy the
// version is bumped on every replica that holds the chunk, so a copy can never
// become a silently stale replica.
#include <algorithm>

#include "actors/master/master_actor.h"
#include "actors/master/timers.h"

namespace bucket::master {

using actors::Context;
using actors::Inbound;
using actors::Millis;
namespace msg = messages;

std::vector<NodeIndex> MasterActor::LiveReplicas(ChunkHandle handle) const {
  std::vector<NodeIndex> live;
  auto corrupt = corrupt_.find(handle);
  for (NodeIndex node : state_.chunks().CurrentReplicas(handle)) {
    const ChunkserverInfo* info = chunkservers_.ByIndex(node);
    if (info == nullptr || !info->live()) continue;
    if (corrupt != corrupt_.end() && corrupt->second.count(node) != 0) continue;
    live.push_back(node);
  }
  return live;
}

bool MasterActor::AllChunkserversBack() const {
  // Every chunkserver this master has ever known, not only those registered
  // since it started: one still cut off may hold a chunk's current version.
  for (const std::string& node_id : state_.known_chunkservers()) {
    const ChunkserverInfo* info = chunkservers_.Find(node_id);
    if (info == nullptr || info->state != NodeState::kUp) return false;
  }
  return chunkservers_.CountInState(NodeState::kUp) == chunkservers_.all().size();
}

std::uint64_t MasterActor::ReplicaVersion(ChunkHandle handle, NodeIndex node) const {
  if (const ChunkInfo* info = state_.chunks().Find(handle)) {
    for (const Replica& r : info->replicas) {
      if (r.node == node) return r.version;
    }
  }
  return 0;
}

std::size_t MasterActor::CountedReplicas(ChunkHandle handle) const {
  std::size_t counted = 0;
  for (NodeIndex node : LiveReplicas(handle)) {
    if (chunkservers_.ByIndex(node)->counts()) ++counted;
  }
  return counted;
}

std::uint32_t MasterActor::WantedReplicas(const ChunkInfo& info) const {
  return info.replication != 0 ? info.replication
                               : static_cast<std::uint32_t>(config_.default_replication);
}

std::uint64_t MasterActor::ChunkSizeOf(const ChunkInfo& info) const {
  const Inode* owner = state_.tree().Find(info.owner);
  return owner != nullptr && !owner->is_dir ? owner->chunk_size : config_.default_chunk_size_bytes;
}

void MasterActor::OnRepairScan(Context& ctx) {
  if (safe_mode_) return;
  struct Candidate {
    bool in_trash;
    std::size_t live;
    bool idle;
    ChunkHandle handle;
    bool operator<(const Candidate& o) const {
      // Deleted files last; then the fewest live replicas; then files in use first.
      return std::tie(in_trash, live, idle, handle) <
             std::tie(o.in_trash, o.live, o.idle, o.handle);
    }
  };
  std::vector<Candidate> candidates;
  std::vector<std::pair<ChunkHandle, std::uint64_t>> adopt;  // stale-only chunks: version
  std::set<NodeIndex> draining_needed;  // drains that still have chunks to copy
  state_.chunks().ForEach([&](ChunkHandle handle, const ChunkInfo& info) {
    // A grant or copy in flight has logged a version its replicas have not
    // all confirmed: they look stale until they answer.
    if (repairs_.count(handle) != 0 || grants_.count(handle) != 0 || copies_.count(handle) != 0) {
      return;
    }
    const auto live = LiveReplicas(handle);
    if (!live.empty()) stale_only_since_.erase(handle);
    const std::size_t counted = CountedReplicas(handle);
    const std::uint32_t wanted = WantedReplicas(info);
    for (NodeIndex node : live) {
      const ChunkserverInfo* cs = chunkservers_.ByIndex(node);
      if (cs->admin == AdminState::kDraining && counted < wanted) draining_needed.insert(node);
    }
    if (counted >= wanted) {
      under_since_.erase(handle);
      // Surplus (a dead node came back, a move finished): drop one, never below the factor.
      if (counted > wanted && !MayBeLeased(handle, ctx)) {
        NodeIndex fullest = live.front();
        for (NodeIndex node : live) {
          if (chunkservers_.ByIndex(node)->utilization() >
              chunkservers_.ByIndex(fullest)->utilization()) {
            fullest = node;
          }
        }
        ScheduleDelete(handle, fullest, "surplus replica", ctx);
      }
      // Corrupt replicas go once the chunk has all its good ones.
      if (auto bad = corrupt_.find(handle); bad != corrupt_.end()) {
        for (NodeIndex node : bad->second) ScheduleDelete(handle, node, "corrupt replica", ctx);
        corrupt_.erase(bad);
      }
      return;
    }
    if (live.empty()) {
      // Only stale copies left, for a long while: adopt the highest reported
      // version rather than lose the chunk (GFS 4.5); never the last copies deleted.
      std::uint64_t highest = 0;
      for (const Replica& r : info.replicas) {
        const ChunkserverInfo* cs = chunkservers_.ByIndex(r.node);
        if (cs != nullptr && cs->live()) highest = std::max(highest, std::uint64_t{r.version});
      }
      if (highest == 0) return;  // lost: no copy anywhere
      // A chunkserver that is down may hold the current version, and with it
      // acknowledged writes: wait for every one to be back, or a long while.
      const Millis since = stale_only_since_.try_emplace(handle, ctx.now()).first->second;
      const bool all_back = AllChunkserversBack();
      const Millis wait = all_back ? Millis(config_.repair_delay_ms)
                                   : std::max(Millis(3'600'000), Millis(10 * config_.repair_delay_ms));
      if (ctx.now() - since >= wait) adopt.emplace_back(handle, highest);
      return;
    }
    const Millis since = under_since_.try_emplace(handle, ctx.now()).first->second;
    const bool drain = std::any_of(live.begin(), live.end(), [&](NodeIndex n) {
      return chunkservers_.ByIndex(n)->admin == AdminState::kDraining;
    });
    // A lost replica may only be a reboot: wait before copying (a drain never waits).
    if (!drain && ctx.now() - since < Millis(config_.repair_delay_ms)) return;
    candidates.push_back({state_.InTrash(info.owner), counted,
                          leases_.Last(handle) == nullptr, handle});
  });
  for (const auto& [handle, version] : adopt) {
    const ChunkInfo* info = state_.chunks().Find(handle);
    log_->warn("{} chunk {} has no replica at version {}; adopting version {}", config_.node_id,
               handle, info->version, version);
    if (Commit(SetVersionRecord{handle, version, info->lease_until_unix_ms,
                                std::max(info->version, info->version_floor)},
               ctx)
            .ok()) {
      under_since_.erase(handle);
      stale_only_since_.erase(handle);
      PublishEvent("version_adopted", "", handle,
                   "no replica had the master's version; the highest reported was taken", ctx);
    }
  }
  // Drains whose every chunk now lives on elsewhere are safe to remove.
  for (const auto& [id, info] : chunkservers_.all()) {
    if (info.admin == AdminState::kDraining && !info.drained &&
        draining_needed.count(info.index) == 0) {
      chunkservers_.FindMutable(id)->drained = true;
      log_->info("{} chunkserver {} is drained: safe to remove", config_.node_id, id);
      PublishEvent("drained", id, 0, "every chunk it held has its replicas elsewhere", ctx);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  repair_queue_.clear();
  for (const Candidate& c : candidates) repair_queue_.push_back(c.handle);
  StartQueuedRepairs(ctx);
}

void MasterActor::StartQueuedRepairs(Context& ctx) {
  // In priority order, as many as the bounds allow; the rest wait for a slot
  // (each finished copy starts the next) or for the next scan.
  for (auto it = repair_queue_.begin(); it != repair_queue_.end();) {
    if (static_cast<std::int64_t>(repairs_.size()) >= config_.repairs_max) return;
    const bool started = StartRepair(*it, std::nullopt, std::nullopt, ctx);
    const bool gone = state_.chunks().Find(*it) == nullptr;
    it = started || gone ? repair_queue_.erase(it) : std::next(it);
  }
}

bool MasterActor::StartRepair(ChunkHandle handle, std::optional<NodeIndex> remove_after,
                              std::optional<NodeIndex> target_hint, Context& ctx) {
  const ChunkInfo* info = state_.chunks().Find(handle);
  if (info == nullptr || repairs_.count(handle) != 0 || grants_.count(handle) != 0) return false;
  // No mutation may run during the copy: revoke the lease first, copy afterwards.
  if (Lease* lease = leases_.HeldMutable(handle, ctx.now())) {
    if (!lease->revoking) {
      lease->revoking = true;
      if (const ChunkserverInfo* primary = chunkservers_.ByIndex(lease->primary)) {
        ctx.SendToPeer(primary->address.node_id, next_command_id_++,
                       msg::RevokeLeaseRequest{handle});
      }
    }
    return false;
  }
  // A lease granted before this master restarted: its primary is unknown, so
  // it cannot be revoked; the copy waits for its logged end (an append the
  // primary takes meanwhile would be missing from the copy).
  if (MayBeLeased(handle, ctx)) return false;
  std::map<NodeIndex, int> busy;  // clones each node takes part in
  for (const auto& [h, r] : repairs_) {
    ++busy[r.source];
    ++busy[r.target];
  }
  const auto live = LiveReplicas(handle);
  std::optional<NodeIndex> source;
  for (NodeIndex node : live) {
    if (busy[node] < config_.repairs_per_node && (!source || node == remove_after)) source = node;
  }
  if (!source) return false;
  // The target: placement rules, away from every node that holds any copy,
  // good, stale, corrupt or about to be deleted, if it can be; else onto a
  // node holding only a stale copy, which the clone overwrites (a current copy
  // holds everything the stale one does).
  std::vector<std::string> holding;
  std::vector<std::string> holding_except_stale;
  std::vector<std::string> racks;
  if (auto bad = corrupt_.find(handle); bad != corrupt_.end()) {
    for (NodeIndex node : bad->second) holding_except_stale.push_back(ReplicaOf(node).node_id);
  }
  for (const auto& [node, handles] : deletes_) {
    if (handles.count(handle) != 0) holding_except_stale.push_back(ReplicaOf(node).node_id);
  }
  holding = holding_except_stale;
  for (const Replica& r : info->replicas) {
    const ChunkserverInfo* cs = chunkservers_.ByIndex(r.node);
    if (cs == nullptr) continue;
    holding.push_back(cs->address.node_id);
    if (r.version >= info->version) holding_except_stale.push_back(cs->address.node_id);
    if (r.version == info->version && cs->counts() && r.node != remove_after) {
      racks.push_back(cs->address.rack);
    }
  }
  auto choose_target = [&](const std::vector<std::string>& excluded) {
    std::vector<PlacementCandidate> candidates;
    for (const auto& c : PlacementCandidates(excluded)) {
      if (busy[c.node] >= config_.repairs_per_node) continue;
      if (target_hint && c.node != *target_hint) continue;
      candidates.push_back(c);
    }
    return ChooseReplicaNodes(candidates, 1, racks);
  };
  auto chosen = choose_target(holding);
  if (chosen.empty()) chosen = choose_target(holding_except_stale);
  if (chosen.empty()) return false;
  Repair repair;
  repair.source = *source;
  repair.target = chosen.front();
  repair.version = info->version;
  repair.remove_after = remove_after;
  repair.started = ctx.now();
  const ChunkserverInfo* from = chunkservers_.ByIndex(repair.source);
  const ChunkserverInfo* to = chunkservers_.ByIndex(repair.target);
  const std::uint64_t chunk_size = ChunkSizeOf(*info);
  msg::CloneRequest clone{handle, info->version, chunk_size,
                          {from->address.node_id, from->address.rpc_endpoint,
                           from->address.data_endpoint},
                          config_.repair_rate_bytes};
  const std::uint64_t id = next_command_id_++;
  commands_[id] = PendingCommand{handle, repair.target, info->version, true};
  repairs_[handle] = repair;
  ctx.SendToPeer(to->address.node_id, id, std::move(clone));
  // A copy at the configured rate, twice over, and some slack.
  const auto expected_ms =
      static_cast<std::int64_t>(chunk_size * 1000 / std::max<std::uint64_t>(1, config_.repair_rate_bytes));
  ctx.SetTimer(CommandTimer(id), Millis(2 * expected_ms + 10000));
  log_->info("{} copying chunk {} v{} from {} to {}{}", config_.node_id, handle, info->version,
             from->address.node_id, to->address.node_id, remove_after ? " (rebalance)" : "");
  PublishEvent(remove_after ? "rebalance_started" : "repair_started", to->address.node_id, handle,
               "from " + from->address.node_id, ctx);
  return true;
}

void MasterActor::OnCloneResponse(const Inbound& in, const msg::CloneResponse& r, Context& ctx) {
  if (r.code != Code::kOk) {
    log_->warn("{} clone of chunk {} at {} failed: {}", config_.node_id, r.handle, in.peer,
               r.detail);
  }
  OnCommandAnswered(in.header.request_id, r.code == Code::kOk, ctx);
}

void MasterActor::OnRepairAnswered(ChunkHandle handle, NodeIndex node, bool ok, Context& ctx) {
  auto it = repairs_.find(handle);
  if (it == repairs_.end()) return;
  Repair& repair = it->second;
  if (!repair.bumping) {
    // The clone answered.
    if (!ok) {
      FinishRepair(handle, Status::Unavailable("the copy failed"), ctx);
      return;
    }
    // Bump the version on every replica that holds it now, the new one too.
    repair.bumping = true;
    repair.bump_nodes = LiveReplicas(handle);
    repair.bump_nodes.push_back(repair.target);
    const ChunkInfo* info = state_.chunks().Find(handle);
    if (info == nullptr || info->version != repair.version) {
      FinishRepair(handle, Status::StaleVersion("the chunk changed during the copy"), ctx);
      return;
    }
    repair.bump_version = info->NextVersion();
    auto bumped = Commit(SetVersionRecord{handle, repair.bump_version, info->lease_until_unix_ms},
                         ctx);
    if (!bumped.ok()) return;
    WhenDurable(ctx, [this, handle](Context& c) {
      auto r = repairs_.find(handle);
      if (r == repairs_.end()) return;
      r->second.outstanding = r->second.bump_nodes.size();
      for (NodeIndex n : r->second.bump_nodes) {
        const std::uint64_t id = next_command_id_++;
        commands_[id] = PendingCommand{handle, n, r->second.bump_version, true};
        msg::SetVersionRequest bump;
        bump.handle = handle;
        bump.version = r->second.bump_version;
        bump.expected_version =
            n == r->second.target ? r->second.version : ReplicaVersion(handle, n);
        c.SendToPeer(ReplicaOf(n).node_id, id, std::move(bump));
        c.SetTimer(CommandTimer(id), CommandTimeout());
      }
    });
    return;
  }
  if (ok) repair.acked.insert(node);
  if (--repair.outstanding > 0) return;
  for (NodeIndex n : repair.acked) state_.chunks().AddReplica(handle, n, repair.bump_version);
  if (repair.acked.count(repair.target) == 0) {
    FinishRepair(handle, Status::Unavailable("the new replica missed the version bump"), ctx);
    return;
  }
  FinishRepair(handle, Status::Ok(), ctx);
}

void MasterActor::FinishRepair(ChunkHandle handle, const Status& status, Context& ctx) {
  auto it = repairs_.find(handle);
  if (it == repairs_.end()) return;
  const Repair repair = it->second;
  repairs_.erase(it);
  const std::string target = ReplicaOf(repair.target).node_id;
  if (status.ok()) {
    under_since_.erase(handle);
    if (repair.remove_after) {
      ScheduleDelete(handle, *repair.remove_after, "moved to " + target, ctx);
      PublishEvent("rebalance_move", target, handle,
                   "from " + ReplicaOf(*repair.remove_after).node_id, ctx);
    } else {
      PublishEvent("repair_finished", target, handle,
                   "copied from " + ReplicaOf(repair.source).node_id, ctx);
    }
    log_->info("{} chunk {} now has a replica on {}", config_.node_id, handle, target);
  } else {
    log_->warn("{} copying chunk {} to {} failed: {}", config_.node_id, handle, target,
               status.ToString());
    PublishEvent("repair_failed", target, handle, status.ToString(), ctx);
  }
  RetryBlocked(handle, ctx);  // lease requests held back during the copy
  StartQueuedRepairs(ctx);
}

void MasterActor::ScheduleDelete(ChunkHandle handle, NodeIndex node, const std::string& why,
                                 Context& ctx) {
  state_.chunks().RemoveReplica(handle, node);
  if (!deletes_[node].insert(handle).second) return;
  const std::string node_id = ReplicaOf(node).node_id;
  log_->info("{} replica of chunk {} on {} to be deleted: {}", config_.node_id, handle, node_id,
             why);
  PublishEvent("replica_deleted", node_id, handle, why, ctx);
}

std::vector<ChunkHandle> MasterActor::TakeDeletes(NodeIndex node, std::vector<ChunkHandle> also) {
  const auto limit = static_cast<std::size_t>(config_.deletes_per_report_max);
  if (also.size() > limit) also.resize(limit);
  auto it = deletes_.find(node);
  while (it != deletes_.end() && !it->second.empty() && also.size() < limit) {
    also.push_back(*it->second.begin());
    it->second.erase(it->second.begin());
  }
  return also;
}

void MasterActor::OnCorruptionReport(const Inbound& in, const msg::CorruptionReport& r,
                                     Context& ctx) {
  const ChunkserverInfo* node = chunkservers_.Find(r.node_id);
  if (node != nullptr && state_.chunks().Find(r.handle) != nullptr) {
    // Never handed out again; copied anew from a good replica at once (no
    // waiting as for a lost node), then deleted.
    corrupt_[r.handle].insert(node->index);
    state_.chunks().RemoveReplica(r.handle, node->index);
    under_since_[r.handle] = ctx.now() - Millis(config_.repair_delay_ms);
    log_->error("{} chunk {} is corrupt on {}: {}", config_.node_id, r.handle, r.node_id,
                r.detail);
    PublishEvent("corruption", r.node_id, r.handle, r.detail, ctx);
  }
  ReplyWhenDurable(in, msg::CorruptionAck{Code::kOk}, ctx);
}

void MasterActor::OnRebalanceScan(Context& ctx) {
  if (safe_mode_ || !config_.rebalance) return;
  // One batch of moves at a time, judged on disk use that shows the last
  // batch: its copies done and its old replicas deleted (heartbeats tell).
  std::int64_t moving = 0;
  for (const auto& [h, r] : repairs_) moving += r.remove_after ? 1 : 0;
  if (moving > 0) return;
  for (const auto& [node, handles] : deletes_) {
    const ChunkserverInfo* info = chunkservers_.ByIndex(node);
    if (!handles.empty() && info != nullptr && info->live()) return;
  }
  const ChunkserverInfo* fullest = nullptr;
  const ChunkserverInfo* emptiest = nullptr;
  for (const auto& [id, info] : chunkservers_.all()) {
    if (!info.usable()) continue;
    if (fullest == nullptr || info.utilization() > fullest->utilization()) fullest = &info;
    if (emptiest == nullptr || info.utilization() < emptiest->utilization()) emptiest = &info;
  }
  if (fullest == nullptr || fullest == emptiest ||
      fullest->utilization() - emptiest->utilization() <= config_.rebalance_threshold) {
    return;
  }
  // Healthy, idle chunks of the fullest node move to the emptiest (clone, then remove).
  std::vector<ChunkHandle> movable;
  state_.chunks().ForEach([&](ChunkHandle handle, const ChunkInfo& info) {
    if (repairs_.count(handle) != 0 || MayBeLeased(handle, ctx)) return;
    if (CountedReplicas(handle) < WantedReplicas(info)) return;
    bool on_fullest = false, on_emptiest = false;
    for (const Replica& r : info.replicas) {
      on_fullest |= r.node == fullest->index && r.version == info.version;
      on_emptiest |= r.node == emptiest->index;
    }
    if (on_fullest && !on_emptiest) movable.push_back(handle);
  });
  std::sort(movable.begin(), movable.end());
  // Half the difference evens the two out; more would tip them the other way.
  const std::uint64_t gap = fullest->load.used_bytes > emptiest->load.used_bytes
                                ? fullest->load.used_bytes - emptiest->load.used_bytes
                                : 0;
  const auto batch = std::clamp<std::int64_t>(
      static_cast<std::int64_t>(gap / 2 / std::max<std::uint64_t>(1, config_.default_chunk_size_bytes)),
      1, config_.rebalance_moves_max);
  for (ChunkHandle handle : movable) {
    if (moving >= batch) break;
    if (StartRepair(handle, fullest->index, emptiest->index, ctx)) ++moving;
  }
}

void MasterActor::OnNodeAdmin(const Inbound& in, const msg::NodeAdminRequest& r, Context& ctx) {
  const AdminState admin = r.action == msg::NodeAdminAction::kDrain ? AdminState::kDraining
                           : r.action == msg::NodeAdminAction::kMaintenance
                               ? AdminState::kMaintenance
                               : AdminState::kNone;
  Status status = chunkservers_.SetAdmin(r.node_id, admin);
  if (status.ok()) {
    const char* what = admin == AdminState::kDraining      ? "draining"
                       : admin == AdminState::kMaintenance ? "maintenance"
                                                           : "normal";
    log_->info("{} chunkserver {} set to {} by an administrator", config_.node_id, r.node_id,
               what);
    PublishEvent(what, r.node_id, 0, "set by an administrator", ctx);
  }
  ReplyWhenDurable(in, msg::NodeAdminResponse{status.code(), status.message()}, ctx);
}

void MasterActor::OnFsck(const Inbound& in, const msg::FsckRequest& r, Context& ctx) {
  msg::FsckResponse response;
  auto root = state_.tree().Lookup(r.path);
  if (!root.ok()) {
    response.code = root.status().code();
    response.detail = root.status().message();
    ReplyWhenDurable(in, std::move(response), ctx);
    return;
  }
  std::function<void(InodeId, const std::string&)> visit = [&](InodeId id,
                                                               const std::string& path) {
    const Inode* inode = state_.tree().Find(id);
    if (inode->is_dir) {
      ++response.directories;
      state_.tree().ForEachChild(id, [&](const std::string& name, InodeId child) {
        visit(child, ChildPath(path, name));
      });
      return;
    }
    ++response.files;
    response.bytes += inode->size;
    for (std::size_t i = 0; i < inode->chunks.size(); ++i) {
      ++response.chunks;
      const ChunkHandle handle = inode->chunks[i];
      const ChunkInfo* info = state_.chunks().Find(handle);
      if (info == nullptr) continue;
      const auto live = LiveReplicas(handle);
      const std::size_t counted = CountedReplicas(handle);
      const std::uint32_t wanted = WantedReplicas(*info);
      std::string problem;
      if (corrupt_.count(handle) != 0) {
        problem = "corrupt";
        ++response.corrupt;
      } else if (live.empty() && !info->replicas.empty()) {
        problem = "stale-only";
        ++response.stale_only;
      } else if (live.empty() && info->version > 1) {
        problem = "lost";
        ++response.lost;
      } else if (counted < wanted && info->version > 1) {
        problem = "under-replicated";
        ++response.under_replicated;
      } else {
        ++response.healthy;
      }
      if (problem.empty()) continue;
      if (response.problems.size() >= r.problems_max) {
        response.truncated = true;
        continue;
      }
      response.problems.push_back({path, i, handle, problem, static_cast<std::uint32_t>(live.size()),
                                   wanted});
    }
  };
  visit(*root, r.path);
  ReplyWhenDurable(in, std::move(response), ctx);
}

messages::ClusterHealth MasterActor::Health() const {
  messages::ClusterHealth health;
  health.being_repaired = repairs_.size();
  health.orphaned = orphans_ordered_;
  health.pending_deletion = state_.tree().trash().size();
  for (const auto& [node, handles] : deletes_) health.pending_deletion += handles.size();
  for (const auto& [handle, nodes] : corrupt_) health.corrupt += nodes.size();
  state_.chunks().ForEach([&](ChunkHandle handle, const ChunkInfo& info) {
    std::size_t stale = 0;
    for (const auto& r : info.replicas) stale += r.version < info.version ? 1 : 0;
    if (stale > 0) ++health.stale;
    const auto live = LiveReplicas(handle);
    if (live.empty()) {
      if (info.version > 1) ++health.lost;
    } else if (CountedReplicas(handle) < WantedReplicas(info)) {
      ++health.under_replicated;
    }
  });
  return health;
}

}  // namespace bucket::master
