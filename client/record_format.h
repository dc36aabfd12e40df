// Framed records for record append (GFS section 3.3's record library).
//
// Record append is at-least-once and a chunk may hold padding and fragments of
// failed attempts, so each record is framed:
//   magic u32 "BKRC" | length u32 | id u64 | payload crc32c u32 | header crc32c u32 | payload
// The reader skips anything that is not a whole, valid frame (padding is zeros,
// a fragment fails a checksum) and drops a record whose id it has already seen
// (a retried append that landed twice).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/payload.h"

namespace bucket::client {

inline constexpr std::size_t kRecordHeaderBytes = 24;

// The framed bytes of one record with unique id `id`.
std::string FrameRecord(std::uint64_t id, std::string_view payload);

struct Record {
  std::uint64_t offset = 0;  // of the frame, in the bytes scanned
  std::uint64_t id = 0;
  std::string payload;
};

// Every valid record in `bytes` (the concatenation of `pieces`), in order,
// each id once.
std::vector<Record> ParseRecords(const std::vector<Payload>& pieces);

}  // namespace bucket::client
