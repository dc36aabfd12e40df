// MemFileSystem: an in-memory FileSystem that fails the way disks fail.
//
// It keeps two states of everything: what reads see now, and what would survive
// a power cut. File::Sync makes a file's bytes durable; SyncDir makes the
// creations, renames and removals in a directory durable. Crash() throws away
// everything that was not durable (optionally keeping a random prefix of an
// unsynced tail: a torn write), as a machine that lost power would. Handles
// opened before a crash fail afterwards, as the process holding them is gone.
//
// Faults on demand: a capacity (kNoSpace past it), EIO under a path prefix, and
// bit flips. Directories are modelled as always durable. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "actors/storage/file_system.h"

namespace bucket::storage {

class MemFileSystem final : public FileSystem {
 public:
  explicit MemFileSystem(std::uint64_t capacity_bytes = std::uint64_t{1} << 40);
  ~MemFileSystem() override;

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status MakeDirs(const std::string& path) override;
  Result<std::vector<std::string>> List(const std::string& path) override;
  bool Exists(const std::string& path) override;
  Status SyncDir(const std::string& path) override;
  Result<DiskUsage> Usage(const std::string& path) override;

  // Loses what was not durable. With `torn` set, an unsynced tail that extends a
  // file's durable bytes survives in part, cut at a point drawn from `rng`.
  void Crash(std::mt19937_64& rng, bool torn);
  void Crash() {
    std::mt19937_64 rng(0);
    Crash(rng, false);
  }

  void SetCapacity(std::uint64_t capacity_bytes);
  // While set, reads, writes and syncs of files under `path_prefix` return kIoError.
  void SetFailingPrefix(std::string path_prefix);
  void ClearFailingPrefix();
  // Flips bit `bit` of byte `offset` of the file, in both its current and durable bytes.
  Status FlipBit(const std::string& path, std::uint64_t offset, int bit);
  std::uint64_t UsedBytes();

  struct Inode;  // public for the File implementation in the .cc

 private:
  friend class MemFile;
  bool Failing(const std::string& path) const;  // REQUIRES: mu_ held
  std::uint64_t UsedBytesLocked() const;

  std::mutex mu_;
  std::uint64_t capacity_bytes_;
  std::uint64_t generation_ = 0;  // bumped by Crash: older handles are dead
  std::string failing_prefix_;
  std::map<std::string, std::shared_ptr<Inode>> live_;
  std::map<std::string, std::shared_ptr<Inode>> durable_;
  std::set<std::string> dirs_;
};

}  // namespace bucket::storage
