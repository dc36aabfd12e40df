// The master's namespace handlers: mkdir, create, delete, undelete, rename,
// list, stat and locate, and the trash sweep that frees expired deletions.
#include "actors/master/master_actor.h"

namespace bucket::master {

using actors::Context;
using actors::Inbound;

// With CurveZMQ on, the key is part of it: a client that took another's
// routing id never gets that client's cached answers.
RetryKey KeyOf(const Inbound& in) {
  return RetryKey{in.identity.empty() ? in.peer : in.identity + "/" + in.peer,
                  in.header.request_id};
}

namespace {

messages::NamespaceResponse ResponseOf(const Status& status) {
  return messages::NamespaceResponse{status.code(), status.message()};
}

}  // namespace

void MasterActor::MutateNamespace(const Inbound& in, const LogRecord& record,
                                  const RetryKey& key, Context& ctx) {
  if (state_.AlreadyApplied(key, ctx.unix_ms())) {
    // A resend of a request that succeeded: answer as the first try was.
    ReplyWhenDurable(in, ResponseOf(Status::Ok()), ctx);
    return;
  }
  if (RefuseInSafeMode(in, ctx)) return;
  auto applied = Commit(record, ctx);
  ReplyWhenDurable(in, ResponseOf(applied.status()), ctx);
}

void MasterActor::OnMkdir(const Inbound& in, const messages::MkdirRequest& r, Context& ctx) {
  const RetryKey key = KeyOf(in);
  MutateNamespace(in, MkdirRecord{key, r.path, r.parents, ctx.unix_ms()}, key, ctx);
}

void MasterActor::OnCreate(const Inbound& in, const messages::CreateRequest& r, Context& ctx) {
  const RetryKey key = KeyOf(in);
  // Defaults are resolved before logging, so a later change of the config
  // cannot change what a replay creates.
  const std::uint32_t replication =
      r.replication ? r.replication : static_cast<std::uint32_t>(config_.default_replication);
  const std::uint64_t chunk_size = r.chunk_size ? r.chunk_size : config_.default_chunk_size_bytes;
  MutateNamespace(in,
                  CreateRecord{key, r.path, replication, chunk_size, r.overwrite, r.parents,
                               ctx.unix_ms()},
                  key, ctx);
}

void MasterActor::OnDelete(const Inbound& in, const messages::DeleteRequest& r, Context& ctx) {
  const RetryKey key = KeyOf(in);
  MutateNamespace(in, DeleteRecord{key, r.path, r.recursive, r.purge, ctx.unix_ms()}, key, ctx);
}

void MasterActor::OnUndelete(const Inbound& in, const messages::UndeleteRequest& r,
                             Context& ctx) {
  const RetryKey key = KeyOf(in);
  MutateNamespace(in, UndeleteRecord{key, r.path, ctx.unix_ms()}, key, ctx);
}

void MasterActor::OnRename(const Inbound& in, const messages::RenameRequest& r, Context& ctx) {
  const RetryKey key = KeyOf(in);
  MutateNamespace(in, RenameRecord{key, r.from, r.to, r.replace, ctx.unix_ms()}, key, ctx);
}

void MasterActor::OnList(const Inbound& in, const messages::ListRequest& r, Context& ctx) {
  auto listing = state_.tree().List(r.path, r.start_after, r.limit);
  if (!listing.ok()) {
    messages::ListResponse failed;
    failed.code = listing.status().code();
    failed.detail = listing.status().message();
    ReplyWhenDurable(in, std::move(failed), ctx);
    return;
  }
  ReplyWhenDurable(in, std::move(*listing), ctx);
}

messages::ChunkLocation MasterActor::LocationOf(std::uint64_t index, ChunkHandle handle,
                                                bool readable_only) const {
  messages::ChunkLocation location;
  location.index = index;
  location.handle = handle;
  const ChunkInfo* chunk = state_.chunks().Find(handle);
  if (chunk == nullptr) return location;
  location.version = chunk->version;
  location.references = chunk->references;
  for (const Replica& replica : chunk->replicas) {
    if (replica.version != chunk->version) continue;  // stale: never handed out
    const ChunkserverInfo* node = chunkservers_.ByIndex(replica.node);
    if (node == nullptr) continue;
    if (readable_only && node->state == NodeState::kDead) continue;
    location.replicas.push_back(ReplicaOf(replica.node));
  }
  return location;
}

void MasterActor::OnStat(const Inbound& in, const messages::StatRequest& r, Context& ctx) {
  messages::StatResponse response;
  auto id = state_.tree().Lookup(r.path);
  if (!id.ok()) {
    response.code = id.status().code();
    response.detail = id.status().message();
    ReplyWhenDurable(in, std::move(response), ctx);
    return;
  }
  response.info = state_.tree().Info(*id, BaseName(r.path));
  const Inode* inode = state_.tree().Find(*id);
  if (r.with_chunks && !inode->is_dir) {
    for (std::size_t i = 0; i < inode->chunks.size(); ++i) {
      response.chunks.push_back(LocationOf(i, inode->chunks[i], /*readable_only=*/false));
    }
  }
  ReplyWhenDurable(in, std::move(response), ctx);
}

void MasterActor::OnLocate(const Inbound& in, const messages::LocateRequest& r, Context& ctx) {
  messages::LocateResponse response;
  auto id = state_.tree().Lookup(r.path);
  const Inode* inode = id.ok() ? state_.tree().Find(*id) : nullptr;
  if (inode == nullptr || inode->is_dir) {
    const Status why = id.ok() ? Status::IsADirectory(r.path) : id.status();
    response.code = why.code();
    response.detail = why.message();
    ReplyWhenDurable(in, std::move(response), ctx);
    return;
  }
  response.info = state_.tree().Info(*id, BaseName(r.path));
  const std::uint64_t end =
      std::min<std::uint64_t>(inode->chunks.size(), r.first_index + r.count);
  for (std::uint64_t i = r.first_index; i < end; ++i) {
    response.chunks.push_back(LocationOf(i, inode->chunks[i], /*readable_only=*/true));
  }
  ReplyWhenDurable(in, std::move(response), ctx);
}

void MasterActor::OnSweepTrash(Context& ctx) {
  if (safe_mode_) return;
  const std::int64_t cutoff = ctx.unix_ms() - config_.trash_grace_ms;
  for (std::uint64_t trash_id : state_.tree().TrashOlderThan(cutoff)) {
    const std::string path = state_.tree().trash().at(trash_id).path;
    auto purged = Commit(PurgeRecord{trash_id}, ctx);
    if (!purged.ok()) {
      log_->error("{} cannot purge trash entry {} ({}): {}", config_.node_id, trash_id, path,
                  purged.status().ToString());
      continue;
    }
    log_->info("{} purged {} from the trash; {} chunks are now orphans", config_.node_id, path,
               purged->freed.size());
    PublishEvent("purged", "", 0,
                 path + ": " + std::to_string(purged->freed.size()) + " chunks to collect", ctx);
  }
}

}  // namespace bucket::master
