// CRC32C (Castagnoli), the checksum of chunk blocks, pushed pieces and log
// records. Hardware-accelerated through ISA-L. Crc32c("123456789") == 0xE3069283.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bucket {

std::uint32_t Crc32c(const void* data, std::size_t size);
inline std::uint32_t Crc32c(std::string_view text) { return Crc32c(text.data(), text.size()); }
// Continues a checksum over more bytes: Extend(Crc32c(a), b) == Crc32c(a + b).
std::uint32_t Crc32cExtend(std::uint32_t crc, const void* data, std::size_t size);
// The checksum of a + b from those of a and b, without reading a byte:
// Combine(Crc32c(a), Crc32c(b), b.size()) == Crc32c(a + b).
std::uint32_t Crc32cCombine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b);
// One pass over the bytes: appends to `segment_crcs` the checksum of each
// `segment`-byte piece of them from their start (the last may be shorter), and
// returns the checksum of them all.
std::uint32_t Crc32cBySegment(const void* data, std::size_t size, std::size_t segment,
                              std::vector<std::uint32_t>* segment_crcs);

}  // namespace bucket
