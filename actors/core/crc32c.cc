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

namespace {

// Arithmetic on polynomials over GF(2) modulo CRC32C's, bit-reflected as the
// checksum is (the method of zlib's crc32_combine).
constexpr std::uint32_t kPolynomial = 0x82F63B78u;

// a * b modulo the polynomial.
std::uint32_t MultiplyModP(std::uint32_t a, std::uint32_t b) {
  std::uint32_t product = 0;
  for (std::uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
    if (a & bit) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^(8 * bytes) modulo the polynomial: what appending `bytes` zero bytes does.
std::uint32_t ShiftByBytes(std::uint64_t bytes) {
  std::uint32_t power = 1u << 31;   // x^0
  std::uint32_t square = 1u << 30;  // x^1, then x^2, x^4, ...
  for (std::uint64_t bits = bytes * 8; bits != 0; bits >>= 1) {
    if (bits & 1) power = MultiplyModP(square, power);
    square = MultiplyModP(square, square);
  }
  return power;
}

}  // namespace

std::uint32_t Crc32cCombine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b) {
  // Segments are mostly of one size: its shift is kept, not worked out again.
  thread_local std::uint64_t cached_size = 0;
  thread_local std::uint32_t cached_shift = 1u << 31;
  if (size_b != cached_size) {
    cached_shift = ShiftByBytes(size_b);
    cached_size = size_b;
  }
  return MultiplyModP(cached_shift, crc_a) ^ crc_b;
}

std::uint32_t Crc32cBySegment(const void* data, std::size_t size, std::size_t segment,
                              std::vector<std::uint32_t>* segment_crcs) {
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  std::uint32_t whole = 0;
  for (std::size_t at = 0; at < size; at += segment) {
    const std::size_t n = size - at < segment ? size - at : segment;
    const std::uint32_t crc = Crc32c(bytes + at, n);
    segment_crcs->push_back(crc);
    whole = at == 0 ? crc : Crc32cCombine(whole, crc, n);
  }
  return whole;
}

}  // namespace bucket
