#include "actors/core/crc32c.h"

#include <isa-l/crc.h>

namespace bucket {

std::uint32_t Crc32cExtend(std::uint32_t crc, const void* data, std::size_t size) {
  // ISA-L's crc32_iscsi works on the non-inverted register and an int length.
  auto* bytes = static_cast<unsigned char*>(const_cast<void*>(data));
  std::uint32_t state = crc ^ 0xFFFFFFFFu;
  constexpr std::size_t kStepMax = std::size_t{1} << 30;
  while (size > 0) {
    const std::size_t step = size < kStepMax ? size : kStepMax;
    state = crc32_iscsi(bytes, static_cast<int>(step), state);
    bytes += step;
    size -= step;
  }
  return state ^ 0xFFFFFFFFu;
}

std::uint32_t Crc32c(const void* data, std::size_t size) { return Crc32cExtend(0, data, size); }

}  // namespace bucket
