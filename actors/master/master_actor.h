// MasterActor: the one source of truth for the namespace, the chunk metadata
// and the cluster's membership (GFS sections 2.6 and 4).
//
// Inputs: requests on the ROUTER (clients, and chunkservers' registrations,
// reports, lease extensions and replies to our commands), heartbeats on the
// SUB, timers, and finished syncs. Outputs: replies, commands to chunkservers
// by routing id, and the cluster state and events on the PUB.
//
// Durability rule: a mutation is applied to the in-memory state and appended
// to the operation log at once, and nothing that reveals it leaves the master
// (a reply, a command, an event, a listing) until the log is synced past it.
// Every output therefore goes through WhenDurable, which sends at once when
// the log is fully synced and otherwise holds it until the sync completes.
// Group commit falls out: many mutations share one fdatasync.
//
// The handlers live in several files: master_actor.cc (dispatch, durability,
// checkpoints, state), master_membership.cc, master_namespace.cc,
// master_leases.cc. Pure logic on the Context: no socket, clock or thread.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <spdlog/logger.h>

#include "actors/core/actor.h"
#include "actors/master/chunkserver_table.h"
#include "actors/master/lease_table.h"
#include "actors/master/master_state.h"
#include "actors/master/oplog.h"
#include "actors/master/placement.h"
#include "config/master_config.h"

namespace bucket::master {

// A LeaseResponse carrying an error.
messages::LeaseResponse LeaseError(const Status& why);

// Who sent a mutation and which of their requests it is, for the retry cache
// (the sender's key too, with CurveZMQ on).
RetryKey KeyOf(const actors::Inbound& in);

class MasterActor : public actors::Actor {
 public:
  // `state` is what recovery rebuilt from config.data_dir; `oplog` appends to a
  // fresh segment after it. `fs` must outlive the actor.
  MasterActor(const config::MasterConfig& config, std::string rpc_endpoint,
              storage::FileSystem* fs, MasterState state, std::unique_ptr<OpLog> oplog,
              std::shared_ptr<spdlog::logger> log);

  void Start(actors::Context& ctx) override;
  void Handle(const actors::Inbound& in, actors::Context& ctx) override;
  void OnTimer(actors::TimerId id, actors::Context& ctx) override;
  void OnSyncDone(actors::SyncId id, const Status& status, actors::Context& ctx) override;

  // For tests and status.
  const ChunkserverTable& chunkservers() const { return chunkservers_; }
  const MasterState& state() const { return state_; }
  const LeaseTable& leases() const { return leases_; }
  bool safe_mode() const { return safe_mode_; }
  messages::ClusterHealth Health() const;
  std::vector<ChunkHandle> RepairsInFlight() const {
    std::vector<ChunkHandle> handles;
    for (const auto& [handle, repair] : repairs_) handles.push_back(handle);
    return handles;
  }

 private:
  struct PendingCommand {
    ChunkHandle handle = 0;
    NodeIndex node = 0;
    std::uint64_t version = 0;  // answers for an earlier attempt are ignored
    bool repair = false;        // a clone or a repair's version bump, not a lease grant
    bool local_copy = false;    // a copy-on-write copy; `handle` is the copy's
  };
  // A snapshot waiting for the leases on its chunks to be given up or expire.
  struct PendingSnapshot {
    actors::Inbound in;
    SnapshotRecord record;
    std::vector<ChunkHandle> handles;
  };
  // Copy-on-write of a shared chunk for one file, keyed by the copy's handle:
  // every current replica copies it locally, then the file points at the copy.
  struct CopyOnWrite {
    ChunkHandle old_handle = 0;
    InodeId inode = 0;
    std::uint64_t index = 0;
    std::uint64_t version = 0;
    std::vector<NodeIndex> asked;
    std::vector<NodeIndex> copied;
    std::size_t outstanding = 0;
    std::vector<actors::Inbound> waiters;  // lease requests, asked again once done
    bool holds_nothing = false;  // never granted: no local copies, the copy is placed afresh
  };
  // A chunk being copied to a new replica (repair, drain or rebalance), then
  // having its version bumped on every replica that holds it.
  struct Repair {
    NodeIndex source = 0;
    NodeIndex target = 0;
    std::uint64_t version = 0;       // the version copied
    std::optional<NodeIndex> remove_after;  // a rebalance move: the replica to drop after
    bool bumping = false;            // the clone is done; the version bump is out
    std::uint64_t bump_version = 0;  // what it is bumped to
    std::vector<NodeIndex> bump_nodes;
    std::set<NodeIndex> acked;
    std::size_t outstanding = 0;
    actors::Millis started{0};
  };
  // A lease grant between its logged version bump and the replicas' answers.
  struct Grant {
    ChunkHandle handle = 0;
    InodeId inode = 0;
    std::uint64_t index = 0;
    std::uint64_t version = 0;
    std::uint64_t chunk_size = 0;
    std::vector<NodeIndex> replicas;  // [0] is the primary
    bool create = false;
    std::set<NodeIndex> acked;
    std::size_t outstanding = 0;
    bool primary_told = false;  // secondaries first; the primary hears only of those that took it
    actors::Millis sent_at{0};
    int attempt = 0;
    std::vector<actors::Inbound> waiters;
  };

