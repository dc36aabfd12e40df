// NamespaceTree: the master's directories and files, and the trash.
//
// Names are stored once, in their parent's Directory; an inode keeps its
// parent's id, its attributes and (for a file) its chunk handles. Every
// mutation either succeeds whole or changes nothing and returns why, so the
// master can apply a request, and log it only if it succeeded; replaying the
// log applies the same mutations in the same order to the same result, because
// inode and trash ids come from counters in the tree itself.
//
// Deleted files and directories move to the trash, detached from the tree but
// whole, until Purge frees them (after the grace period, or at once). Purging
// returns the chunk handles that lost a reference. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/master/chunk_list.h"
#include "actors/master/directory.h"
#include "messages/client_master.h"
#include "messages/status.h"

namespace bucket::master {

using InodeId = std::uint64_t;
inline constexpr InodeId kRootInode = 1;

// One file or directory. Kept small (40 bytes): the master holds one per
// name. A directory's entries are in the tree's Directory for its id.
struct Inode {
  InodeId parent = 0;
  std::uint64_t size = 0;
  std::int64_t mtime_unix_ms = 0;
  ChunkList chunks;              // files: chunk i of the file
  std::uint32_t chunk_size = 0;  // at most kChunkSizeMax
  std::uint8_t replication = 0;
  bool is_dir = false;
};

// Chunk sizes are multiples of 64 KiB up to 1 GiB (checked where requests arrive).
inline constexpr std::uint64_t kChunkSizeMax = 1ull << 30;

struct TrashEntry {
  std::string path;  // where it was
  std::int64_t deleted_unix_ms = 0;
  InodeId inode = 0;
};

// Defaults for files that do not choose their own.
struct FileDefaults {
  std::uint32_t replication = 3;
  std::uint64_t chunk_size = 64ull << 20;
};

class NamespaceTree {
 public:
  NamespaceTree();

  // Mutations. `now` is the wall-clock time recorded as mtime or deletion time.
  Status Mkdir(std::string_view path, bool parents, std::int64_t now);
  Result<InodeId> Create(std::string_view path, std::uint32_t replication,
                         std::uint64_t chunk_size, bool overwrite, bool parents, std::int64_t now,
                         const FileDefaults& defaults);
  // Moves `path` to the trash, or frees it at once with `purge`. A path that is
  // not in the tree but is in the trash is freed at once ("delete twice").
  // Chunk handles that lost a reference are appended to `freed`.
  Status Delete(std::string_view path, bool recursive, bool purge, std::int64_t now,
                std::vector<ChunkHandle>* freed);
  Status Undelete(std::string_view path, std::int64_t now);
  Status Rename(std::string_view from, std::string_view to, bool replace, std::int64_t now);
  // Copies the file or directory tree at `from` to the new name `to` (GFS 3.4):
  // the copies' files share the originals' chunks; each shared handle, once per
  // file that now also refers to it, is appended to `shared`.
  Status Snapshot(std::string_view from, std::string_view to, bool parents, std::int64_t now,
                  std::vector<ChunkHandle>* shared);
  // Points chunk `index` of file `inode` at `handle` (a copy-on-write copy).
  Status ReplaceChunk(InodeId inode, std::uint64_t index, ChunkHandle old_handle,
                      ChunkHandle handle);
  // Frees trash entry `trash_id` for good.
  Status Purge(std::uint64_t trash_id, std::vector<ChunkHandle>* freed);
  // Sets chunk `index` of file `inode` (appending if index == chunk count).
  Status SetChunk(InodeId inode, std::uint64_t index, ChunkHandle handle);
  // Raises the file's size to `size` if it is larger (sizes only grow).
  Status ExtendSize(InodeId inode, std::uint64_t size);

  // Queries.
  Result<InodeId> Lookup(std::string_view path) const;
  const Inode* Find(InodeId id) const;
  // Calls `fn(name, child)` for each entry of directory `dir`, in name order
  // (nothing for a file or an unknown id).
  void ForEachChild(InodeId dir,
                    const std::function<void(const std::string& name, InodeId child)>& fn) const;
  messages::FileInfo Info(InodeId id, std::string name) const;
  Result<messages::ListResponse> List(std::string_view path, std::string_view start_after,
                                      std::uint32_t limit) const;
  // Trash entries past `cutoff_unix_ms`, oldest first.
  std::vector<std::uint64_t> TrashOlderThan(std::int64_t cutoff_unix_ms) const;
  const std::map<std::uint64_t, TrashEntry>& trash() const { return trash_; }

  std::uint64_t file_count() const { return files_; }
  std::uint64_t directory_count() const { return directories_; }

  // For checkpoints: every inode in an order where parents come before children,
  // with the name under which it hangs ("" for the root and trash roots).
  void ForEachInode(const std::function<void(InodeId, const std::string& name, const Inode&)>& fn)
      const;
  // Rebuilds from a checkpoint. REQUIRES: called on a fresh tree, parents first.
  Status RestoreInode(InodeId id, const std::string& name, Inode inode);
  void RestoreTrash(std::uint64_t trash_id, TrashEntry entry);
  void RestoreCounters(InodeId next_inode, std::uint64_t next_trash_id);
  InodeId next_inode() const { return next_inode_; }
  std::uint64_t next_trash_id() const { return next_trash_id_; }

 private:
  struct Parent {
    InodeId dir;
    std::string name;
  };
  // Finds the parent directory of `path` and the last name; with `parents`,
  // creates missing directories on the way.
  Result<Parent> ResolveParent(std::string_view path, bool parents, std::int64_t now);
  // NotFound or NotADirectory unless the parent of `path` is a directory.
  Status CheckParentIsDirectory(std::string_view path) const;
  InodeId NewInode(InodeId parent, bool is_dir, std::int64_t now);
  void MoveToTrash(InodeId id, std::string path, std::int64_t now);
  void FreeSubtree(InodeId id, std::vector<ChunkHandle>* freed);
  // A copy of `source` (and everything under it) hung under `parent` as `name`.
  void CopySubtree(InodeId source, InodeId parent, const std::string& name, std::int64_t now,
                   std::vector<ChunkHandle>* shared);
  Inode& At(InodeId id) { return inodes_.at(id); }
  // The entries of directory `id`. REQUIRES: `id` is a directory.
  Directory& EntriesOf(InodeId id) { return dirs_.at(id); }
  const Directory& EntriesOf(InodeId id) const { return dirs_.at(id); }

  std::unordered_map<InodeId, Inode> inodes_;
  std::unordered_map<InodeId, Directory> dirs_;
  std::map<std::uint64_t, TrashEntry> trash_;
  std::multimap<std::string, std::uint64_t, std::less<>> trash_by_path_;
  InodeId next_inode_ = kRootInode + 1;
  std::uint64_t next_trash_id_ = 1;
  std::uint64_t files_ = 0;
  std::uint64_t directories_ = 1;  // the root
};

}  // namespace bucket::master
