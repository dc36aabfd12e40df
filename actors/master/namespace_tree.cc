#include "actors/master/namespace_tree.h"

#include <algorithm>

namespace bucket::master {

NamespaceTree::NamespaceTree() {
  Inode root;
  root.is_dir = true;
  inodes_.emplace(kRootInode, std::move(root));
  dirs_.emplace(kRootInode, Directory());
}

Result<InodeId> NamespaceTree::Lookup(std::string_view path) const {
  InodeId id = kRootInode;
  std::string walked;
  for (std::string_view name : SplitPath(path)) {
    auto dir = dirs_.find(id);
    if (dir == dirs_.end()) return Status::NotADirectory(walked + " is a file");
    auto child = dir->second.Find(name);
    walked += "/";
    walked += name;
    if (!child) return Status::NotFound(walked);
    id = *child;
  }
  return id;
}

const Inode* NamespaceTree::Find(InodeId id) const {
  auto it = inodes_.find(id);
  return it == inodes_.end() ? nullptr : &it->second;
}

void NamespaceTree::ForEachChild(
    InodeId dir, const std::function<void(const std::string&, InodeId)>& fn) const {
  auto entries = dirs_.find(dir);
  if (entries == dirs_.end()) return;
  entries->second.ForEachAfter("", [&](const Directory::Entry& entry) {
    fn(std::string(entry.name.view()), entry.id);
    return true;
  });
}

InodeId NamespaceTree::NewInode(InodeId parent, bool is_dir, std::int64_t now) {
  const InodeId id = next_inode_++;
  Inode inode;
  inode.parent = parent;
  inode.is_dir = is_dir;
  inode.mtime_unix_ms = now;
  if (is_dir) {
    dirs_.emplace(id, Directory());
    ++directories_;
  } else {
    ++files_;
  }
  inodes_.emplace(id, std::move(inode));
  return id;
}

Status NamespaceTree::CheckParentIsDirectory(std::string_view path) const {
  auto parent = Lookup(ParentPath(path));
  if (!parent.ok()) {
    return parent.status().code() == Code::kNotFound
               ? Status::NotFound("parent directory " + ParentPath(path) + " does not exist")
               : parent.status();
  }
  if (!inodes_.at(*parent).is_dir) return Status::NotADirectory(ParentPath(path) + " is a file");
  return Status::Ok();
}

Result<NamespaceTree::Parent> NamespaceTree::ResolveParent(std::string_view path, bool parents,
                                                           std::int64_t now) {
  const auto names = SplitPath(path);
  if (names.empty()) return Status::InvalidPath("the root has no parent");
  InodeId id = kRootInode;
  std::string walked;
  for (std::size_t i = 0; i + 1 < names.size(); ++i) {
    walked += "/";
    walked += names[i];
    auto child = EntriesOf(id).Find(names[i]);
    if (!child) {
      if (!parents) return Status::NotFound("parent directory " + walked + " does not exist");
      const InodeId made = NewInode(id, true, now);
      EntriesOf(id).Set(names[i], made);
      At(id).mtime_unix_ms = now;
      id = made;
      continue;
    }
    if (!At(*child).is_dir) return Status::NotADirectory(walked + " is a file");
    id = *child;
  }
  return Parent{id, std::string(names.back())};
}

Status NamespaceTree::Mkdir(std::string_view path, bool parents, std::int64_t now) {
  if (path == "/") return parents ? Status::Ok() : Status::AlreadyExists("/");
  // Check before creating parents, so that a failure changes nothing.
  if (auto existing = Lookup(path); existing.ok()) {
    if (parents && At(*existing).is_dir) return Status::Ok();
    return Status::AlreadyExists(std::string(path));
  } else if (existing.status().code() == Code::kNotADirectory) {
    return existing.status();
  }
  if (!parents) BUCKET_RETURN_IF_ERROR(CheckParentIsDirectory(path));
  auto parent = ResolveParent(path, parents, now);
  if (!parent.ok()) return parent.status();
  const InodeId id = NewInode(parent->dir, true, now);
  EntriesOf(parent->dir).Set(parent->name, id);
  At(parent->dir).mtime_unix_ms = now;
  return Status::Ok();
}

Result<InodeId> NamespaceTree::Create(std::string_view path, std::uint32_t replication,
                                      std::uint64_t chunk_size, bool overwrite, bool parents,
                                      std::int64_t now, const FileDefaults& defaults) {
  if (path == "/") return Status::IsADirectory("/");
  if (chunk_size > kChunkSizeMax || defaults.chunk_size > kChunkSizeMax) {
    return Status::InvalidArgument("chunk size above 1GiB");
  }
  auto existing = Lookup(path);
  if (existing.ok()) {
    if (At(*existing).is_dir) return Status::IsADirectory(std::string(path));
    if (!overwrite) return Status::AlreadyExists(std::string(path));
  } else if (existing.status().code() == Code::kNotADirectory) {
    return existing.status();
  } else if (!parents) {
    BUCKET_RETURN_IF_ERROR(CheckParentIsDirectory(path));
  }
  if (existing.ok()) MoveToTrash(*existing, std::string(path), now);
  auto parent = ResolveParent(path, parents, now);
  if (!parent.ok()) return parent.status();
  const InodeId id = NewInode(parent->dir, false, now);
  Inode& file = At(id);
  file.replication = static_cast<std::uint8_t>(replication ? replication : defaults.replication);
  file.chunk_size = static_cast<std::uint32_t>(chunk_size ? chunk_size : defaults.chunk_size);
  EntriesOf(parent->dir).Set(parent->name, id);
  At(parent->dir).mtime_unix_ms = now;
  return id;
}

Status NamespaceTree::Snapshot(std::string_view from, std::string_view to, bool parents,
                               std::int64_t now, std::vector<ChunkHandle>* shared) {
  auto source = Lookup(from);
  if (!source.ok()) return source.status();
  if (to == "/") return Status::AlreadyExists("/");
  if (IsSameOrUnder(to, from)) {
    return Status::InvalidArgument("cannot snapshot " + std::string(from) + " into itself");
  }
  auto existing = Lookup(to);
  if (existing.ok()) return Status::AlreadyExists(std::string(to));
  if (existing.status().code() == Code::kNotADirectory) return existing.status();
  if (!parents) BUCKET_RETURN_IF_ERROR(CheckParentIsDirectory(to));
  auto parent = ResolveParent(to, parents, now);
  if (!parent.ok()) return parent.status();
  CopySubtree(*source, parent->dir, parent->name, now, shared);
  At(parent->dir).mtime_unix_ms = now;
  return Status::Ok();
}

void NamespaceTree::CopySubtree(InodeId source, InodeId parent, const std::string& name,
                                std::int64_t now, std::vector<ChunkHandle>* shared) {
  const bool is_dir = At(source).is_dir;
  const InodeId copy = NewInode(parent, is_dir, now);
  EntriesOf(parent).Set(name, copy);
  const Inode& original = At(source);
  Inode& made = At(copy);
  made.replication = original.replication;
  made.chunk_size = original.chunk_size;
  made.mtime_unix_ms = original.mtime_unix_ms;
  made.size = original.size;
  if (!is_dir) {
    made.chunks = original.chunks;
    shared->insert(shared->end(), made.chunks.begin(), made.chunks.end());
    return;
  }
  // Names first: copying into the same directory while walking it is not safe.
  std::vector<std::pair<std::string, InodeId>> children;
  EntriesOf(source).ForEachAfter("", [&](const Directory::Entry& entry) {
    children.emplace_back(entry.name.view(), entry.id);
    return true;
  });
  for (const auto& [child_name, child] : children) {
    CopySubtree(child, copy, child_name, now, shared);
  }
}

Status NamespaceTree::ReplaceChunk(InodeId inode, std::uint64_t index, ChunkHandle old_handle,
                                   ChunkHandle handle) {
  auto it = inodes_.find(inode);
  if (it == inodes_.end() || it->second.is_dir) {
    return Status::NotFound("file inode " + std::to_string(inode));
  }
  auto& chunks = it->second.chunks;
  if (index >= chunks.size() || chunks[index] != old_handle) {
    return Status::InvalidArgument("chunk " + std::to_string(index) + " of inode " +
                                   std::to_string(inode) + " is not " +
                                   std::to_string(old_handle));
  }
  chunks[index] = handle;
  return Status::Ok();
}

void NamespaceTree::MoveToTrash(InodeId id, std::string path, std::int64_t now) {
  Inode& node = At(id);
  EntriesOf(node.parent).Erase(BaseName(path));
  At(node.parent).mtime_unix_ms = now;
  node.parent = 0;  // detached
  const std::uint64_t trash_id = next_trash_id_++;
  trash_by_path_.emplace(path, trash_id);
  trash_.emplace(trash_id, TrashEntry{std::move(path), now, id});
}

void NamespaceTree::FreeSubtree(InodeId id, std::vector<ChunkHandle>* freed) {
  Inode& node = At(id);
  if (node.is_dir) {
    EntriesOf(id).ForEachAfter("", [&](const Directory::Entry& entry) {
      FreeSubtree(entry.id, freed);
      return true;
    });
    dirs_.erase(id);
    --directories_;
  } else {
    freed->insert(freed->end(), node.chunks.begin(), node.chunks.end());
    --files_;
  }
  inodes_.erase(id);
}

Status NamespaceTree::Delete(std::string_view path, bool recursive, bool purge, std::int64_t now,
                             std::vector<ChunkHandle>* freed) {
  if (path == "/") return Status::InvalidArgument("cannot delete the root");
  auto id = Lookup(path);
  if (!id.ok()) {
    if (id.status().code() != Code::kNotFound) return id.status();
    // Deleting what is already in the trash frees it at once.
    auto [first, last] = trash_by_path_.equal_range(path);
    if (first == last) return id.status();
    std::vector<std::uint64_t> ids;
    for (auto it = first; it != last; ++it) ids.push_back(it->second);
    for (std::uint64_t trash_id : ids) BUCKET_RETURN_IF_ERROR(Purge(trash_id, freed));
    return Status::Ok();
  }
  const Inode& node = At(*id);
  if (node.is_dir && !EntriesOf(*id).empty() && !recursive) {
    return Status::DirectoryNotEmpty(std::string(path) + " (delete it recursively)");
  }
  MoveToTrash(*id, std::string(path), now);
  if (purge) return Purge(next_trash_id_ - 1, freed);
  return Status::Ok();
}

Status NamespaceTree::Purge(std::uint64_t trash_id, std::vector<ChunkHandle>* freed) {
  auto it = trash_.find(trash_id);
  if (it == trash_.end()) return Status::NotFound("trash entry " + std::to_string(trash_id));
  auto [first, last] = trash_by_path_.equal_range(it->second.path);
  for (auto p = first; p != last; ++p) {
    if (p->second == trash_id) {
      trash_by_path_.erase(p);
      break;
    }
  }
  FreeSubtree(it->second.inode, freed);
  trash_.erase(it);
  return Status::Ok();
}

Status NamespaceTree::Undelete(std::string_view path, std::int64_t now) {
  auto [first, last] = trash_by_path_.equal_range(path);
  if (first == last) return Status::NotFound(std::string(path) + " is not in the trash");
  // The most recent deletion of this path.
  auto newest = first;
  for (auto it = first; it != last; ++it) {
    if (it->second > newest->second) newest = it;
  }
  if (Lookup(path).ok()) {
    return Status::AlreadyExists(std::string(path) + " exists again; rename it first");
  }
  auto parent = Lookup(ParentPath(path));
  if (!parent.ok() || !At(*parent).is_dir) {
    return Status::NotFound("cannot restore " + std::string(path) + ": its directory " +
                            ParentPath(path) + " is gone");
  }
  const std::uint64_t trash_id = newest->second;
  const InodeId id = trash_.at(trash_id).inode;
  trash_by_path_.erase(newest);
  trash_.erase(trash_id);
  At(id).parent = *parent;
  EntriesOf(*parent).Set(BaseName(path), id);
  At(*parent).mtime_unix_ms = now;
  return Status::Ok();
}

Status NamespaceTree::Rename(std::string_view from, std::string_view to, bool replace,
                             std::int64_t now) {
  auto source = Lookup(from);
  if (!source.ok()) return source.status();
  if (from == to) return Status::Ok();
  if (IsSameOrUnder(to, from)) {
    return Status::InvalidArgument("cannot move " + std::string(from) + " into itself");
  }
  auto parent = Lookup(ParentPath(to));
  if (!parent.ok()) {
    return parent.status().code() == Code::kNotFound
               ? Status::NotFound("parent directory " + ParentPath(to) + " does not exist")
               : parent.status();
  }
  if (!At(*parent).is_dir) return Status::NotADirectory(ParentPath(to) + " is a file");
  auto target = Lookup(to);
  if (target.ok()) {
    if (!replace) return Status::AlreadyExists(std::string(to));
    const Inode& replaced = At(*target);
    const bool moving_dir = At(*source).is_dir;
    if (replaced.is_dir && !moving_dir) return Status::IsADirectory(std::string(to));
    if (!replaced.is_dir && moving_dir) return Status::NotADirectory(std::string(to));
    if (replaced.is_dir && !EntriesOf(*target).empty()) {
      return Status::DirectoryNotEmpty(std::string(to));
    }
    MoveToTrash(*target, std::string(to), now);
  }
  const InodeId old_parent = At(*source).parent;
  EntriesOf(old_parent).Erase(BaseName(from));
  At(old_parent).mtime_unix_ms = now;
  EntriesOf(*parent).Set(BaseName(to), *source);
  At(*parent).mtime_unix_ms = now;
  At(*source).parent = *parent;
  return Status::Ok();
}

Status NamespaceTree::SetChunk(InodeId inode, std::uint64_t index, ChunkHandle handle) {
  auto it = inodes_.find(inode);
  if (it == inodes_.end() || it->second.is_dir) {
    return Status::NotFound("file inode " + std::to_string(inode));
  }
  auto& chunks = it->second.chunks;
  if (index > chunks.size()) return Status::InvalidArgument("chunk index past the end");
  if (index == chunks.size()) {
    chunks.push_back(handle);
  } else {
    chunks[index] = handle;
  }
  return Status::Ok();
}

Status NamespaceTree::ExtendSize(InodeId inode, std::uint64_t size) {
  auto it = inodes_.find(inode);
  if (it == inodes_.end() || it->second.is_dir) {
    return Status::NotFound("file inode " + std::to_string(inode));
  }
  it->second.size = std::max(it->second.size, size);
  return Status::Ok();
}

messages::FileInfo NamespaceTree::Info(InodeId id, std::string name) const {
  const Inode& node = inodes_.at(id);
  messages::FileInfo info;
  info.name = std::move(name);
  info.is_dir = node.is_dir;
  info.size = node.size;
  info.mtime_unix_ms = node.mtime_unix_ms;
  info.replication = node.replication;
  info.chunk_size = node.chunk_size;
  info.chunk_count = node.is_dir ? EntriesOf(id).size() : node.chunks.size();
  return info;
}

Result<messages::ListResponse> NamespaceTree::List(std::string_view path,
                                                   std::string_view start_after,
                                                   std::uint32_t limit) const {
  auto id = Lookup(path);
  if (!id.ok()) return id.status();
  messages::ListResponse response;
  const Inode& node = inodes_.at(*id);
  if (!node.is_dir) {
    response.entries.push_back(Info(*id, BaseName(path)));
    return response;
  }
  EntriesOf(*id).ForEachAfter(start_after, [&](const Directory::Entry& entry) {
    if (response.entries.size() == limit) {
      response.truncated = true;
      return false;
    }
    response.entries.push_back(Info(entry.id, std::string(entry.name.view())));
    return true;
  });
  return response;
}

std::vector<std::uint64_t> NamespaceTree::TrashOlderThan(std::int64_t cutoff_unix_ms) const {
  std::vector<std::uint64_t> ids;
  for (const auto& [id, entry] : trash_) {
    if (entry.deleted_unix_ms <= cutoff_unix_ms) ids.push_back(id);
  }
  return ids;
}

void NamespaceTree::ForEachInode(
    const std::function<void(InodeId, const std::string&, const Inode&)>& fn) const {
  std::function<void(InodeId, const std::string&)> visit = [&](InodeId id,
                                                                const std::string& name) {
    const Inode& node = inodes_.at(id);
    fn(id, name, node);
    if (node.is_dir) {
      EntriesOf(id).ForEachAfter("", [&](const Directory::Entry& entry) {
        visit(entry.id, std::string(entry.name.view()));
        return true;
      });
    }
  };
  visit(kRootInode, "");
  for (const auto& [trash_id, entry] : trash_) visit(entry.inode, "");
}

Status NamespaceTree::RestoreInode(InodeId id, const std::string& name, Inode inode) {
  if (id == kRootInode) {
    Inode& root = At(kRootInode);
    root.mtime_unix_ms = inode.mtime_unix_ms;
    return Status::Ok();
  }
  if (inodes_.count(id) != 0) return Status::Corruption("inode " + std::to_string(id) + " twice");
  if (inode.parent != 0) {
    auto parent = dirs_.find(inode.parent);
    if (parent == dirs_.end()) {
      return Status::Corruption("inode " + std::to_string(id) + " has no parent directory");
    }
    parent->second.Set(name, id);
  }
  if (inode.is_dir) {
    dirs_.emplace(id, Directory());
    ++directories_;
  } else {
    ++files_;
  }
  inodes_.emplace(id, std::move(inode));
  return Status::Ok();
}

void NamespaceTree::RestoreTrash(std::uint64_t trash_id, TrashEntry entry) {
  trash_by_path_.emplace(entry.path, trash_id);
  trash_.emplace(trash_id, std::move(entry));
}

void NamespaceTree::RestoreCounters(InodeId next_inode, std::uint64_t next_trash_id) {
  next_inode_ = next_inode;
  next_trash_id_ = next_trash_id;
}

}  // namespace bucket::master