  // --- durability and dispatch (master_actor.cc) ---
  Result<Applied> Commit(const LogRecord& record, actors::Context& ctx);
  void WhenDurable(actors::Context& ctx, std::function<void(actors::Context&)> action);
  void ReplyWhenDurable(const actors::Inbound& in, messages::Message reply, actors::Context& ctx);
  void StartLogSync(actors::Context& ctx);
  void OnLogSynced(const Status& status, actors::Context& ctx);
  void MaybeCheckpoint(actors::Context& ctx);
  void OnBackup(const actors::Inbound& in, const messages::BackupRequest& r,
                actors::Context& ctx);
  void OnCheckpointDone(const Status& status, actors::Context& ctx);
  bool RefuseInSafeMode(const actors::Inbound& in, actors::Context& ctx);
  messages::ClusterState BuildState(actors::Context& ctx) const;
  void PublishState(actors::Context& ctx);
  void PublishEvent(const std::string& type, const std::string& node_id, ChunkHandle chunk,
                    const std::string& detail, actors::Context& ctx);

  // --- membership (master_membership.cc) ---
  void OnRegister(const actors::Inbound& in, const messages::RegisterRequest& request,
                  actors::Context& ctx);
  void OnHeartbeat(const messages::Heartbeat& heartbeat, actors::Context& ctx);
  void OnChunkReport(const actors::Inbound& in, const messages::ChunkReportRequest& report,
                     actors::Context& ctx);
  void OnCheckLiveness(actors::Context& ctx);
  // Records a chunkserver's replicas; returns what it must delete (orphans, stale).
  std::vector<ChunkHandle> ApplyReport(NodeIndex node,
                                       const std::vector<messages::ReplicaReport>& replicas,
                                       bool complete, actors::Context& ctx);
  void UpdateSafeMode(actors::Context& ctx);
  void OnSafeModeRequest(const actors::Inbound& in, const messages::SafeModeRequest& request,
                         actors::Context& ctx);

  // --- namespace (master_namespace.cc) ---
  void OnMkdir(const actors::Inbound& in, const messages::MkdirRequest& r, actors::Context& ctx);
  void OnCreate(const actors::Inbound& in, const messages::CreateRequest& r,
                actors::Context& ctx);
  void OnDelete(const actors::Inbound& in, const messages::DeleteRequest& r,
                actors::Context& ctx);
  void OnUndelete(const actors::Inbound& in, const messages::UndeleteRequest& r,
                  actors::Context& ctx);
  void OnRename(const actors::Inbound& in, const messages::RenameRequest& r,
                actors::Context& ctx);
  void OnList(const actors::Inbound& in, const messages::ListRequest& r, actors::Context& ctx);
  void OnStat(const actors::Inbound& in, const messages::StatRequest& r, actors::Context& ctx);
  void OnLocate(const actors::Inbound& in, const messages::LocateRequest& r,
                actors::Context& ctx);
  // Applies and logs a namespace mutation, answering a retried one from the cache.
  void MutateNamespace(const actors::Inbound& in, const LogRecord& record, const RetryKey& key,
                       actors::Context& ctx);
  void OnSweepTrash(actors::Context& ctx);
  messages::ChunkLocation LocationOf(std::uint64_t index, ChunkHandle handle,
                                     bool readable_only) const;

