// Reads, verified block by block, and clones: a whole chunk copied from
// another replica by reading it, at a bounded rate.
#include <algorithm>

#include "actors/chunkserver/chunkserver_actor.h"
#include "actors/chunkserver/timers.h"

namespace bucket::chunkserver {

using actors::Context;
using actors::Inbound;
using actors::Millis;
namespace msg = messages;

namespace {
constexpr std::uint64_t kCloneStepBytes = 4ull << 20;
}  // namespace

void ChunkserverActor::OnRead(const Inbound& in, const msg::ReadRequest& r, Context& ctx) {
  auto fail = [&](const Status& why) {
    msg::ReadResponse response;
    response.code = why.code();
    response.detail = why.message();
    ctx.Reply(in, std::move(response));
  };
  const StoredChunk* chunk = store_->Find(r.handle);
  if (chunk == nullptr) {
    fail(Status::NotFound(address_.node_id + " holds no replica of chunk " +
                          std::to_string(r.handle)));
    return;
  }
  if (corrupt_.count(r.handle) != 0) {
    fail(Status::Corruption(address_.node_id + ": chunk " + std::to_string(r.handle) +
                            " failed a checksum here; read another replica"));
    return;
  }
  if (r.version > chunk->version) {
    fail(Status::StaleVersion(address_.node_id + " holds chunk " + std::to_string(r.handle) +
                              " at version " + std::to_string(chunk->version) + ", behind " +
                              std::to_string(r.version)));
    return;
  }
  const std::uint64_t version = chunk->version;
  const std::uint64_t chunk_length = chunk->length;
  auto data = store_->Read(r.handle, r.offset, r.length);
  if (!data.ok()) {
    // Never served: reported, and the client reads another replica.
    if (data.status().code() == Code::kCorruption) {
      ReportCorruption(r.handle, data.status().message(), ctx);
    }
    fail(data.status().WithContext(address_.node_id));
    return;
  }
  ++read_ops_;
  read_bytes_ += data->size();
  ctx.Reply(in, msg::ReadResponse{Code::kOk, "", data->size(), chunk_length, version},
            std::move(*data));
}

void ChunkserverActor::OnLocalRead(const Inbound& in, const msg::LocalReadRequest& r,
                                   Context& ctx) {
  auto paths = store_->PathsOf(r.handle);
  if (!paths.ok() || corrupt_.count(r.handle) != 0) {
    const Status why = paths.ok() ? Status::Corruption(address_.node_id + ": chunk " +
                                                       std::to_string(r.handle) +
                                                       " failed a checksum here")
                                  : paths.status().WithContext(address_.node_id);
    ctx.Reply(in, msg::LocalReadResponse{why.code(), why.message(), "", ""});
    return;
  }
  // Only where the files are: the client reads and verifies them itself, so
  // these bytes are not counted among this chunkserver's reads.
  ctx.Reply(in, msg::LocalReadResponse{Code::kOk, "", paths->data, paths->meta});
}

void ChunkserverActor::OnClone(const Inbound& in, const msg::CloneRequest& r, Context& ctx) {
  auto refuse = [&](const Status& why) {
    ctx.Reply(in, msg::CloneResponse{why.code(), why.message(), r.handle, r.version, 0});
  };
  if (clones_.count(r.handle) != 0) {
    refuse(Status::Busy("a clone of chunk " + std::to_string(r.handle) + " is running"));
    return;
  }
  if (const StoredChunk* existing = store_->Find(r.handle)) {
    if (existing->version >= r.version && corrupt_.count(r.handle) == 0) {
      ctx.Reply(in, msg::CloneResponse{Code::kOk, "already held", r.handle, existing->version,
                                       existing->length});
      return;
    }
    // A stale or corrupt copy: replaced whole (a corrupt one's file not reused).
    (void)store_->Delete(r.handle, /*recycle=*/corrupt_.erase(r.handle) == 0);
  }
  // Version 0 marks it incomplete: a crash mid-copy leaves a stale replica that
  // the master deletes, never a short one that looks current.
  Status created = store_->Create(r.handle, 0, r.chunk_size);
  if (!created.ok()) {
    refuse(created);
    return;
  }
  clones_[r.handle] = Clone{r, in, 0};
  CloneNext(r.handle, ctx);
}

void ChunkserverActor::CloneNext(std::uint64_t handle, Context& ctx) {
  auto it = clones_.find(handle);
  if (it == clones_.end()) return;
  const std::uint64_t id = NextId();
  clone_reads_[id] = handle;
  const auto& order = it->second.order;
  ctx.Request(order.source.rpc_endpoint, id,
              msg::ReadRequest{handle, order.version, it->second.next_offset, kCloneStepBytes});
  ctx.SetTimer(kRequestTimer | id, Millis(config_.mutation_timeout_ms));
}

void ChunkserverActor::OnCloneRead(std::uint64_t handle, const Inbound& in, Context& ctx) {
  clone_reads_.erase(in.header.request_id);
  ctx.CancelTimer(kRequestTimer | in.header.request_id);
  auto it = clones_.find(handle);
  if (it == clones_.end()) return;
  const auto& read = std::get<msg::ReadResponse>(in.message);
  if (read.code != Code::kOk) {
    FinishClone(handle, Status(read.code, read.detail).WithContext("the clone source"), ctx);
    return;
  }
  if (in.payload.size() != read.length) {
    FinishClone(handle, Status::Corruption("the clone source sent a short frame"), ctx);
    return;
  }
  Clone& clone = it->second;
  if (read.length > 0) {
    Status written = store_->Write(handle, clone.next_offset, {in.payload});
    if (!written.ok()) {
      FinishClone(handle, written, ctx);
      return;
    }
    clone.next_offset += read.length;
    write_bytes_ += read.length;
  }
  if (read.length == 0 || clone.next_offset >= read.chunk_length) {
    Status versioned = store_->PadTo(handle, read.chunk_length);
    if (versioned.ok()) versioned = store_->SetVersion(handle, clone.order.version);
    FinishClone(handle, versioned, ctx);
    return;
  }
  if (clone.order.rate_bytes_per_s == 0) {
    CloneNext(handle, ctx);
    return;
  }
  // Paced: the next read waits as long as this one's bytes take at the rate.
  const auto pause_ms = static_cast<std::int64_t>(read.length * 1000 / clone.order.rate_bytes_per_s);
  ctx.SetTimer(kCloneTimer | handle, Millis(std::max<std::int64_t>(1, pause_ms)));
}

void ChunkserverActor::FinishClone(std::uint64_t handle, const Status& status, Context& ctx) {
  auto it = clones_.find(handle);
  if (it == clones_.end()) return;
  Clone clone = std::move(it->second);
  clones_.erase(it);
  for (auto read = clone_reads_.begin(); read != clone_reads_.end();) {
    read = read->second == handle ? clone_reads_.erase(read) : std::next(read);
  }
  std::uint64_t length = 0;
  if (status.ok()) {
    length = store_->Find(handle)->length;
    log_->info("{} cloned chunk {} v{} ({} bytes) from {}", address_.node_id, handle,
               clone.order.version, length, clone.order.source.node_id);
  } else {
    (void)store_->Delete(handle);
    log_->warn("{} clone of chunk {} from {} failed: {}", address_.node_id, handle,
               clone.order.source.node_id, status.ToString());
  }
  ctx.Reply(clone.request,
            msg::CloneResponse{status.code(), status.message(), handle, clone.order.version,
                               length});
}

}  // namespace bucket::chunkserver
