#include "actors/master/oplog.h"

#include <cstdio>

namespace bucket::master {

std::string SegmentFileName(std::uint64_t segment) {
  char name[64];
  std::snprintf(name, sizeof(name), "oplog-%020llu.log", static_cast<unsigned long long>(segment));
  return name;
}

std::string CheckpointFileName(std::uint64_t covers_segment) {
  char name[64];
  std::snprintf(name, sizeof(name), "checkpoint-%020llu.ckpt",
                static_cast<unsigned long long>(covers_segment));
  return name;
}

Result<std::unique_ptr<OpLog>> OpLog::Open(storage::FileSystem* fs, std::string dir,
                                           std::uint64_t segment,
                                           std::uint64_t segment_bytes_max) {
  std::unique_ptr<OpLog> log(new OpLog(fs, std::move(dir), segment_bytes_max));
  BUCKET_RETURN_IF_ERROR(log->StartSegment(segment));
  return log;
}

Status OpLog::StartSegment(std::uint64_t segment) {
  auto writer = FramedWriter::Create(*fs_, storage::JoinPath(dir_, SegmentFileName(segment)),
                                     kOplogMagic);
  if (!writer.ok()) return writer.status();
  writer_ = std::move(*writer);
  segment_ = segment;
  records_since_roll_ = 0;
  dirty_files_.push_back(writer_->file());
  dirty_directory_ = true;
  return Status::Ok();
}

Result<std::uint64_t> OpLog::Append(const LogRecord& record) {
  BUCKET_RETURN_IF_ERROR(writer_->Append(EncodeRecord(record)));
  if (dirty_files_.empty() || dirty_files_.back() != writer_->file()) {
    dirty_files_.push_back(writer_->file());
  }
  ++records_since_roll_;
  return ++appended_;
}

std::optional<PendingSync> OpLog::TakeSync() {
  if (sync_in_flight_ || (synced_ == appended_ && !dirty_directory_)) return std::nullopt;
  sync_in_flight_ = true;
  PendingSync pending;
  pending.upto = appended_;
  auto files = std::move(dirty_files_);
  dirty_files_.clear();
  dirty_files_.push_back(writer_->file());  // later appends land here
  const bool sync_directory = std::exchange(dirty_directory_, false);
  pending.work = [files = std::move(files), sync_directory, fs = fs_, dir = dir_]() -> Status {
    for (const auto& file : files) BUCKET_RETURN_IF_ERROR(file->Sync());
    if (sync_directory) BUCKET_RETURN_IF_ERROR(fs->SyncDir(dir));
    return Status::Ok();
  };
  return pending;
}

void OpLog::OnSynced(std::uint64_t upto) {
  sync_in_flight_ = false;
  if (upto > synced_) synced_ = upto;
}

Result<std::uint64_t> OpLog::Roll() {
  const std::uint64_t sealed = segment_;
  BUCKET_RETURN_IF_ERROR(StartSegment(segment_ + 1));
  return sealed;
}

}  // namespace bucket::master
