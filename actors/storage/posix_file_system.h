// PosixFileSystem: FileSystem on the real disk (pread/pwrite/fdatasync).
#pragma once

#include <memory>

#include "actors/storage/file_system.h"

namespace bucket::storage {

std::unique_ptr<FileSystem> NewPosixFileSystem();

// The Status for errno value `error` while doing `what` (e.g. "write /d/c1").
Status StatusFromErrno(int error, const std::string& what);

}  // namespace bucket::storage
