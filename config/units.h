// Sizes and durations as people write them in config files: "64MiB", "10s".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "messages/status.h"

namespace bucket::config {

// "64MiB", "1GiB", "512KiB", "4096", "10MB" (decimal units) -> bytes.
Result<std::uint64_t> ParseSize(std::string_view text);
// "250ms", "10s", "5m", "2h", "1d" -> milliseconds.
Result<std::int64_t> ParseDuration(std::string_view text);

// 67108864 -> "64MiB"; 1536 -> "1.5KiB"; 100 -> "100B".
std::string FormatSize(std::uint64_t bytes);
// 60000 -> "60s"; 1500 -> "1500ms".
std::string FormatDuration(std::int64_t ms);

}  // namespace bucket::config
