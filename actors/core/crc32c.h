// CRC32C (Castagnoli), the checksum of chunk blocks, pushed pieces and log
// records. Hardware-accelerated through ISA-L. Crc32c("123456789") == 0xE3069283.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bucket {

std::uint32_t Crc32c(const void* data, std::size_t size);
inline std::uint32_t Crc32c(std::string_view text) { return Crc32c(text.data(), text.size()); }
// Continues a checksum over more bytes: Extend(Crc32c(a), b) == Crc32c(a + b).
std::uint32_t Crc32cExtend(std::uint32_t crc, const void* data, std::size_t size);

}  // namespace bucket
