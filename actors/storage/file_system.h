// FileSystem and File: the only way actor logic reaches a disk.
//
// Reads and writes go to the page cache and may be called directly from an
// actor; File::Sync (fdatasync) and FileSystem::SyncDir are slow and are only
// ever called from SyncWork, which the runtime runs off the actor's loop.
// PosixFileSystem is the real one; MemFileSystem (mem_file_system.h) is a fake
// that loses unsynced data at a simulated crash and injects disk faults.
//
// Errors: ENOSPC is kNoSpace, EIO is kIoError, a missing path is kNotFound.
// Thread-safety: a File may be written on the actor's thread while Sync runs on a
// sync worker; both implementations allow that. Other concurrent use needs care.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "messages/status.h"

namespace bucket::storage {

class File {
 public:
  virtual ~File() = default;

  // Writes all `size` bytes at `offset`, growing the file as needed.
  virtual Status WriteAt(std::uint64_t offset, const void* data, std::size_t size) = 0;
  // Reads up to `size` bytes at `offset` into `out`; fewer only at the end of the file.
  virtual Result<std::size_t> ReadAt(std::uint64_t offset, void* out, std::size_t size) = 0;
  virtual Result<std::uint64_t> Size() = 0;
  virtual Status Truncate(std::uint64_t size) = 0;
  // Makes the file's data durable (fdatasync). Slow: call it only from SyncWork.
  virtual Status Sync() = 0;
};

enum class OpenMode : std::uint8_t {
  kReadOnly,
  kReadWrite,        // the file must exist
  kCreate,           // read-write, created empty if missing
  kCreateExclusive,  // read-write, kAlreadyExists if present
  kTruncate,         // read-write, created or emptied
};

struct DiskUsage {
  std::uint64_t capacity_bytes = 0;
  std::uint64_t free_bytes = 0;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) = 0;
  virtual Status Remove(const std::string& path) = 0;
  // Atomically replaces `to` with `from` (rename(2)).
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // Creates `path` and its missing parents; an existing directory is fine.
  virtual Status MakeDirs(const std::string& path) = 0;
  // The names (not paths) of the entries of directory `path`, sorted.
  virtual Result<std::vector<std::string>> List(const std::string& path) = 0;
  virtual bool Exists(const std::string& path) = 0;
  // Makes creations, renames and removals inside directory `path` durable. Slow.
  virtual Status SyncDir(const std::string& path) = 0;
  virtual Result<DiskUsage> Usage(const std::string& path) = 0;
};

// Helpers built on the interface.

// The whole content of the file at `path`.
Result<std::string> ReadWholeFile(FileSystem& fs, const std::string& path);

// Writes `content` to `path` so that a crash leaves either the old or the new file:
// write a temporary, sync it, rename it over `path`, sync the directory. Slow.
Status WriteFileDurably(FileSystem& fs, const std::string& path, std::string_view content);

// "a/b/c" -> "a/b"; "c" -> ".".
std::string DirName(const std::string& path);
std::string JoinPath(const std::string& dir, const std::string& name);

}  // namespace bucket::storage
