#include "actors/master/master_state.h"

#include <algorithm>
#include <set>

namespace bucket::master {

void MasterState::Remember(const RetryKey& key, std::int64_t unix_ms) {
  if (!key.empty()) retry_.Insert(key.client_id, key.request_id, unix_ms);
}

bool MasterState::AlreadyApplied(const RetryKey& key, std::int64_t now_unix_ms) const {
  return !key.empty() && retry_.Contains(key.client_id, key.request_id, now_unix_ms);
}

void MasterState::DropReferences(const std::vector<ChunkHandle>& handles, Applied* applied) {
  std::set<ChunkHandle> ownerless;  // still shared, but not by their owner any more
  for (ChunkHandle handle : handles) {
    if (chunks_.DropReference(handle)) {
      applied->freed.push_back(handle);
      continue;
    }
    const ChunkInfo* chunk = chunks_.Find(handle);
    const Inode* owner = chunk ? tree_.Find(chunk->owner) : nullptr;
    if (chunk != nullptr &&
        (owner == nullptr || std::find(owner->chunks.begin(), owner->chunks.end(), handle) ==
                                 owner->chunks.end())) {
      ownerless.insert(handle);
    }
  }
  if (ownerless.empty()) return;
  // A file that still holds the chunk owns it now: file sizes learnt from
  // replicas and repair priority follow the owner. One pass over the files.
  tree_.ForEachInode([&](InodeId id, const std::string&, const Inode& inode) {
    if (inode.is_dir) return;
    for (ChunkHandle handle : inode.chunks) {
      if (ownerless.erase(handle) != 0) chunks_.FindMutable(handle)->owner = id;
    }
  });
}

Result<Applied> MasterState::Apply(const LogRecord& record) {
  Applied applied;
  Status status = std::visit(
      [&](const auto& r) -> Status {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, MkdirRecord>) {
          BUCKET_RETURN_IF_ERROR(tree_.Mkdir(r.path, r.parents, r.unix_ms));
          Remember(r.retry, r.unix_ms);
        } else if constexpr (std::is_same_v<T, CreateRecord>) {
          const FileDefaults exact{r.replication, r.chunk_size};  // resolved before logging
          auto inode = tree_.Create(r.path, r.replication, r.chunk_size, r.overwrite, r.parents,
                                    r.unix_ms, exact);
          if (!inode.ok()) return inode.status();
          applied.inode = *inode;
          Remember(r.retry, r.unix_ms);
        } else if constexpr (std::is_same_v<T, DeleteRecord>) {
          std::vector<ChunkHandle> freed;
          BUCKET_RETURN_IF_ERROR(tree_.Delete(r.path, r.recursive, r.purge, r.unix_ms, &freed));
          DropReferences(freed, &applied);
          Remember(r.retry, r.unix_ms);
        } else if constexpr (std::is_same_v<T, UndeleteRecord>) {
          BUCKET_RETURN_IF_ERROR(tree_.Undelete(r.path, r.unix_ms));
          Remember(r.retry, r.unix_ms);
        } else if constexpr (std::is_same_v<T, RenameRecord>) {
          BUCKET_RETURN_IF_ERROR(tree_.Rename(r.from, r.to, r.replace, r.unix_ms));
          Remember(r.retry, r.unix_ms);
        } else if constexpr (std::is_same_v<T, PurgeRecord>) {
          std::vector<ChunkHandle> freed;
          BUCKET_RETURN_IF_ERROR(tree_.Purge(r.trash_id, &freed));
          DropReferences(freed, &applied);
        } else if constexpr (std::is_same_v<T, AddChunkRecord>) {
          if (chunks_.Find(r.handle) != nullptr) {
            return Status::AlreadyExists("chunk " + std::to_string(r.handle));
          }
          BUCKET_RETURN_IF_ERROR(tree_.SetChunk(r.inode, r.index, r.handle));
          chunks_.Add(r.handle, r.version);
          ChunkInfo* chunk = chunks_.FindMutable(r.handle);
          chunk->owner = r.inode;
          chunk->replication = tree_.Find(r.inode)->replication;
          next_handle_ = std::max(next_handle_, r.handle + 1);
        } else if constexpr (std::is_same_v<T, SetVersionRecord>) {
          BUCKET_RETURN_IF_ERROR(chunks_.SetVersion(r.handle, r.version));
          chunks_.SetLeaseUntil(r.handle, r.lease_until_unix_ms);
          if (r.issued_before != 0) {
            ChunkInfo* chunk = chunks_.FindMutable(r.handle);
            chunk->version_floor = std::max(chunk->version_floor, r.issued_before);
          }
        } else if constexpr (std::is_same_v<T, SetSizeRecord>) {
          BUCKET_RETURN_IF_ERROR(tree_.ExtendSize(r.inode, r.size));
        } else if constexpr (std::is_same_v<T, SnapshotRecord>) {
          std::vector<ChunkHandle> shared;
          BUCKET_RETURN_IF_ERROR(tree_.Snapshot(r.from, r.to, r.parents, r.unix_ms, &shared));
          for (ChunkHandle handle : shared) chunks_.AddReference(handle);
          Remember(r.retry, r.unix_ms);
        } else if constexpr (std::is_same_v<T, ReserveHandlesRecord>) {
          next_handle_ = std::max(next_handle_, r.next_handle);
        } else if constexpr (std::is_same_v<T, ChunkserverJoinedRecord>) {
          known_chunkservers_.insert(r.node_id);
        } else if constexpr (std::is_same_v<T, CopyChunkRecord>) {
          if (chunks_.Find(r.handle) != nullptr) {
            return Status::AlreadyExists("chunk " + std::to_string(r.handle));
          }
          if (chunks_.Find(r.old_handle) == nullptr) {
            return Status::NotFound("chunk " + std::to_string(r.old_handle));
          }
          BUCKET_RETURN_IF_ERROR(tree_.ReplaceChunk(r.inode, r.index, r.old_handle, r.handle));
          chunks_.Add(r.handle, r.version);
          ChunkInfo* chunk = chunks_.FindMutable(r.handle);
          chunk->owner = r.inode;
          chunk->replication = tree_.Find(r.inode)->replication;
          next_handle_ = std::max(next_handle_, r.handle + 1);
          DropReferences({r.old_handle}, &applied);
        }
        return Status::Ok();
      },
      record);
  if (!status.ok()) return status;
  return applied;
}

