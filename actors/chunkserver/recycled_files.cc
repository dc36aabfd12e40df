#include "actors/chunkserver/recycled_files.h"

#include <algorithm>
#include <charconv>

namespace bucket::chunkserver {

std::string RecycledFiles::PathOf(std::uint64_t number) const {
  return storage::JoinPath(folder_, std::to_string(number));
}

Status RecycledFiles::Open() {
  BUCKET_RETURN_IF_ERROR(fs_->MakeDirs(folder_));
  auto names = fs_->List(folder_);
  if (!names.ok()) return names.status();
  std::vector<Recycled> found;
  for (const std::string& name : *names) {
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), number);
    const std::string path = storage::JoinPath(folder_, name);
    if (error != std::errc() || end != name.data() + name.size()) {
      BUCKET_RETURN_IF_ERROR(fs_->Remove(path));  // not ours to keep
      continue;
    }
    auto file = fs_->Open(path, storage::OpenMode::kReadOnly);
    if (!file.ok()) return file.status();
    auto size = (*file)->Size();
    if (!size.ok()) return size.status();
    found.push_back({number, *size});
  }
  std::sort(found.begin(), found.end(),
            [](const Recycled& a, const Recycled& b) { return a.number < b.number; });
  for (const Recycled& file : found) {
    next_number_ = std::max(next_number_, file.number + 1);
    if (bytes_ + file.bytes > bytes_max_) {
      BUCKET_RETURN_IF_ERROR(fs_->Remove(PathOf(file.number)));
      continue;
    }
    files_.push_back(file);
    bytes_ += file.bytes;
  }
  return Status::Ok();
}

Status RecycledFiles::Keep(const std::string& path, std::uint64_t bytes) {
  if (bytes == 0 || bytes_ + bytes > bytes_max_) return fs_->Remove(path);
  const Recycled file{next_number_++, bytes};
  BUCKET_RETURN_IF_ERROR(fs_->Rename(path, PathOf(file.number)));
  files_.push_back(file);
  bytes_ += bytes;
  return Status::Ok();
}

Result<bool> RecycledFiles::TakeAs(const std::string& path) {
  if (files_.empty()) return false;
  const Recycled file = files_.front();
  files_.pop_front();
  bytes_ -= file.bytes;
  BUCKET_RETURN_IF_ERROR(fs_->Rename(PathOf(file.number), path));
  return true;
}

Status RecycledFiles::Release() {
  while (!files_.empty()) {
    const Recycled file = files_.front();
    files_.pop_front();
    bytes_ -= file.bytes;
    Status removed = fs_->Remove(PathOf(file.number));
    if (!removed.ok() && removed.code() != Code::kNotFound) return removed;
  }
  return Status::Ok();
}

}  // namespace bucket::chunkserver
