#include "actors/master/master_actor.h"

#include <malloc.h>

#include "actors/master/checkpoint.h"
#include "actors/master/timers.h"

namespace bucket::master {

using actors::Context;
using actors::Inbound;
using actors::Millis;

MasterActor::MasterActor(const config::MasterConfig& config, std::string rpc_endpoint,
                         storage::FileSystem* fs, MasterState state, std::unique_ptr<OpLog> oplog,
                         std::shared_ptr<spdlog::logger> log)
    : config_(config),
      rpc_endpoint_(std::move(rpc_endpoint)),
      fs_(fs),
      log_(std::move(log)),
      state_(std::move(state)),
      oplog_(std::move(oplog)),
      chunkservers_(Millis(config.suspect_after_ms), Millis(config.dead_after_ms)) {}

void MasterActor::Start(Context& ctx) {
  started_at_ = ctx.now();
  log_->info("{} started; rpc {}; {} files, {} directories, {} chunks; in safe mode until "
             "{} chunkserver(s) report",
             config_.node_id, rpc_endpoint_, state_.tree().file_count(),
             state_.tree().directory_count(), state_.chunks().size(),
             config_.safe_mode_min_chunkservers);
  StartLogSync(ctx);  // the new segment's directory entry
  UpdateSafeMode(ctx);
  PublishState(ctx);
  ctx.SetTimer(kPublishState, Millis(config_.heartbeat_interval_ms));
  ctx.SetTimer(kCheckLiveness, Millis(std::max<std::int64_t>(10, config_.suspect_after_ms / 10)));
  ctx.SetTimer(kSweepTrash, Millis(std::clamp<std::int64_t>(config_.trash_grace_ms / 10, 100,
                                                            60000)));
  ctx.SetTimer(kCheckSafeMode, Millis(config_.heartbeat_interval_ms));
  ctx.SetTimer(kDecayCreations, Millis(10000));
  ctx.SetTimer(kRepairScan, Millis(config_.repair_interval_ms));
  ctx.SetTimer(kRebalanceScan, Millis(config_.rebalance_interval_ms));
}

void MasterActor::Handle(const Inbound& in, Context& ctx) {
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        namespace msg = messages;
        if constexpr (std::is_same_v<T, msg::RegisterRequest>) {
          OnRegister(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::Heartbeat>) {
          OnHeartbeat(m, ctx);
        } else if constexpr (std::is_same_v<T, msg::ChunkReportRequest>) {
          OnChunkReport(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::MkdirRequest>) {
          OnMkdir(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::CreateRequest>) {
          OnCreate(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::DeleteRequest>) {
          OnDelete(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::UndeleteRequest>) {
          OnUndelete(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::RenameRequest>) {
          OnRename(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::ListRequest>) {
          OnList(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::StatRequest>) {
          OnStat(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::LocateRequest>) {
          OnLocate(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::LeaseRequest>) {
          OnLeaseRequest(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::SetVersionResponse>) {
          OnSetVersionResponse(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::LeaseExtendRequest>) {
          OnLeaseExtend(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::RevokeLeaseResponse>) {
          OnRevokeResponse(m, ctx);
        } else if constexpr (std::is_same_v<T, msg::CommittedLengthReport>) {
          OnCommittedLength(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::SafeModeRequest>) {
          OnSafeModeRequest(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::BackupRequest>) {
          OnBackup(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::CloneResponse>) {
          OnCloneResponse(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::CorruptionReport>) {
          OnCorruptionReport(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::NodeAdminRequest>) {
          OnNodeAdmin(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::FsckRequest>) {
          OnFsck(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::SnapshotRequest>) {
          OnSnapshot(in, m, ctx);
        } else if constexpr (std::is_same_v<T, msg::LocalCopyResponse>) {
          if (m.code != Code::kOk) {
            log_->warn("{} {} could not copy chunk {} locally: {}", config_.node_id, in.peer,
                       m.copy, Status(m.code, m.detail).ToString());
          }
          OnCommandAnswered(in.header.request_id, m.code == Code::kOk, ctx);
        } else if constexpr (std::is_same_v<T, msg::ClusterStatusRequest>) {
          ReplyWhenDurable(in, msg::ClusterStatusResponse{BuildState(ctx)}, ctx);
        } else if constexpr (std::is_same_v<T, msg::Ping>) {
          ctx.Reply(in, msg::Pong{m.token, config_.node_id});
        } else if (in.socket == actors::Socket::kRouter) {
          ctx.Reply(in, msg::ErrorResponse{Code::kUnsupported, "the master does not serve " +
                                                                   msg::KindName(T::kKind)});
        } else {
          log_->warn("{} ignored an unexpected {} from '{}'", config_.node_id,
                     msg::KindName(T::kKind), in.peer);
        }
      },
      in.message);
  MaybeCheckpoint(ctx);
}

void MasterActor::OnTimer(actors::TimerId id, Context& ctx) {
  if ((id & kTimerRangeMask) == kCommandTimerBase) {
    OnCommandAnswered(id & ~kTimerRangeMask, /*ok=*/false, ctx);
    return;
  }
  if ((id & kTimerRangeMask) == kBlockedTimerBase) {
    RetryBlocked(id & ~kTimerRangeMask, ctx);
    return;
  }
  switch (id) {
    case kPublishState:
      PublishState(ctx);
      ctx.SetTimer(kPublishState, Millis(config_.heartbeat_interval_ms));
      break;
    case kCheckLiveness:
      OnCheckLiveness(ctx);
      ctx.SetTimer(kCheckLiveness,
                   Millis(std::max<std::int64_t>(10, config_.suspect_after_ms / 10)));
      break;
    case kSweepTrash:
      OnSweepTrash(ctx);
      ctx.SetTimer(kSweepTrash,
                   Millis(std::clamp<std::int64_t>(config_.trash_grace_ms / 10, 100, 60000)));
      break;
    case kCheckSafeMode:
      UpdateSafeMode(ctx);
      if (safe_mode_) ctx.SetTimer(kCheckSafeMode, Millis(config_.heartbeat_interval_ms));
      break;
    case kSnapshotRetry:
      TryPendingSnapshots(ctx);
      break;
    case kDecayCreations:
      chunkservers_.DecayCreations();
      ctx.SetTimer(kDecayCreations, Millis(10000));
      break;
    case kRepairScan:
      OnRepairScan(ctx);
      ctx.SetTimer(kRepairScan, Millis(config_.repair_interval_ms));
      break;
    case kRebalanceScan:
      OnRebalanceScan(ctx);
      ctx.SetTimer(kRebalanceScan, Millis(config_.rebalance_interval_ms));
      break;
    default:
      log_->error("{} fired unknown timer {}", config_.node_id, id);
  }
  MaybeCheckpoint(ctx);
}

void MasterActor::OnSyncDone(actors::SyncId id, const Status& status, Context& ctx) {
  if (id == kLogSync) {
    OnLogSynced(status, ctx);
  } else if (id == kCheckpointSync) {
    OnCheckpointDone(status, ctx);
  } else if (id == kBackupSync && backup_waiter_) {
    messages::BackupResponse response;
    const Status outcome = status.ok() ? backup_result_->status() : status;
    response.code = outcome.code();
    response.detail = outcome.message();
    if (outcome.ok()) response.path = backup_result_->value();
    log_->info("{} backup: {}", config_.node_id,
               outcome.ok() ? "written to " + response.path : outcome.ToString());
    ctx.Reply(*backup_waiter_, std::move(response));
    backup_waiter_.reset();
  }
}

// --- durability ----------------------------------------------------------------

Result<Applied> MasterActor::Commit(const LogRecord& record, Context& ctx) {
  auto applied = state_.Apply(record);
  if (!applied.ok()) return applied.status();
  auto appended = oplog_->Append(record);
  if (!appended.ok()) {
    // The state changed in memory but cannot be made durable: stop before
    // anything reveals it (a master without its log must not go on).
    ctx.Stop("cannot append to the operation log: " + appended.status().ToString());
    return appended.status();
  }
  StartLogSync(ctx);
  return applied;
}

void MasterActor::StartLogSync(Context& ctx) {
  auto pending = oplog_->TakeSync();
  if (!pending) return;
  sync_upto_ = pending->upto;
  ctx.RequestSync(kLogSync, std::move(pending->work));
}

void MasterActor::OnLogSynced(const Status& status, Context& ctx) {
  if (!status.ok()) {
    // A failed fsync is fatal: the kernel may have dropped the dirty pages, so a
    // retry could report success for data that is gone. Acknowledge nothing more.
    oplog_->OnSyncFailed();
    deferred_.clear();
    ctx.Stop("fsync of the operation log failed: " + status.ToString());
    return;
  }
  oplog_->OnSynced(sync_upto_);
  while (!deferred_.empty() && deferred_.front().first <= oplog_->synced()) {
    auto action = std::move(deferred_.front().second);
    deferred_.pop_front();
    action(ctx);
  }
  StartLogSync(ctx);
}

void MasterActor::WhenDurable(Context& ctx, std::function<void(Context&)> action) {
  if (oplog_->all_synced() && deferred_.empty()) {
    action(ctx);
    return;
  }
  deferred_.emplace_back(oplog_->appended(), std::move(action));
}

void MasterActor::ReplyWhenDurable(const Inbound& in, messages::Message reply, Context& ctx) {
  if (oplog_->all_synced() && deferred_.empty()) {
    ctx.Reply(in, std::move(reply));
    return;
  }
  deferred_.emplace_back(oplog_->appended(),
                         [in, reply = std::move(reply)](Context& c) { c.Reply(in, reply); });
}

void MasterActor::MaybeCheckpoint(Context& ctx) {
  if (checkpoint_running_) return;
  const bool enough = oplog_->records_since_roll() >=
                      static_cast<std::uint64_t>(config_.checkpoint_every_records);
  if (!enough && !oplog_->wants_roll()) return;
  auto sealed = oplog_->Roll();
  if (!sealed.ok()) {
    ctx.Stop("cannot start a new operation log segment: " + sealed.status().ToString());
    return;
  }
  StartLogSync(ctx);
  checkpoint_running_ = true;
  log_->info("{} checkpoint of segments up to {} started", config_.node_id, *sealed);
  ctx.RequestSync(kCheckpointSync, [fs = fs_, dir = config_.data_dir, covers = *sealed,
                                    now = ctx.unix_ms()]() -> Status {
    Status built = BuildCheckpoint(*fs, dir, covers, now);
    // The build held a second copy of the whole state on this thread's heap:
    // hand that memory back to the system rather than keep it for the next.
    ::malloc_trim(0);
    BUCKET_RETURN_IF_ERROR(built);
    DropObsoleteFiles(*fs, dir);
    return Status::Ok();
  });
}

void MasterActor::OnBackup(const Inbound& in, const messages::BackupRequest& r, Context& ctx) {
  if (backup_waiter_) {
    ctx.Reply(in, messages::ErrorResponse{Code::kBusy, "a backup is already running"});
    return;
  }
  // Seal the log here: the backup is the state as of this request, built off
  // the loop from the previous checkpoint and the sealed segments.
  auto sealed = oplog_->Roll();
  if (!sealed.ok()) {
    ctx.Stop("cannot start a new operation log segment: " + sealed.status().ToString());
    return;
  }
  StartLogSync(ctx);
  backup_waiter_ = in;
  backup_result_ = std::make_shared<Result<std::string>>(Status::Internal("not run"));
  ctx.RequestSync(kBackupSync, [fs = fs_, dir = config_.data_dir, covers = *sealed,
                                now = ctx.unix_ms(), out = r.directory,
                                result = backup_result_]() -> Status {
    *result = BuildCheckpointInto(*fs, dir, covers, now, out);
    return Status::Ok();
  });
}

void MasterActor::OnCheckpointDone(const Status& status, Context& ctx) {
  checkpoint_running_ = false;
  if (!status.ok()) {
    // The log still holds everything; the next checkpoint tries again.
    log_->error("{} checkpoint failed: {}", config_.node_id, status.ToString());
    PublishEvent("checkpoint_failed", "", 0, status.ToString(), ctx);
    return;
  }
  last_checkpoint_unix_ms_ = ctx.unix_ms();
  log_->info("{} checkpoint written", config_.node_id);
}

bool MasterActor::RefuseInSafeMode(const Inbound& in, Context& ctx) {
  if (!safe_mode_) return false;
  ctx.Reply(in, messages::ErrorResponse{Code::kSafeMode,
                                        "the master is in safe mode (" + safe_mode_reason_ +
                                            "): reads only"});
  return true;
}

// --- published state -------------------------------------------------------------

messages::ClusterState MasterActor::BuildState(Context& ctx) const {
  messages::ClusterState state;
  state.unix_ms = static_cast<std::uint64_t>(ctx.unix_ms());
  state.master.master_id = config_.node_id;
  state.master.rpc_endpoint = rpc_endpoint_;
  state.master.uptime_ms = static_cast<std::uint64_t>((ctx.now() - started_at_).count());
  state.master.safe_mode = safe_mode_;
  state.master.files = state_.tree().file_count();
  state.master.directories = state_.tree().directory_count();
  state.master.chunks = state_.chunks().size();
  state.master.oplog_bytes = oplog_->current_segment_bytes();
  state.master.last_checkpoint_unix_ms = static_cast<std::uint64_t>(last_checkpoint_unix_ms_);
  state.chunkservers = chunkservers_.Snapshot(ctx.now());
  state.health = Health();
  return state;
}

void MasterActor::PublishState(Context& ctx) {
  WhenDurable(ctx, [this](Context& c) {
    c.Publish(messages::kTopicState, ++state_sequence_, BuildState(c));
  });
}

void MasterActor::PublishEvent(const std::string& type, const std::string& node_id,
                               ChunkHandle chunk, const std::string& detail, Context& ctx) {
  messages::ClusterEvent event;
  event.unix_ms = static_cast<std::uint64_t>(ctx.unix_ms());
  event.type = type;
  event.node_id = node_id;
  event.chunk = chunk;
  event.detail = detail;
  WhenDurable(ctx, [this, event = std::move(event)](Context& c) {
    c.Publish(messages::kTopicEvent + event.type, ++event_sequence_, event);
  });
}

}  // namespace bucket::master
