// PosixFileSystem: FileSystem on the real disk (pread/pwrite/fdatasync).
#pragma once

#include <memory>

#include "actors/storage/file_system.h"

namespace bucket::storage {

std::unique_ptr<FileSystem> NewPosixFileSystem();

// Holds an exclusive lock on `dir`/LOCK for as long as the returned handle lives,
// so that two processes never share a data folder. kBusy names the folder.
class DirectoryLock {
 public:
  explicit DirectoryLock(int fd) : fd_(fd) {}
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};
Result<std::unique_ptr<DirectoryLock>> LockDirectory(const std::string& dir);

// The Status for errno value `error` while doing `what` (e.g. "write /d/c1").
Status StatusFromErrno(int error, const std::string& what);

}  // namespace bucket::storage
