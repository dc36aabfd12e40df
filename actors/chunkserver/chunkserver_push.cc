// Pushed data: reservations passed down the chain (or made as a push of one
// piece arrives), and pieces kept and forwarded as they arrive (cut-through),
// each verified by its CRC32C.
#include "actors/chunkserver/chunkserver_actor.h"
#include "actors/chunkserver/timers.h"
#include "actors/core/crc32c.h"

namespace bucket::chunkserver {

using actors::Context;
using actors::Inbound;
using actors::Millis;
namespace msg = messages;

void ChunkserverActor::OnPushReserve(const Inbound& in, const msg::PushReserveRequest& r,
                                     Context& ctx) {
  Status reserved = buffers_.Reserve(r.data_id, r.bytes, ctx.now());
  if (!reserved.ok()) {
    ctx.Reply(in, msg::PushReserveResponse{reserved.code(),
                                           address_.node_id + ": " + reserved.message()});
    return;
  }
  if (r.rest.empty()) {
    ctx.Reply(in, msg::PushReserveResponse{Code::kOk, ""});
    return;
  }
  // The rest of the chain reserves too before the client may push.
  msg::PushReserveRequest next{r.data_id, r.bytes,
                               std::vector<msg::ChainHop>(r.rest.begin() + 1, r.rest.end())};
  const std::uint64_t id = NextId();
  reserve_upstream_[id] = in;
  reserve_data_ids_[id] = r.data_id;
  ctx.Request(r.rest.front().rpc_endpoint, id, std::move(next));
  ctx.SetTimer(kRequestTimer | id, Millis(config_.mutation_timeout_ms));
}

void ChunkserverActor::OnPushReserveAnswer(std::uint64_t request_id, Status status,
                                           Context& ctx) {
  auto upstream = reserve_upstream_.find(request_id);
  if (upstream == reserve_upstream_.end()) return;
  const Inbound asker = std::move(upstream->second);
  const std::string data_id = reserve_data_ids_[request_id];
  reserve_upstream_.erase(upstream);
  reserve_data_ids_.erase(request_id);
  ctx.CancelTimer(kRequestTimer | request_id);
  if (!status.ok()) {
    buffers_.Release(data_id);
    if (status.code() == Code::kTimeout) {
      status = Status::Unavailable(address_.node_id + ": the next hop did not answer");
    }
  }
  ctx.Reply(asker, msg::PushReserveResponse{status.code(), status.message()});
}

void ChunkserverActor::OnDataPiece(const Inbound& in, const msg::DataPiece& piece,
                                   Context& ctx) {
  // One pass over the bytes checks the piece and sums its blocks for the write.
  std::vector<std::uint32_t> segment_crcs;
  segment_crcs.reserve(in.payload.size() / kBlockBytes + 1);
  if (Crc32cBySegment(in.payload.data(), in.payload.size(), kBlockBytes, &segment_crcs) !=
      piece.crc32c) {
    // Caught in transit: never kept, never forwarded; the mutation fails.
    log_->warn("{} piece at {} of push {} fails its CRC32C", address_.node_id, piece.offset,
               piece.data_id);
    buffers_.MarkCorrupt(piece.data_id, piece.total_bytes,
                         "pushed data damaged in transit (detected at " + address_.node_id + ")",
                         ctx.now());
    OnDataArrived(piece.data_id, ctx);
    return;
  }
  if (!buffers_.Has(piece.data_id) && piece.offset == 0 &&
      in.payload.size() == piece.total_bytes) {
    // A push of one piece comes unreserved (FileClient::Push): reserve it now.
    // Refused, it is still forwarded: each hop decides for itself, and only
    // the mutation's replicas that refused it fail, with kBusy.
    Status admitted = buffers_.AdmitUnreserved(piece.data_id, piece.total_bytes, ctx.now());
    if (!admitted.ok()) log_->warn("{} {}", address_.node_id, admitted.message());
  }
  auto complete = buffers_.Add(piece.data_id, piece.offset, piece.total_bytes, in.payload,
                               std::move(segment_crcs), ctx.now());
  if (!complete.ok()) {
    log_->warn("{} dropped a piece of push {}: {}", address_.node_id, piece.data_id,
               complete.status().ToString());
    return;
  }
  if (!piece.rest.empty()) {
    // Forward at once, the same frame: cut-through, no copy.
    msg::DataPiece next = piece;
    next.rest.erase(next.rest.begin());
    ctx.Push(piece.rest.front().data_endpoint, std::move(next), in.payload);
  }
  if (*complete) OnDataArrived(piece.data_id, ctx);
}

void ChunkserverActor::OnDataArrived(const std::string& data_id, Context& ctx) {
  // Primary mutations waiting for this push.
  auto [first, last] = waiting_data_.equal_range(data_id);
  std::vector<std::uint64_t> ready;
  for (auto it = first; it != last; ++it) ready.push_back(it->second);
  waiting_data_.erase(first, last);
  for (std::uint64_t id : ready) ExecuteMutation(id, ctx);
  // A secondary's apply queue whose head waits for it.
  for (auto& [handle, queue] : applies_) {
    if (!queue.waiting.empty() && queue.waiting.begin()->second.order.data_id == data_id) {
      RunApplies(handle, ctx);
      break;
    }
  }
}

}  // namespace bucket::chunkserver
