// BucketClient::Get: a remote file streamed out to a local one.
//
// Chunks with a replica on this host are copied from its files on the
// caller's own thread (a short-circuit read, as HDFS's BlockReaderLocal does
// it), through one buffer that stays in the CPU's cache: one copy out of the
// page cache and one checksum pass per byte, with no hand-over to the client's
// loop and no fresh buffer per piece. Everything else, and whatever a local
// replica cannot vouch for, is streamed through the loop from the chunkservers,
// which report a corrupt replica to the master.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <deque>
#include <limits>
#include <future>
#include <memory>

#include "actors/chunkserver/verified_read.h"
#include "actors/runtime/zmq_runtime.h"
#include "client/bucket_client.h"
#include "client/file_client.h"
#include "client/local_replica_reader.h"

namespace bucket::client {

namespace {

Status WriteAll(int fd, const std::uint8_t* data, std::size_t size) {
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Status::IoError(std::string("writing the local file: ") + std::strerror(errno));
    }
    written += static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

// Bytes a local copy reads, checks and writes out at a time: a whole number of
// checksum blocks, small enough to stay in a core's L2 cache between the read,
// the checksum pass and the write.
constexpr std::uint64_t kLocalStep = 256 << 10;
static_assert(kLocalStep % chunkserver::kBlockBytes == 0);

// StreamThroughLoop's `to` for "until the file ends".
constexpr std::uint64_t kToTheEnd = std::numeric_limits<std::uint64_t>::max();

}  // namespace

Status BucketClient::Get(const std::string& path, int fd, const TransferOptions& options) {
  auto stat = Stat(path);
  if (!stat.ok()) return stat.status();
  if (stat->info.is_dir) return Status::IsADirectory(path);
  const std::uint64_t total = stat->info.size;
  if (!local_files_ || total == 0) return StreamThroughLoop(path, 0, kToTheEnd, total, fd, options);

  const std::uint64_t chunk_size = stat->info.chunk_size;
  auto may_be_local = [&](std::uint64_t index) {
    return index < stat->chunks.size() && files_->HasNearReplica(stat->chunks[index]);
  };
  LocalReplicaReader reader(local_files_.get(), /*max_open=*/1);
  std::unique_ptr<std::uint8_t[]> buffer(new std::uint8_t[kLocalStep]);
  std::uint64_t offset = 0;
  while (offset < total) {
    std::uint64_t index = offset / chunk_size;
    if (!may_be_local(index)) {
      // A run of chunks with no replica here streams in one go.
      while ((index + 1) * chunk_size < total && !may_be_local(index + 1)) ++index;
      const std::uint64_t end = std::min(total, (index + 1) * chunk_size);
      BUCKET_RETURN_IF_ERROR(StreamThroughLoop(path, offset, end, total, fd, options));
      offset = end;
      continue;
    }
    const std::uint64_t chunk_start = index * chunk_size;
    const std::uint64_t chunk_end = std::min(total, chunk_start + chunk_size);
    auto files = FindLocalReplicaAsync(path, index).get();
    if (files.ok()) {
      // The locations the loop had cached may be older than this Stat's.
      files->version = std::max(files->version, stat->chunks[index].version);
      BUCKET_RETURN_IF_ERROR(CopyFromLocalReplica(*files, chunk_start, chunk_end, total, fd,
                                                  options, reader, buffer.get(), &offset));
    }
    if (offset < chunk_end) {
      BUCKET_RETURN_IF_ERROR(StreamThroughLoop(path, offset, chunk_end, total, fd, options));
    }
    offset = chunk_end;
  }
  // Bytes written since the Stat (the master learns a file's new length just
  // after its writer does): read on until the file ends.
  return StreamThroughLoop(path, total, kToTheEnd, total, fd, options);
}

std::future<Result<LocalReplicaFiles>> BucketClient::FindLocalReplicaAsync(
    const std::string& path, std::uint64_t index) {
  auto promise = std::make_shared<std::promise<Result<LocalReplicaFiles>>>();
  auto future = promise->get_future();
  runtime_->Post([this, path, index, promise](actors::Context& ctx) {
    files_->FindLocalReplica(ctx, path, index,
                             [promise](Result<LocalReplicaFiles> files, actors::Context&) {
                               promise->set_value(std::move(files));
                             });
  });
  return future;
}

Status BucketClient::CopyFromLocalReplica(const LocalReplicaFiles& files,
                                          std::uint64_t chunk_start, std::uint64_t end,
                                          std::uint64_t total, int fd,
                                          const TransferOptions& options,
                                          LocalReplicaReader& reader, std::uint8_t* buffer,
                                          std::uint64_t* offset) {
  // Files that cannot be opened here are the loop's to find out about (it
  // reads through that chunkserver for a while).
  const actors::Millis unused{0};  // this reader holds one replica, closed below
  if (!reader.Open(files.node_id, files.handle, files.data_path, files.meta_path, unused).ok()) {
    return Status::Ok();
  }
  Status status = Status::Ok();
  while (*offset < end) {
    const std::uint64_t n = std::min(kLocalStep, end - *offset);
    auto got = reader.ReadInto(files.node_id, files.handle, files.version, *offset - chunk_start,
                               n, unused, buffer);
    // Stale, changed hands, failing a checksum, or shorter than the file says
    // (a hole, or a replica behind the others): the loop reads the rest.
    if (!got.ok() || *got < n) break;
    status = WriteAll(fd, buffer, n);
    if (!status.ok()) break;
    *offset += n;
    copied_from_local_files_ += n;
    if (options.progress) options.progress(*offset, total);
  }
  reader.Close(files.node_id, files.handle);
  return status;
}

Status BucketClient::StreamThroughLoop(const std::string& path, std::uint64_t from,
                                       std::uint64_t to, std::uint64_t total, int fd,
                                       const TransferOptions& options) {
  // Small windows, two on their way: the next window's reads are already in
  // flight while the last of this one's arrive, so the stream never drains at
  // a window's edge, and a reader holds at most three windows' bytes. (One
  // 64 MiB window read while the last was written out drained at every edge
  // and held 128 MiB per reader: one reader went 10% slower.)
  constexpr std::uint64_t kWindow = 8 << 20;
  constexpr std::size_t kWindowsInFlight = 2;
  struct Window {
    std::uint64_t size;
    std::future<Result<std::vector<Payload>>> bytes;
  };
  std::deque<Window> windows;
  std::uint64_t requested = from;
  auto request_more = [&] {
    while (windows.size() < kWindowsInFlight && requested < to) {
      const std::uint64_t size = std::min(kWindow, to - requested);
      windows.push_back(Window{size, ReadAsync(path, requested, size, total)});
      requested += size;
    }
  };
  // Windows still on their way hold this client's loop busy with our reads:
  // they are waited for before returning, whatever the outcome.
  auto finish = [&](Status status) {
    for (auto& w : windows) w.bytes.wait();
    return status;
  };
  std::uint64_t offset = from;
  request_more();
  while (!windows.empty()) {
    const std::uint64_t size = windows.front().size;
    auto pieces = windows.front().bytes.get();
    windows.pop_front();
    if (!pieces.ok()) return finish(pieces.status());
    std::uint64_t got = 0;
    for (const auto& p : *pieces) got += p.size();
    offset += got;
    // A short window is the end of the file as it stood when it was read.
    const bool end = got < size;
    if (end && to != kToTheEnd) {
      // Inside the size the Stat gave, a read pads holes with zeros: a short
      // one would leave the bytes after it out of place in the output.
      return finish(Status::Internal("reading " + path + " ended at " + std::to_string(offset) +
                                     ", before its size " + std::to_string(total)));
    }
    if (!end) request_more();
    for (const auto& piece : *pieces) {
      Status written = WriteAll(fd, piece.data(), piece.size());
      if (!written.ok()) return finish(written);
    }
    if (options.progress) options.progress(offset, total);
    if (end) return finish(Status::Ok());
  }
  return Status::Ok();
}

}  // namespace bucket::client
