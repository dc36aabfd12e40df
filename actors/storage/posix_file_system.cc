#include "actors/storage/posix_file_system.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bucket::storage {

Status StatusFromErrno(int error, const std::string& what) {
  std::string message = what + ": " + std::strerror(error);
  switch (error) {
    case ENOENT: return Status::NotFound(message);
    case EEXIST: return Status::AlreadyExists(message);
    case ENOSPC:
    case EDQUOT: return Status::NoSpace(message);
    case ENOTDIR: return Status::NotADirectory(message);
    case EISDIR: return Status::IsADirectory(message);
    case ENOTEMPTY: return Status::DirectoryNotEmpty(message);
    case EACCES:
    case EPERM: return Status::PermissionDenied(message);
    default: return Status::IoError(message);
  }
}

namespace {

class PosixFile final : public File {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override { ::close(fd_); }

  Status WriteAt(std::uint64_t offset, const void* data, std::size_t size) override {
    const auto* bytes = static_cast<const char*>(data);
    while (size > 0) {
      const ssize_t n = ::pwrite(fd_, bytes, size, static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        return StatusFromErrno(errno, "write " + path_);
      }
      bytes += n;
      offset += static_cast<std::uint64_t>(n);
      size -= static_cast<std::size_t>(n);
    }
    return Status::Ok();
  }

  Result<std::size_t> ReadAt(std::uint64_t offset, void* out, std::size_t size) override {
    auto* bytes = static_cast<char*>(out);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pread(fd_, bytes + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return StatusFromErrno(errno, "read " + path_);
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

  Result<std::uint64_t> Size() override {
    struct stat st {};
    if (::fstat(fd_, &st) != 0) return StatusFromErrno(errno, "stat " + path_);
    return static_cast<std::uint64_t>(st.st_size);
  }

  Status Truncate(std::uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return StatusFromErrno(errno, "truncate " + path_);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return StatusFromErrno(errno, "fdatasync " + path_);
    return Status::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

int FlagsFor(OpenMode mode) {
  switch (mode) {
    case OpenMode::kReadOnly: return O_RDONLY;
    case OpenMode::kReadWrite: return O_RDWR;
    case OpenMode::kCreate: return O_RDWR | O_CREAT;
    case OpenMode::kCreateExclusive: return O_RDWR | O_CREAT | O_EXCL;
    case OpenMode::kTruncate: return O_RDWR | O_CREAT | O_TRUNC;
  }
  return O_RDONLY;
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    const int fd = ::open(path.c_str(), FlagsFor(mode) | O_CLOEXEC, 0644);
    if (fd < 0) return StatusFromErrno(errno, "open " + path);
    return std::unique_ptr<File>(new PosixFile(fd, path));
  }

  Status Remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return StatusFromErrno(errno, "remove " + path);
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return StatusFromErrno(errno, "rename " + from + " to " + to);
    }
    return Status::Ok();
  }

  Status MakeDirs(const std::string& path) override {
    if (path.empty()) return Status::InvalidArgument("empty directory path");
    std::size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      const std::string prefix = path.substr(0, pos);
      if (prefix.empty()) continue;
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
        return StatusFromErrno(errno, "mkdir " + prefix);
      }
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return StatusFromErrno(errno, "stat " + path);
    if (!S_ISDIR(st.st_mode)) return Status::NotADirectory(path);
    return Status::Ok();
  }

  Result<std::vector<std::string>> List(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return StatusFromErrno(errno, "list " + path);
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(dir)) {
      const std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
  }

  bool Exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Status SyncDir(const std::string& path) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return StatusFromErrno(errno, "open directory " + path);
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0) return StatusFromErrno(error, "fsync directory " + path);
    return Status::Ok();
  }

  Result<DiskUsage> Usage(const std::string& path) override {
    struct statvfs st {};
    if (::statvfs(path.c_str(), &st) != 0) return StatusFromErrno(errno, "statvfs " + path);
    DiskUsage usage;
    usage.capacity_bytes = static_cast<std::uint64_t>(st.f_blocks) * st.f_frsize;
    usage.free_bytes = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
    return usage;
  }
};

}  // namespace

DirectoryLock::~DirectoryLock() { ::close(fd_); }

Result<std::unique_ptr<DirectoryLock>> LockDirectory(const std::string& dir) {
  const std::string path = dir + "/LOCK";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return StatusFromErrno(errno, "open " + path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Busy(dir + " is in use by another process (" + path + " is locked)");
  }
  return std::make_unique<DirectoryLock>(fd);
}

std::unique_ptr<FileSystem> NewPosixFileSystem() { return std::make_unique<PosixFileSystem>(); }

}  // namespace bucket::storage