  // --- repair, rebalance, administration (master_repair.cc) ---
  void OnRepairScan(actors::Context& ctx);
  void StartQueuedRepairs(actors::Context& ctx);
  // Starts copying `handle` to a new replica; false if it cannot start now.
  bool StartRepair(ChunkHandle handle, std::optional<NodeIndex> remove_after,
                   std::optional<NodeIndex> target_hint, actors::Context& ctx);
  void OnCloneResponse(const actors::Inbound& in, const messages::CloneResponse& r,
                       actors::Context& ctx);
  void OnRepairAnswered(ChunkHandle handle, NodeIndex node, bool ok, actors::Context& ctx);
  void FinishRepair(ChunkHandle handle, const Status& status, actors::Context& ctx);
  void OnCorruptionReport(const actors::Inbound& in, const messages::CorruptionReport& r,
                          actors::Context& ctx);
  void OnRebalanceScan(actors::Context& ctx);
  void OnNodeAdmin(const actors::Inbound& in, const messages::NodeAdminRequest& r,
                   actors::Context& ctx);
  void OnFsck(const actors::Inbound& in, const messages::FsckRequest& r, actors::Context& ctx);
  // Replica deletions for `node` to send with its next report reply, bounded.
  std::vector<ChunkHandle> TakeDeletes(NodeIndex node, std::vector<ChunkHandle> also);
  void ScheduleDelete(ChunkHandle handle, NodeIndex node, const std::string& why,
                      actors::Context& ctx);
  // Live current replicas of `handle` (readable), and those that count toward its factor.
  std::vector<NodeIndex> LiveReplicas(ChunkHandle handle) const;
  std::size_t CountedReplicas(ChunkHandle handle) const;
  // True if every chunkserver ever registered is up now.
  bool AllChunkserversBack() const;
  // The version the chunk table has for `node`'s replica of `handle` (0: none).
  std::uint64_t ReplicaVersion(ChunkHandle handle, NodeIndex node) const;
  std::uint32_t WantedReplicas(const ChunkInfo& info) const;
  std::uint64_t ChunkSizeOf(const ChunkInfo& info) const;

  // --- leases (master_leases.cc) ---
  void OnLeaseRequest(const actors::Inbound& in, const messages::LeaseRequest& r,
                      actors::Context& ctx);
  // True while some primary may hold a lease on `handle`: one this master
  // granted and that has not expired, or one granted before it started whose
  // logged end has not passed. No copy or move of the chunk starts until not.
  bool MayBeLeased(ChunkHandle handle, actors::Context& ctx) const;
  void LeaseFor(ChunkHandle handle, InodeId inode, std::uint64_t index,
                const std::vector<std::string>& failed, const actors::Inbound& waiter,
                actors::Context& ctx);
  void StartGrant(Grant grant, actors::Context& ctx);
  void SendVersions(ChunkHandle handle, actors::Context& ctx);
  void SendVersion(Grant& grant, NodeIndex node, bool primary, actors::Context& ctx);
  void OnSetVersionResponse(const actors::Inbound& in, const messages::SetVersionResponse& r,
                            actors::Context& ctx);
  void OnCommandAnswered(std::uint64_t request_id, bool ok, actors::Context& ctx);
  void FinishGrant(ChunkHandle handle, actors::Context& ctx);
  void ReplyLease(const actors::Inbound& waiter, const Lease& lease, actors::Context& ctx);
  void FailWaiters(std::vector<actors::Inbound> waiters, const Status& why, actors::Context& ctx);
  void Block(ChunkHandle handle, const actors::Inbound& waiter, actors::Millis retry_after,
             actors::Context& ctx);
  void RetryBlocked(ChunkHandle handle, actors::Context& ctx);
  void OnLeaseExtend(const actors::Inbound& in, const messages::LeaseExtendRequest& r,
                     actors::Context& ctx);
  void OnRevokeResponse(const messages::RevokeLeaseResponse& r, actors::Context& ctx);
  void OnCommittedLength(const actors::Inbound& in, const messages::CommittedLengthReport& r,
                         actors::Context& ctx);
  void NoteCreations(const std::vector<NodeIndex>& nodes);
  // File `inode` if chunk `index` of it is still `handle` (a copy-on-write or a
  // delete may have moved on), else nullptr.
  const Inode* FileHolding(InodeId inode, std::uint64_t index, ChunkHandle handle) const;
  // The lease a grant gives its primary (secondaries not filled in).
  Lease LeaseOf(const Grant& grant) const;
  void GrowSizeFromReplica(const messages::ReplicaReport& replica, actors::Context& ctx);
  // True if a report of `handle` at `version` from `node` must wait for a
  // grant, repair or copy of that chunk to settle.
  bool ReportWaitsForChange(ChunkHandle handle, NodeIndex node, std::uint64_t version) const;

