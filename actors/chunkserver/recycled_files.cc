#include "actors/chunkserver/recycled_files.h"

#include <algorithm>
#include <charconv>

namespace bucket::chunkserver {

std::string RecycledFiles::PathOf(std::uint64_t number) const {
  return storage::JoinPath(folder_, std::to_string(number));
}

Result<std::uint64_t> RecycledFiles::SizeOf(const std::string& path) const {
  auto file = fs_->Open(path, storage::OpenMode::kReadOnly);
  if (!file.ok()) return file.status();
  return (*file)->Size();
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
    auto size = SizeOf(path);
    if (error != std::errc() || end != name.data() + name.size() || !size.ok()) {
      (void)fs_->Remove(path);  // not ours, or unreadable: nothing here is needed
      continue;
    }
    found.push_back({number, *size});
  }
  std::sort(found.begin(), found.end(),
            [](const Recycled& a, const Recycled& b) { return a.number < b.number; });
  for (const Recycled& file : found) {
    next_number_ = std::max(next_number_, file.number + 1);
    if (bytes_ + file.bytes > bytes_max_) {
      (void)fs_->Remove(PathOf(file.number));
      continue;
    }
    files_.push_back(file);
    bytes_ += file.bytes;
  }
  return Status::Ok();
}

Status RecycledFiles::Keep(const std::string& path) {
  // Its size, not its chunk's length: a recycled file is never truncated, so a
  // short chunk written over a long file leaves the long file behind.
  auto size = SizeOf(path);
  if (!size.ok()) return size.status();
  if (*size == 0 || bytes_ + *size > bytes_max_) return fs_->Remove(path);
  const Recycled file{next_number_++, *size};
  if (!fs_->Rename(path, PathOf(file.number)).ok()) return fs_->Remove(path);
  files_.push_back(file);
  bytes_ += file.bytes;
  return Status::Ok();
}

RecycledFiles::Recycled RecycledFiles::PopOldest() {
  const Recycled file = files_.front();
  files_.pop_front();
  bytes_ -= file.bytes;
  return file;
}

Result<bool> RecycledFiles::TakeAs(const std::string& path) {
  if (files_.empty()) return false;
  const Recycled file = PopOldest();
  Status moved = fs_->Rename(PathOf(file.number), path);
  if (!moved.ok()) {
    (void)fs_->Remove(PathOf(file.number));  // not to be tried again
    return moved;
  }
  return true;
}

Status RecycledFiles::Release() {
  while (!files_.empty()) {
    const Recycled file = PopOldest();
    Status removed = fs_->Remove(PathOf(file.number));
    if (!removed.ok() && removed.code() != Code::kNotFound) return removed;
  }
  return Status::Ok();
}

}  // namespace bucket::chunkserver
