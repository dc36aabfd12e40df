#include "messages/path.h"

namespace bucket {

Status ValidatePath(std::string_view path) {
  auto invalid = [&](const std::string& why) {
    std::string shown(path.substr(0, 80));
    for (char& c : shown) {
      if (c == '\0') c = '?';
    }
    return Status::InvalidPath("'" + shown + (path.size() > 80 ? "...'" : "'") + ": " + why);
  };
  if (path.empty()) return Status::InvalidPath("empty path");
  if (path.size() > kPathBytesMax) {
    return invalid("longer than " + std::to_string(kPathBytesMax) + " bytes");
  }
  if (path[0] != '/') return invalid("not absolute (must start with '/')");
  if (path.find('\0') != std::string_view::npos) return invalid("contains a NUL byte");
  if (path == "/") return Status::Ok();
  if (path.back() == '/') return invalid("ends with '/'");
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view name = path.substr(start, end - start);
    if (name.empty()) return invalid("has an empty component ('//')");
    if (name == "." || name == "..") return invalid("has a '.' or '..' component");
    if (name.size() > kNameBytesMax) {
      return invalid("has a component longer than " + std::to_string(kNameBytesMax) + " bytes");
    }
    start = end + 1;
  }
  return Status::Ok();
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> names;
  std::size_t start = 1;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    names.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

std::string ParentPath(std::string_view path) {
  const auto slash = path.find_last_of('/');
  if (slash == 0 || slash == std::string_view::npos) return "/";
  return std::string(path.substr(0, slash));
}

std::string BaseName(std::string_view path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string_view::npos) return std::string(path);
  return std::string(path.substr(slash + 1));
}

std::string ChildPath(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (path.empty() || path.back() != '/') path += '/';
  path += name;
  return path;
}

bool IsSameOrUnder(std::string_view path, std::string_view ancestor) {
  if (ancestor == "/") return true;
  if (path.size() < ancestor.size() || path.substr(0, ancestor.size()) != ancestor) return false;
  return path.size() == ancestor.size() || path[ancestor.size()] == '/';
}

Result<std::string> ResolvePath(std::string_view cwd, std::string_view input) {
  std::string joined;
  if (!input.empty() && input[0] == '/') {
    joined = std::string(input);
  } else {
    joined = std::string(cwd) + "/" + std::string(input);
  }
  std::vector<std::string> names;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    const std::string name = joined.substr(start, end - start);
    if (name == "..") {
      if (!names.empty()) names.pop_back();
    } else if (!name.empty() && name != ".") {
      names.push_back(name);
    }
    start = end + 1;
  }
  if (names.empty()) return std::string(1, '/');
  std::string path;
  for (const auto& name : names) {
    path += '/';
    path += name;
  }
  BUCKET_RETURN_IF_ERROR(ValidatePath(path));
  return path;
}

}  // namespace bucket
