#include "actors/storage/mem_file_system.h"

#include <algorithm>

namespace bucket::storage {

struct MemFileSystem::Inode {
  std::string data;     // what reads see
  std::string durable;  // what survives a crash
};

class MemFile final : public File {
 public:
  MemFile(MemFileSystem* fs, std::shared_ptr<MemFileSystem::Inode> inode, std::string path,
          std::uint64_t generation, bool writable)
      : fs_(fs), inode_(std::move(inode)), path_(std::move(path)), generation_(generation),
        writable_(writable) {}

  Status WriteAt(std::uint64_t offset, const void* data, std::size_t size) override {
    std::lock_guard lock(fs_->mu_);
    BUCKET_RETURN_IF_ERROR(Usable("write"));
    if (!writable_) return Status::PermissionDenied("write " + path_ + ": opened read-only");
    const std::uint64_t end = offset + size;
    if (end > inode_->data.size()) {
      const std::uint64_t growth = end - inode_->data.size();
      if (fs_->UsedBytesLocked() + growth > fs_->capacity_bytes_) {
        return Status::NoSpace("write " + path_ + ": no space left on device");
      }
      inode_->data.resize(end, '\0');
    }
    std::copy_n(static_cast<const char*>(data), size, inode_->data.begin() + offset);
    return Status::Ok();
  }

  Result<std::size_t> ReadAt(std::uint64_t offset, void* out, std::size_t size) override {
    std::lock_guard lock(fs_->mu_);
    BUCKET_RETURN_IF_ERROR(Usable("read"));
    if (offset >= inode_->data.size()) return std::size_t{0};
    const std::size_t n = std::min<std::size_t>(size, inode_->data.size() - offset);
    std::copy_n(inode_->data.begin() + offset, n, static_cast<char*>(out));
    return n;
  }

  Result<std::uint64_t> Size() override {
    std::lock_guard lock(fs_->mu_);
    BUCKET_RETURN_IF_ERROR(Usable("stat"));
    return static_cast<std::uint64_t>(inode_->data.size());
  }

  Status Truncate(std::uint64_t size) override {
    std::lock_guard lock(fs_->mu_);
    BUCKET_RETURN_IF_ERROR(Usable("truncate"));
    inode_->data.resize(size, '\0');
    return Status::Ok();
  }

  Status Sync() override {
    std::lock_guard lock(fs_->mu_);
    BUCKET_RETURN_IF_ERROR(Usable("fdatasync"));
    inode_->durable = inode_->data;
    return Status::Ok();
  }

 private:
  // REQUIRES: fs_->mu_ held.
  Status Usable(const char* op) const {
    if (generation_ != fs_->generation_) {
      return Status::IoError(std::string(op) + " " + path_ + ": handle from before a crash");
    }
    if (fs_->Failing(path_)) return Status::IoError(std::string(op) + " " + path_ + ": EIO");
    return Status::Ok();
  }

  MemFileSystem* fs_;
  std::shared_ptr<MemFileSystem::Inode> inode_;
  std::string path_;
  std::uint64_t generation_;
  bool writable_;
};

MemFileSystem::MemFileSystem(std::uint64_t capacity_bytes) : capacity_bytes_(capacity_bytes) {
  dirs_.insert("/");
  dirs_.insert(".");
}

MemFileSystem::~MemFileSystem() = default;

Result<std::unique_ptr<File>> MemFileSystem::Open(const std::string& path, OpenMode mode) {
  std::lock_guard lock(mu_);
  if (dirs_.count(path) != 0) return Status::IsADirectory("open " + path);
  if (dirs_.count(DirName(path)) == 0) return Status::NotFound("open " + path + ": no directory");
  if (Failing(path)) return Status::IoError("open " + path + ": EIO");
  auto it = live_.find(path);
  const bool exists = it != live_.end();
  if (!exists && (mode == OpenMode::kReadOnly || mode == OpenMode::kReadWrite)) {
    return Status::NotFound("open " + path);
  }
  if (exists && mode == OpenMode::kCreateExclusive) return Status::AlreadyExists("open " + path);
  if (!exists) it = live_.emplace(path, std::make_shared<Inode>()).first;
  if (mode == OpenMode::kTruncate) it->second->data.clear();
  return std::unique_ptr<File>(
      new MemFile(this, it->second, path, generation_, mode != OpenMode::kReadOnly));
}

Status MemFileSystem::Remove(const std::string& path) {
  std::lock_guard lock(mu_);
  if (live_.erase(path) == 0) return Status::NotFound("remove " + path);
  return Status::Ok();
}

Status MemFileSystem::Rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  auto it = live_.find(from);
  if (it == live_.end()) return Status::NotFound("rename " + from);
  if (dirs_.count(DirName(to)) == 0) return Status::NotFound("rename to " + to + ": no directory");
  auto inode = it->second;
  live_.erase(it);
  live_[to] = std::move(inode);
  return Status::Ok();
}

