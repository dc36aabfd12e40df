#include "config/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace bucket::config {
namespace {

struct Unit {
  std::string_view suffix;
  double factor;
};

// Splits "64MiB" into 64 and "MiB"; the number may have a fraction ("1.5GiB").
bool SplitNumber(std::string_view text, double* number, std::string_view* suffix) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
    ++i;
  }
  if (i == 0) return false;
  const std::string digits(text.substr(0, i));
  char* end = nullptr;
  *number = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size()) return false;
  std::size_t j = i;
  while (j < text.size() && text[j] == ' ') ++j;
  *suffix = text.substr(j);
  return true;
}

template <std::size_t N>
Result<double> Scale(std::string_view text, const Unit (&units)[N], const char* what) {
  double number = 0;
  std::string_view suffix;
  if (!SplitNumber(text, &number, &suffix)) {
    return Status::InvalidArgument(std::string("'") + std::string(text) + "' is not a " + what);
  }
  for (const Unit& unit : units) {
    if (suffix == unit.suffix) return number * unit.factor;
  }
  return Status::InvalidArgument(std::string("'") + std::string(text) + "' has an unknown unit '" +
                                 std::string(suffix) + "' for a " + what);
}

}  // namespace

Result<std::uint64_t> ParseSize(std::string_view text) {
  static const Unit kUnits[] = {
      {"", 1},          {"B", 1},           {"KiB", 1024.0},        {"MiB", 1048576.0},
      {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}, {"KB", 1e3},  {"MB", 1e6},
      {"GB", 1e9},      {"TB", 1e12},       {"k", 1024.0},          {"K", 1024.0},
      {"M", 1048576.0}, {"G", 1073741824.0}};
  auto bytes = Scale(text, kUnits, "size (like \"64MiB\")");
  if (!bytes.ok()) return bytes.status();
  if (*bytes > static_cast<double>(std::numeric_limits<std::int64_t>::max())) {
    return Status::InvalidArgument("size '" + std::string(text) + "' is too large");
  }
  return static_cast<std::uint64_t>(std::llround(*bytes));
}

Result<std::int64_t> ParseDuration(std::string_view text) {
  static const Unit kUnits[] = {{"ms", 1},       {"s", 1000},       {"m", 60000},
                                {"min", 60000},  {"h", 3600000},    {"d", 86400000}};
  auto ms = Scale(text, kUnits, "duration (like \"10s\" or \"250ms\")");
  if (!ms.ok()) return ms.status();
  if (*ms > 1e15) return Status::InvalidArgument("duration '" + std::string(text) + "' too long");
  return static_cast<std::int64_t>(std::llround(*ms));
}

std::string FormatSize(std::uint64_t bytes) {
  static const char* kSuffixes[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  if (unit == 0 || value == std::floor(value)) {
    std::snprintf(text, sizeof(text), "%.0f%s", value, kSuffixes[unit]);
  } else {
    std::snprintf(text, sizeof(text), "%.1f%s", value, kSuffixes[unit]);
  }
  return text;
}

std::string FormatDuration(std::int64_t ms) {
  if (ms != 0 && ms % 86400000 == 0) return std::to_string(ms / 86400000) + "d";
  if (ms != 0 && ms % 3600000 == 0) return std::to_string(ms / 3600000) + "h";
  if (ms != 0 && ms % 60000 == 0) return std::to_string(ms / 60000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace bucket::config
