#include "client/record_format.h"

#include <cstring>
#include <unordered_set>

#include "actors/core/crc32c.h"

namespace bucket::client {
namespace {

constexpr std::uint32_t kMagic = 0x4352'4b42;  // "BKRC" little-endian

void Put(std::string& out, std::size_t at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[at + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::uint64_t Get(const std::uint8_t* in, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value |= static_cast<std::uint64_t>(in[i]) << (8 * i);
  return value;
}

}  // namespace

std::string FrameRecord(std::uint64_t id, std::string_view payload) {
  std::string frame(kRecordHeaderBytes + payload.size(), '\0');
  Put(frame, 0, kMagic, 4);
  Put(frame, 4, payload.size(), 4);
  Put(frame, 8, id, 8);
  Put(frame, 16, Crc32c(payload), 4);
  Put(frame, 20, Crc32c(frame.data(), 20), 4);
  std::memcpy(frame.data() + kRecordHeaderBytes, payload.data(), payload.size());
  return frame;
}

std::vector<Record> ParseRecords(const std::vector<Payload>& pieces) {
  // Records never span chunks, but a read's pieces may split one: join them.
  std::string bytes;
  for (const auto& piece : pieces) bytes.append(piece.view());
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  std::vector<Record> records;
  std::unordered_set<std::uint64_t> seen;
  std::size_t pos = 0;
  while (pos + kRecordHeaderBytes <= bytes.size()) {
    if (Get(data + pos, 4) != kMagic || Get(data + pos + 20, 4) != Crc32c(data + pos, 20)) {
      ++pos;  // padding or a fragment
      continue;
    }
    const std::uint64_t length = Get(data + pos + 4, 4);
    if (pos + kRecordHeaderBytes + length > bytes.size() ||
        Crc32c(data + pos + kRecordHeaderBytes, length) != Get(data + pos + 16, 4)) {
      ++pos;  // a torn record
      continue;
    }
    const std::uint64_t id = Get(data + pos + 8, 8);
    if (seen.insert(id).second) {
      records.push_back({pos, id, bytes.substr(pos + kRecordHeaderBytes, length)});
    }
    pos += kRecordHeaderBytes + length;
  }
  return records;
}

}  // namespace bucket::client
