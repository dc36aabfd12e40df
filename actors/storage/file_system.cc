#include "actors/storage/file_system.h"

namespace bucket::storage {

Result<std::string> ReadWholeFile(FileSystem& fs, const std::string& path) {
  auto file = fs.Open(path, OpenMode::kReadOnly);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  std::string content(*size, '\0');
  auto read = (*file)->ReadAt(0, content.data(), content.size());
  if (!read.ok()) return read.status();
  content.resize(*read);
  return content;
}

Status WriteFileDurably(FileSystem& fs, const std::string& path, std::string_view content) {
  const std::string temporary = path + ".tmp";
  {
    auto file = fs.Open(temporary, OpenMode::kTruncate);
    if (!file.ok()) return file.status();
    BUCKET_RETURN_IF_ERROR((*file)->WriteAt(0, content.data(), content.size()));
    BUCKET_RETURN_IF_ERROR((*file)->Sync());
  }
  BUCKET_RETURN_IF_ERROR(fs.Rename(temporary, path));
  return fs.SyncDir(DirName(path));
}

std::string DirName(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

}  // namespace bucket::storage
