// CRC32C: the known answer, and the properties the data path relies on when
// it checksums a pushed piece block by block and combines the blocks' sums.
#include "actors/core/crc32c.h"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

namespace bucket {
namespace {

std::string RandomBytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::string bytes(size, '\0');
  for (auto& c : bytes) c = static_cast<char>(random());
  return bytes;
}

TEST_CASE("crc32c: the standard check value", "[unit]") {
  CHECK(Crc32c("123456789") == 0xE3069283u);
  CHECK(Crc32c("") == 0u);
}

TEST_CASE("crc32c: the sums of two parts combine into the sum of the whole", "[unit]") {
  const std::string bytes = RandomBytes(300000, 7);
  std::mt19937_64 pick(11);
  for (int i = 0; i < 200; ++i) {
    const std::size_t cut = pick() % (bytes.size() + 1);
    const std::string_view a(bytes.data(), cut), b(bytes.data() + cut, bytes.size() - cut);
    INFO("cut at " << cut);
    CHECK(Crc32cCombine(Crc32c(a), Crc32c(b), b.size()) == Crc32c(bytes));
  }
  // Lengths that differ call after call (the cached shift must follow them).
  CHECK(Crc32cCombine(Crc32c("1234"), Crc32c("56789"), 5) == 0xE3069283u);
  CHECK(Crc32cCombine(Crc32c("12345678"), Crc32c("9"), 1) == 0xE3069283u);
  CHECK(Crc32cCombine(Crc32c("123456789"), Crc32c(""), 0) == 0xE3069283u);
}

TEST_CASE("crc32c: by segment gives each segment's sum and the whole's", "[unit]") {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65536},
                           std::size_t{65537}, std::size_t{1} << 20, std::size_t{1000003}}) {
    const std::string bytes = RandomBytes(size, size);
    std::vector<std::uint32_t> segments;
    const std::uint32_t whole = Crc32cBySegment(bytes.data(), bytes.size(), 65536, &segments);
    INFO("size " << size);
    CHECK(whole == Crc32c(bytes));
    REQUIRE(segments.size() == (size + 65535) / 65536);
    for (std::size_t i = 0; i < segments.size(); ++i) {
      CHECK(segments[i] == Crc32c(std::string_view(bytes).substr(i * 65536, 65536)));
    }
  }
  // One flipped bit anywhere changes the whole.
  std::string bytes = RandomBytes(200000, 3);
  std::vector<std::uint32_t> ignored;
  const std::uint32_t before = Crc32cBySegment(bytes.data(), bytes.size(), 65536, &ignored);
  bytes[150001] ^= 0x10;
  CHECK(Crc32cBySegment(bytes.data(), bytes.size(), 65536, &ignored) != before);
}

}  // namespace
}  // namespace bucket