  // --- snapshots and copy-on-write (master_snapshots.cc) ---
  void OnSnapshot(const actors::Inbound& in, const messages::SnapshotRequest& r,
                  actors::Context& ctx);
  // Commits each pending snapshot whose chunks no longer have a lease.
  void TryPendingSnapshots(actors::Context& ctx);
  bool WaitsForSnapshot(ChunkHandle handle) const { return snapshot_handles_.count(handle) != 0; }
  // True if the lease request was taken over: `handle` is shared, so chunk
  // `index` of `inode` gets its own copy first.
  bool CopyOnWriteFirst(ChunkHandle handle, InodeId inode, std::uint64_t index,
                        const actors::Inbound& waiter, actors::Context& ctx);
  void SendLocalCopies(ChunkHandle copy, actors::Context& ctx);
  void OnLocalCopyAnswered(ChunkHandle copy, NodeIndex node, bool ok, actors::Context& ctx);
  void FinishCopyOnWrite(ChunkHandle copy, actors::Context& ctx);
  std::vector<PlacementCandidate> PlacementCandidates(
      const std::vector<std::string>& excluded) const;
  messages::ReplicaLocation ReplicaOf(NodeIndex node) const;
  actors::Millis LeaseGrace() const;
  actors::Millis CommandTimeout() const;

  config::MasterConfig config_;
  std::string rpc_endpoint_;
  storage::FileSystem* fs_;
  std::shared_ptr<spdlog::logger> log_;
  MasterState state_;
  std::unique_ptr<OpLog> oplog_;
  ChunkserverTable chunkservers_;
  LeaseTable leases_;

  // Outputs waiting for the log to be durable, in order, by log position.
  std::deque<std::pair<std::uint64_t, std::function<void(actors::Context&)>>> deferred_;
  std::uint64_t sync_upto_ = 0;
  bool checkpoint_running_ = false;
  std::optional<actors::Inbound> backup_waiter_;
  std::shared_ptr<Result<std::string>> backup_result_;
  std::int64_t last_checkpoint_unix_ms_ = 0;

  std::map<ChunkHandle, Grant> grants_;
  std::map<ChunkHandle, std::vector<actors::Inbound>> blocked_;
  std::map<std::uint64_t, PendingCommand> commands_;
  std::uint64_t next_command_id_ = 1;

  std::vector<PendingSnapshot> snapshots_;
  std::multiset<ChunkHandle> snapshot_handles_;  // lease requests on these wait
  std::map<ChunkHandle, CopyOnWrite> copies_;

  std::map<ChunkHandle, Repair> repairs_;
  std::vector<ChunkHandle> repair_queue_;  // the last scan's candidates not yet started
  std::map<ChunkHandle, actors::Millis> under_since_;       // under-replicated since
  std::map<ChunkHandle, actors::Millis> stale_only_since_;  // no live current replica since
  std::map<NodeIndex, std::set<ChunkHandle>> deletes_;      // replica deletions to order
  std::map<ChunkHandle, std::set<NodeIndex>> corrupt_;      // replicas that failed a checksum
  std::uint64_t orphans_ordered_ = 0;

  bool safe_mode_ = true;
  bool safe_mode_manual_ = false;
  std::optional<actors::Millis> safe_mode_leave_at_;
  std::string safe_mode_reason_ = "starting";

  actors::Millis started_at_{0};
  std::uint64_t state_sequence_ = 0;
  std::uint64_t event_sequence_ = 0;
  std::uint64_t heartbeat_sequence_ = 0;
};

}  // namespace bucket::master
