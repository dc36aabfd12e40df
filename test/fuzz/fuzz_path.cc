// libFuzzer target: path rules. The input is "cwd\ninput". Whatever
// ResolvePath accepts must be a valid path; whatever ValidatePath accepts must
// split and join back to itself.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "messages/path.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bucket;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t newline = text.find('\n');
  const std::string_view cwd = text.substr(0, newline);
  const std::string_view input =
      newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);

  if (ValidatePath(text).ok()) {
    std::string joined = "/";
    for (std::string_view part : SplitPath(text)) joined = ChildPath(joined, part);
    if (joined != text) std::abort();
    if (text != "/" && ChildPath(ParentPath(text), BaseName(text)) != text) std::abort();
    if (!IsSameOrUnder(text, ParentPath(text))) std::abort();
  }
  if (ValidatePath(cwd).ok()) {
    auto resolved = ResolvePath(cwd, input);
    if (resolved.ok() && !ValidatePath(*resolved).ok()) std::abort();
  }
  return 0;
}
