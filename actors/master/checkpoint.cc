#include "actors/master/checkpoint.h"

#include <algorithm>

#include "actors/master/log_file.h"
#include "actors/master/oplog.h"

namespace bucket::master {
namespace {

std::vector<std::uint64_t> ListNumbered(storage::FileSystem& fs, const std::string& dir,
                                        const std::string& prefix, const std::string& suffix) {
  std::vector<std::uint64_t> numbers;
  auto names = fs.List(dir);
  if (!names.ok()) return numbers;
  for (const auto& name : *names) {
    if (name.size() != prefix.size() + 20 + suffix.size()) continue;
    if (name.rfind(prefix, 0) != 0 || name.compare(name.size() - suffix.size(), suffix.size(),
                                                   suffix) != 0) {
      continue;
    }
    const std::string digits = name.substr(prefix.size(), 20);
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    numbers.push_back(std::stoull(digits));
  }
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

// Loads checkpoint `covers` into a fresh `state`; an error means it is unusable.
Status LoadCheckpoint(storage::FileSystem& fs, const std::string& dir, std::uint64_t covers,
                      MasterState* state) {
  const std::string path = storage::JoinPath(dir, CheckpointFileName(covers));
  auto contents = ReadFramedFile(fs, path, kCheckpointMagic, /*is_last_file=*/false,
                                 /*skip_corrupt=*/false);
  if (!contents.ok()) return contents.status();
  std::vector<CheckpointEntry> entries;
  entries.reserve(contents->payloads.size());
  for (const auto& payload : contents->payloads) {
    auto entry = DecodeCheckpointEntry(payload.data(), payload.size());
    if (!entry.ok()) return entry.status().WithContext(path);
    entries.push_back(std::move(*entry));
  }
  return state->FromCheckpoint(entries).WithContext(path);
}

}  // namespace

std::vector<std::uint64_t> ListSegments(storage::FileSystem& fs, const std::string& dir) {
  return ListNumbered(fs, dir, "oplog-", ".log");
}

std::vector<std::uint64_t> ListCheckpoints(storage::FileSystem& fs, const std::string& dir) {
  return ListNumbered(fs, dir, "checkpoint-", ".ckpt");
}

Status WriteCheckpoint(storage::FileSystem& fs, const std::string& dir, const MasterState& state,
                       std::uint64_t covers_segment, std::int64_t now_unix_ms) {
  const std::string path = storage::JoinPath(dir, CheckpointFileName(covers_segment));
  const std::string temporary = path + ".tmp";
  auto writer = FramedWriter::Create(fs, temporary, kCheckpointMagic);
  if (!writer.ok()) return writer.status();
  BUCKET_RETURN_IF_ERROR(state.ToCheckpoint(covers_segment, now_unix_ms,
                                            [&](const CheckpointEntry& entry) {
                                              return (*writer)->Append(
                                                  EncodeCheckpointEntry(entry));
                                            }));
  BUCKET_RETURN_IF_ERROR((*writer)->file()->Sync());
  BUCKET_RETURN_IF_ERROR(fs.Rename(temporary, path));
  return fs.SyncDir(dir);
}

Result<RecoveryReport> RecoverState(storage::FileSystem& fs, const std::string& dir,
                                    const RecoveryOptions& options, MasterState* state) {
  RecoveryReport report;
  // The newest checkpoint that loads whole; older ones are the fallback.
  auto checkpoints = ListCheckpoints(fs, dir);
  for (auto it = checkpoints.rbegin(); it != checkpoints.rend(); ++it) {
    if (*it > options.max_segment) continue;
    MasterState candidate;
    Status loaded = LoadCheckpoint(fs, dir, *it, &candidate);
    if (loaded.ok()) {
      *state = std::move(candidate);
      report.checkpoint = *it;
      break;
    }
    report.notes.push_back("skipped checkpoint " + CheckpointFileName(*it) + ": " +
                           loaded.ToString());
  }
  auto segments = ListSegments(fs, dir);
  segments.erase(std::remove_if(segments.begin(), segments.end(),
                                [&](std::uint64_t s) {
                                  return s <= report.checkpoint || s > options.max_segment;
                                }),
                 segments.end());
  if (!segments.empty() && segments.front() != report.checkpoint + 1) {
    return Status::Corruption("log segment " + SegmentFileName(report.checkpoint + 1) +
                              " is missing after checkpoint " +
                              CheckpointFileName(report.checkpoint));
  }
  report.last_segment = std::max(report.checkpoint, segments.empty() ? 0 : segments.back());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const bool last = i + 1 == segments.size();
    const std::string path = storage::JoinPath(dir, SegmentFileName(segments[i]));
    auto contents = ReadFramedFile(fs, path, kOplogMagic, last, options.skip_corrupt);
    if (!contents.ok()) return contents.status();
    for (const auto& skipped : contents->skipped) report.notes.push_back("skipped " + skipped);
    for (std::size_t r = 0; r < contents->payloads.size(); ++r) {
      const auto& payload = contents->payloads[r];
      auto record = DecodeRecord(payload.data(), payload.size());
      Status applied = record.ok() ? state->Apply(*record).status() : record.status();
      if (!applied.ok()) {
        const std::string where = path + " record " + std::to_string(r + 1);
        if (!options.skip_corrupt) {
          return Status::Corruption(where + " cannot be replayed (" + applied.ToString() +
                                    "); start with --recover-skip to skip it");
        }
        report.notes.push_back("skipped " + where + ": " + applied.ToString());
        continue;
      }
      ++report.records_replayed;
    }
    if (contents->torn_tail) {
      report.notes.push_back("cut a torn record at the end of " + path + " (offset " +
                             std::to_string(contents->good_end) + ")");
      if (options.cut_torn_tail && contents->good_end < kFileHeaderBytes) {
        BUCKET_RETURN_IF_ERROR(fs.Remove(path));  // even its header was torn
      } else if (options.cut_torn_tail) {
        auto file = fs.Open(path, storage::OpenMode::kReadWrite);
        if (!file.ok()) return file.status();
        BUCKET_RETURN_IF_ERROR((*file)->Truncate(contents->good_end));
        BUCKET_RETURN_IF_ERROR((*file)->Sync());
      }
    }
  }
  return report;
}

Status BuildCheckpoint(storage::FileSystem& fs, const std::string& dir, std::uint64_t covers,
                       std::int64_t now_unix_ms) {
  return BuildCheckpointInto(fs, dir, covers, now_unix_ms, dir).status();
}

Result<std::string> BuildCheckpointInto(storage::FileSystem& fs, const std::string& dir,
                                        std::uint64_t covers, std::int64_t now_unix_ms,
                                        const std::string& out_dir) {
  MasterState state;
  RecoveryOptions options;
  options.max_segment = covers;
  options.cut_torn_tail = false;
  auto report = RecoverState(fs, dir, options, &state);
  if (!report.ok()) return report.status();
  BUCKET_RETURN_IF_ERROR(fs.MakeDirs(out_dir));
  BUCKET_RETURN_IF_ERROR(WriteCheckpoint(fs, out_dir, state, covers, now_unix_ms));
  return storage::JoinPath(out_dir, CheckpointFileName(covers));
}

void DropObsoleteFiles(storage::FileSystem& fs, const std::string& dir) {
  auto checkpoints = ListCheckpoints(fs, dir);
  if (checkpoints.size() < 2) return;
  const std::uint64_t keep_from = checkpoints[checkpoints.size() - 2];
  for (std::uint64_t c : checkpoints) {
    if (c < keep_from) (void)fs.Remove(storage::JoinPath(dir, CheckpointFileName(c)));
  }
  for (std::uint64_t s : ListSegments(fs, dir)) {
    if (s <= keep_from) (void)fs.Remove(storage::JoinPath(dir, SegmentFileName(s)));
  }
}

}  // namespace bucket::master
