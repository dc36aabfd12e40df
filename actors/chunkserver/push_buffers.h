// PushBuffers: the pieces of pushed data a chunkserver holds until the
// mutation that uses them arrives, keyed by data id.
//
// Memory is bounded: a push reserves its whole size first (the client's
// PushReserveRequest, passed down the chain), and a reservation that does not
// fit is refused with a clear error rather than risk running out of memory.
// A push of one piece is reserved as it arrives instead (AdmitUnreserved): a
// record append saves the round trip down the chain, most of its time.
// Pieces are kept as the frames they arrived in (no copy). A buffer that sees
// no activity for the timeout is dropped, reservation and all. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "actors/chunkserver/chunk_meta.h"
#include "actors/core/context.h"
#include "messages/payload.h"
#include "messages/status.h"

namespace bucket::chunkserver {

using actors::Millis;

class PushBuffers {
 public:
  PushBuffers(std::uint64_t capacity_bytes, Millis timeout)
      : capacity_bytes_(capacity_bytes), timeout_(timeout) {}

  // Reserves `bytes` for `data_id`; kBusy when they do not fit.
  Status Reserve(const std::string& data_id, std::uint64_t bytes, Millis now);
  // Reserves a push that came as one piece without a reservation. When it does
  // not fit, the push is remembered as refused, holding no bytes, so that its
  // mutation fails at once with the returned kBusy instead of waiting for it.
  Status AdmitUnreserved(const std::string& data_id, std::uint64_t bytes, Millis now);
  // Keeps a piece of a reserved push, with the checksums of its kBlockBytes
  // segments from its start (verified by the caller). kNotFound without a
  // reservation (or after it expired); kInvalidArgument for a piece outside it.
  // Returns true once every byte of the push is here (at once for a refused
  // push: its pieces are not kept).
  Result<bool> Add(const std::string& data_id, std::uint64_t offset, std::uint64_t total,
                   Payload piece, std::vector<std::uint32_t> segment_crcs, Millis now);
  // Marks a push as damaged in transit; its mutation will fail. A push not
  // reserved yet (one piece, unreserved) is remembered holding nothing.
  void MarkCorrupt(const std::string& data_id, std::uint64_t total, std::string why, Millis now);

  bool Has(const std::string& data_id) const { return buffers_.count(data_id) != 0; }
  bool Complete(const std::string& data_id) const;
  // The problem with a push (corrupt, refused, or its size differs from
  // `length`), if any.
  Status Check(const std::string& data_id, std::uint64_t length) const;
  // A whole push: its pieces in order, and the checksums known of its
  // segments (by offset in the push: those of the pieces kept whole, not
  // sliced where a resent piece overlapped).
  struct Pushed {
    std::vector<Payload> pieces;
    std::vector<SegmentCrc> known;
  };
  // REQUIRES: Complete(data_id).
  Pushed Pieces(const std::string& data_id) const;
  void Release(const std::string& data_id);
  // Drops buffers idle past the timeout; returns their ids.
  std::vector<std::string> Expire(Millis now);

  std::uint64_t reserved_bytes() const { return reserved_bytes_; }
  std::uint64_t capacity_bytes() const { return capacity_bytes_; }

 private:
  struct Buffer {
    std::uint64_t total = 0;
    std::uint64_t received = 0;
    struct Piece {
      Payload bytes;
      std::vector<std::uint32_t> segment_crcs;
    };
    std::map<std::uint64_t, Piece> pieces;  // by offset
    bool holds_nothing = false;  // refused, or corrupt before it was reserved: keeps no
                                 // pieces and counts nothing in reserved_bytes_
    Millis last_active{0};
    Status problem;  // damaged in transit, or refused
    std::uint64_t reserved() const { return holds_nothing ? 0 : total; }
  };
  // An entry for a push that holds (and reserves) nothing, and keeps no pieces.
  Buffer& Unreserved(const std::string& data_id, std::uint64_t total, Millis now);

  std::uint64_t capacity_bytes_;
  Millis timeout_;
  std::uint64_t reserved_bytes_ = 0;
  std::map<std::string, Buffer> buffers_;
};

}  // namespace bucket::chunkserver
