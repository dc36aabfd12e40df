// Copy-on-write for snapshots: a chunk copied to a new handle on this
// chunkserver's own disks, verified block by block; no byte crosses the network.
#include <algorithm>

#include "actors/chunkserver/chunkserver_actor.h"

namespace bucket::chunkserver {

using actors::Context;
using actors::Inbound;
namespace msg = messages;

namespace {
constexpr std::uint64_t kCopyStepBytes = 4ull << 20;
}  // namespace

void ChunkserverActor::OnLocalCopy(const Inbound& in, const msg::LocalCopyRequest& r,
                                   Context& ctx) {
  auto copied = CopyLocally(r);
  if (copied.status().code() == Code::kCorruption) {
    ReportCorruption(r.handle, copied.status().message(), ctx);
  }
  if (!copied.ok()) {
    log_->warn("{} local copy of chunk {} to {} failed: {}", address_.node_id, r.handle, r.copy,
               copied.status().ToString());
    ctx.Reply(in, msg::LocalCopyResponse{copied.status().code(), copied.status().message(),
                                         r.copy, 0});
    return;
  }
  log_->info("{} copied chunk {} v{} locally to {} ({} bytes)", address_.node_id, r.handle,
             r.version, r.copy, *copied);
  ctx.Reply(in, msg::LocalCopyResponse{Code::kOk, "", r.copy, *copied});
}

Result<std::uint64_t> ChunkserverActor::CopyLocally(const msg::LocalCopyRequest& r) {
  if (const StoredChunk* done = store_->Find(r.copy)) {
    // Asked again (the master retried): a finished copy answers as before.
    if (done->version == r.version) return done->length;
    (void)store_->Delete(r.copy);
  }
  const StoredChunk* source = store_->Find(r.handle);
  if (source == nullptr) {
    return Status::NotFound(address_.node_id + " holds no chunk " + std::to_string(r.handle));
  }
  if (source->version != r.version || corrupt_.count(r.handle) != 0) {
    return Status::StaleVersion("chunk " + std::to_string(r.handle) + " is v" +
                                std::to_string(source->version) + ", not v" +
                                std::to_string(r.version));
  }
  const std::uint64_t length = source->length;
  // Version 0 until complete: a crash mid-copy leaves a replica the master
  // deletes, never a short one that looks current.
  BUCKET_RETURN_IF_ERROR(store_->Create(r.copy, 0, source->chunk_size));
  Status status = Status::Ok();
  for (std::uint64_t offset = 0; status.ok() && offset < length; offset += kCopyStepBytes) {
    // Read through the store: every block is verified, so rot is never copied.
    auto bytes = store_->Read(r.handle, offset, std::min(kCopyStepBytes, length - offset));
    status = bytes.ok() ? store_->Write(r.copy, offset, {*bytes}) : bytes.status();
  }
  if (status.ok()) status = store_->PadTo(r.copy, length);
  if (status.ok()) status = store_->SetVersion(r.copy, r.version);
  if (!status.ok()) {
    (void)store_->Delete(r.copy);
    return status;
  }
  local_copy_bytes_ += length;
  return length;
}

}  // namespace bucket::chunkserver