Status MasterState::ToCheckpoint(std::uint64_t covers_segment, std::int64_t now_unix_ms,
                                 const std::function<Status(const CheckpointEntry&)>& sink) const {
  std::uint64_t count = 0;
  Status status;
  auto emit = [&](const CheckpointEntry& entry) {
    if (status.ok()) status = sink(entry);
    ++count;
  };
  emit(CheckpointHeader{covers_segment, tree_.next_inode(), tree_.next_trash_id(), next_handle_,
                        now_unix_ms});
  tree_.ForEachInode([&](InodeId id, const std::string& name, const Inode& inode) {
    emit(InodeEntry{id, name, inode.parent, inode.is_dir, inode.replication, inode.chunk_size,
                    inode.mtime_unix_ms, inode.size, inode.chunks.ToVector()});
  });
  for (const auto& [trash_id, entry] : tree_.trash()) {
    emit(TrashEntryRecord{trash_id, entry.path, entry.deleted_unix_ms, entry.inode});
  }
  // In handle order, so that equal states write identical checkpoints.
  std::vector<ChunkHandle> handles;
  handles.reserve(chunks_.size());
  chunks_.ForEach([&](ChunkHandle handle, const ChunkInfo&) { handles.push_back(handle); });
  std::sort(handles.begin(), handles.end());
  for (ChunkHandle handle : handles) {
    const ChunkInfo& info = *chunks_.Find(handle);
    emit(ChunkEntry{handle, info.version, info.references, info.lease_until_unix_ms,
                    info.version_floor});
  }
  retry_.ForEach([&](const std::string& client, std::uint64_t request, std::int64_t unix_ms) {
    emit(RetryEntry{client, request, unix_ms});
  });
  for (const std::string& node_id : known_chunkservers_) emit(ChunkserverEntry{node_id});
  emit(CheckpointEnd{count});
  return status;
}

