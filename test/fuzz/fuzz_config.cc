// libFuzzer target: the config loader. The first byte picks which node's
// config the rest is parsed as. Any text must give a config or an error naming
// what was wrong, never a crash.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/load_config.h"

namespace {

// A refusal must say what was wrong.
template <typename T>
void CheckRefusalExplained(const bucket::Result<T>& parsed) {
  if (!parsed.ok() && parsed.status().message().empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bucket::config;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: CheckRefusalExplained(ParseMasterConfig(text, "fuzz.toml")); break;
    case 1: CheckRefusalExplained(ParseChunkserverConfig(text, "fuzz.toml")); break;
    case 2: CheckRefusalExplained(ParseClientConfig(text, "fuzz.toml")); break;
    default: CheckRefusalExplained(ParseClusterConfig(text, "fuzz.toml")); break;
  }
  return 0;
}