Status MemFileSystem::MakeDirs(const std::string& path) {
  std::lock_guard lock(mu_);
  std::string prefix;
  std::size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    prefix = path.substr(0, pos);
    if (prefix.empty()) continue;
    if (live_.count(prefix) != 0) return Status::NotADirectory("mkdir " + prefix);
    dirs_.insert(prefix);
  }
  return Status::Ok();
}

Result<std::vector<std::string>> MemFileSystem::List(const std::string& path) {
  std::lock_guard lock(mu_);
  if (dirs_.count(path) == 0) return Status::NotFound("list " + path);
  std::set<std::string> names;
  for (const auto& [file, inode] : live_) {
    if (DirName(file) == path) names.insert(file.substr(file.find_last_of('/') + 1));
  }
  for (const auto& dir : dirs_) {
    if (dir != path && DirName(dir) == path) names.insert(dir.substr(dir.find_last_of('/') + 1));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

bool MemFileSystem::Exists(const std::string& path) {
  std::lock_guard lock(mu_);
  return live_.count(path) != 0 || dirs_.count(path) != 0;
}

Status MemFileSystem::SyncDir(const std::string& path) {
  std::lock_guard lock(mu_);
  if (Failing(path + "/")) return Status::IoError("fsync directory " + path + ": EIO");
  for (auto it = durable_.begin(); it != durable_.end();) {
    it = DirName(it->first) == path ? durable_.erase(it) : std::next(it);
  }
  for (const auto& [file, inode] : live_) {
    if (DirName(file) == path) durable_[file] = inode;
  }
  return Status::Ok();
}

Result<DiskUsage> MemFileSystem::Usage(const std::string& path) {
  (void)path;
  std::lock_guard lock(mu_);
  const std::uint64_t used = UsedBytesLocked();
  return DiskUsage{capacity_bytes_, capacity_bytes_ > used ? capacity_bytes_ - used : 0};
}

void MemFileSystem::Crash(std::mt19937_64& rng, bool torn) {
  std::lock_guard lock(mu_);
  ++generation_;
  for (auto& [path, inode] : durable_) {
    std::string kept = inode->durable;
    const bool extends = inode->data.size() > kept.size() &&
                         inode->data.compare(0, kept.size(), kept) == 0;
    if (torn && extends) {
      const std::size_t extra = rng() % (inode->data.size() - kept.size() + 1);
      kept.append(inode->data, inode->durable.size(), extra);
    }
    inode->data = kept;
    inode->durable = kept;
  }
  live_ = durable_;
}

void MemFileSystem::SetCapacity(std::uint64_t capacity_bytes) {
  std::lock_guard lock(mu_);
  capacity_bytes_ = capacity_bytes;
}

void MemFileSystem::SetFailingPrefix(std::string path_prefix) {
  std::lock_guard lock(mu_);
  failing_prefix_ = std::move(path_prefix);
}

void MemFileSystem::ClearFailingPrefix() { SetFailingPrefix(""); }

Status MemFileSystem::FlipBit(const std::string& path, std::uint64_t offset, int bit) {
  std::lock_guard lock(mu_);
  auto it = live_.find(path);
  if (it == live_.end()) return Status::NotFound("flip bit in " + path);
  Inode& inode = *it->second;
  if (offset >= inode.data.size()) return Status::InvalidArgument("offset past end of " + path);
  inode.data[offset] = static_cast<char>(inode.data[offset] ^ (1 << bit));
  if (offset < inode.durable.size()) {
    inode.durable[offset] = static_cast<char>(inode.durable[offset] ^ (1 << bit));
  }
  return Status::Ok();
}

std::uint64_t MemFileSystem::UsedBytes() {
  std::lock_guard lock(mu_);
  return UsedBytesLocked();
}

bool MemFileSystem::Failing(const std::string& path) const {
  return !failing_prefix_.empty() && path.rfind(failing_prefix_, 0) == 0;
}

std::uint64_t MemFileSystem::UsedBytesLocked() const {
  std::uint64_t used = 0;
  for (const auto& [path, inode] : live_) used += inode->data.size();
  return used;
}

}  // namespace bucket::storage