Status MasterState::FromCheckpoint(const std::vector<CheckpointEntry>& entries) {
  if (entries.empty() || !std::holds_alternative<CheckpointHeader>(entries.front())) {
    return Status::Corruption("checkpoint has no header");
  }
  const auto* end = std::get_if<CheckpointEnd>(&entries.back());
  if (end == nullptr || end->entries != entries.size() - 1) {
    return Status::Corruption("checkpoint is incomplete");
  }
  const auto& header = std::get<CheckpointHeader>(entries.front());
  for (std::size_t i = 1; i + 1 < entries.size(); ++i) {
    Status status = std::visit(
        [&](const auto& e) -> Status {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, InodeEntry>) {
            Inode inode;
            inode.parent = e.parent;
            inode.is_dir = e.is_dir;
            inode.replication = static_cast<std::uint8_t>(e.replication);
            if (e.chunk_size > kChunkSizeMax) {
              return Status::Corruption("inode " + std::to_string(e.id) +
                                        ": chunk size above 1GiB");
            }
            inode.chunk_size = static_cast<std::uint32_t>(e.chunk_size);
            inode.mtime_unix_ms = e.mtime_unix_ms;
            inode.size = e.size;
            inode.chunks = e.chunks;
            return tree_.RestoreInode(e.id, e.name, std::move(inode));
          } else if constexpr (std::is_same_v<T, TrashEntryRecord>) {
            tree_.RestoreTrash(e.trash_id, TrashEntry{e.path, e.deleted_unix_ms, e.inode});
          } else if constexpr (std::is_same_v<T, ChunkEntry>) {
            chunks_.Add(e.handle, e.version);
            ChunkInfo* info = chunks_.FindMutable(e.handle);
            info->references = e.references;
            info->lease_until_unix_ms = e.lease_until_unix_ms;
            info->version_floor = e.version_floor;
          } else if constexpr (std::is_same_v<T, RetryEntry>) {
            retry_.Insert(e.client_id, e.request_id, e.unix_ms);
          } else if constexpr (std::is_same_v<T, ChunkserverEntry>) {
            known_chunkservers_.insert(e.node_id);
          } else {
            return Status::Corruption("unexpected entry inside a checkpoint");
          }
          return Status::Ok();
        },
        entries[i]);
    BUCKET_RETURN_IF_ERROR(status);
  }
  tree_.RestoreCounters(header.next_inode, header.next_trash_id);
  next_handle_ = header.next_handle;
  IndexChunkOwners();
  return Status::Ok();
}

void MasterState::IndexChunkOwners() {
  tree_.ForEachInode([&](InodeId id, const std::string&, const Inode& inode) {
    if (inode.is_dir) return;
    for (ChunkHandle handle : inode.chunks) {
      ChunkInfo* chunk = chunks_.FindMutable(handle);
      if (chunk == nullptr) continue;
      if (chunk->owner == 0) chunk->owner = id;
      chunk->replication = std::max(chunk->replication, inode.replication);
    }
  });
}

bool MasterState::InTrash(InodeId id) const {
  while (id != kRootInode) {
    const Inode* inode = tree_.Find(id);
    if (inode == nullptr) return false;   // gone
    if (inode->parent == 0) return true;  // the root of a detached subtree: the trash
    id = inode->parent;
  }
  return false;
}

}  // namespace bucket::master
