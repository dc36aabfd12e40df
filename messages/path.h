// Paths in the Bucket namespace: rules and small helpers.
//
// A valid path is absolute and normalised: it starts with '/', has no empty,
// '.' or '..' component, no trailing '/' (except the root itself), no NUL byte,
// is at most 4096 bytes long and has components of at most 255 bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "messages/status.h"

namespace bucket {

inline constexpr std::size_t kPathBytesMax = 4096;
inline constexpr std::size_t kNameBytesMax = 255;

// OK, or kInvalidPath saying which rule `path` breaks.
Status ValidatePath(std::string_view path);

// "/a/b/c" -> {"a", "b", "c"}; "/" -> {}. REQUIRES: ValidatePath(path).ok().
std::vector<std::string_view> SplitPath(std::string_view path);

// "/a/b" -> "/a"; "/a" -> "/"; "/" -> "/".
std::string ParentPath(std::string_view path);
// "/a/b" -> "b"; "/" -> "".
std::string BaseName(std::string_view path);
// ("/a", "b") -> "/a/b"; ("/", "b") -> "/b".
std::string ChildPath(std::string_view dir, std::string_view name);
// True if `path` is `ancestor` or lies under it.
bool IsSameOrUnder(std::string_view path, std::string_view ancestor);

// Resolves `input` (absolute, or relative to `cwd`, with '.', '..' and repeated
// slashes allowed) to a valid absolute path. For shells and user input.
Result<std::string> ResolvePath(std::string_view cwd, std::string_view input);

}  // namespace bucket
