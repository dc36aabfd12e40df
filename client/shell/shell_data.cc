// Shell commands that move data: put, get, cat, records, head, tail, append, cp.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "client/shell/shell.h"
#include "config/units.h"

namespace bucket::client::shell {
namespace {

constexpr std::uint64_t kWindow = 64ull << 20;

Result<std::uint64_t> ParseCount(const Options& options, const std::string& flag,
                                 std::uint64_t fallback) {
  if (!options.Has(flag)) return fallback;
  const std::string& text = options.flags.at(flag);
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument(flag + " needs a number, got '" + text + "'");
  }
  return std::stoull(text);
}

std::string ReadAllStdin() {
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace

Status Shell::Put(const Args& args) {
  auto options = ParseOptions(args, {"-f", "-r=", "-s="});
  if (!options.ok()) return options.status();
  if (options->positional.size() != 2) {
    return Status::InvalidArgument("usage: put [-f] [-r N] [-s SIZE] LOCAL|- REMOTE");
  }
  const std::string& local = options->positional[0];
  TransferOptions transfer;
  transfer.create.overwrite = options->Has("-f");
  auto replication = ParseCount(*options, "-r", 0);
  if (!replication.ok()) return replication.status();
  transfer.create.replication = static_cast<std::uint32_t>(*replication);
  if (options->Has("-s")) {
    auto size = config::ParseSize(options->flags.at("-s"));
    if (!size.ok()) return size.status();
    transfer.create.chunk_size = *size;
  }
  auto remote = local == "-" ? Resolve(options->positional[1])
                             : TargetPath(options->positional[1], local);
  if (!remote.ok()) return remote.status();
  const int fd = local == "-" ? STDIN_FILENO : ::open(local.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound(local + ": " + std::strerror(errno));
  transfer.progress = ProgressFor("put " + BaseName(*remote));
  Status status = client_.Put(fd, *remote, transfer);
  if (fd != STDIN_FILENO) ::close(fd);
  if (status.code() == Code::kAlreadyExists) {
    return Status::AlreadyExists(*remote + " exists (put -f overwrites it)");
  }
  return status;
}

Status Shell::Get(const Args& args) {
  if (args.size() != 3) return Status::InvalidArgument("usage: get REMOTE LOCAL|-");
  auto remote = Resolve(args[1]);
  if (!remote.ok()) return remote.status();
  std::string local = args[2];
  struct stat st {};
  if (local != "-" && ::stat(local.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    local += "/" + BaseName(*remote);
  }
  std::fflush(out_);
  const int fd = local == "-" ? ::fileno(out_)
                              : ::open(local.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                                       0644);
  if (fd < 0) return Status::IoError(local + ": " + std::strerror(errno));
  TransferOptions transfer;
  transfer.progress = ProgressFor("get " + BaseName(*remote));
  Status status = client_.Get(*remote, fd, transfer);
  if (local != "-") ::close(fd);
  return status;
}

Status Shell::Cat(const Args& args) {
  auto options = ParseOptions(args, {"--records"});
  if (!options.ok()) return options.status();
  if (options->positional.empty()) return Status::InvalidArgument("usage: cat PATH...");
  for (const auto& raw : options->positional) {
    if (options->Has("--records")) {
      BUCKET_RETURN_IF_ERROR(Records({"records", raw}));
      continue;
    }
    auto path = Resolve(raw);
    if (!path.ok()) return path.status();
    std::fflush(out_);
    BUCKET_RETURN_IF_ERROR(client_.Get(*path, ::fileno(out_)));
  }
  return Status::Ok();
}

Status Shell::Records(const Args& args) {
  if (args.size() != 2) return Status::InvalidArgument("usage: records PATH");
  auto path = Resolve(args[1]);
  if (!path.ok()) return path.status();
  auto records = client_.ReadRecords(*path);
  if (!records.ok()) return records.status();
  for (const auto& record : *records) Print(record.payload + "\n");
  return Status::Ok();
}

Status Shell::Head(const Args& args) {
  auto options = ParseOptions(args, {"-n=", "-c="});
  if (!options.ok()) return options.status();
  if (options->positional.size() != 1) {
    return Status::InvalidArgument("usage: head [-n LINES | -c BYTES] PATH");
  }
  auto path = Resolve(options->positional[0]);
  if (!path.ok()) return path.status();
  if (options->Has("-c")) {
    auto bytes = ParseCount(*options, "-c", 0);
    if (!bytes.ok()) return bytes.status();
    auto data = client_.Read(*path, 0, *bytes);
    if (!data.ok()) return data.status();
    Print(*data);
    return Status::Ok();
  }
  auto lines = ParseCount(*options, "-n", 10);
  if (!lines.ok()) return lines.status();
  std::string text;
  std::uint64_t window = 64 << 10;
  for (std::uint64_t offset = 0;;) {
    auto data = client_.Read(*path, offset, window);
    if (!data.ok()) return data.status();
    text += *data;
    offset += data->size();
    if (std::count(text.begin(), text.end(), '\n') >= static_cast<long>(*lines) ||
        data->size() < window) {
      break;
    }
    window = std::min<std::uint64_t>(window * 4, kWindow);
  }
  std::size_t end = 0;
  for (std::uint64_t n = 0; n < *lines && end < text.size(); ++n) {
    const auto newline = text.find('\n', end);
    end = newline == std::string::npos ? text.size() : newline + 1;
  }
  Print(text.substr(0, end));
  return Status::Ok();
}

Status Shell::Tail(const Args& args) {
  auto options = ParseOptions(args, {"-n=", "-c="});
  if (!options.ok()) return options.status();
  if (options->positional.size() != 1) {
    return Status::InvalidArgument("usage: tail [-n LINES | -c BYTES] PATH");
  }
  auto path = Resolve(options->positional[0]);
  if (!path.ok()) return path.status();
  auto stat = client_.Stat(*path);
  if (!stat.ok()) return stat.status();
  if (stat->info.is_dir) return Status::IsADirectory(*path);
  const std::uint64_t size = stat->info.size;
  if (options->Has("-c")) {
    auto bytes = ParseCount(*options, "-c", 0);
    if (!bytes.ok()) return bytes.status();
    const std::uint64_t n = std::min(*bytes, size);
    auto data = client_.Read(*path, size - n, n);
    if (!data.ok()) return data.status();
    Print(*data);
    return Status::Ok();
  }
  auto lines = ParseCount(*options, "-n", 10);
  if (!lines.ok()) return lines.status();
  std::string text;
  std::uint64_t window = 64 << 10;
  std::uint64_t start = size;
  while (start > 0) {
    const std::uint64_t n = std::min(window, start);
    start -= n;
    auto data = client_.Read(*path, start, n);
    if (!data.ok()) return data.status();
    text = *data + text;
    // One newline more than wanted (the file's last one ends the last line).
    const auto newlines = static_cast<std::uint64_t>(std::count(text.begin(), text.end(), '\n'));
    if (newlines > *lines) break;
    window = std::min<std::uint64_t>(window * 4, kWindow);
  }
  // The Nth newline from the end, not counting the one that ends the last line.
  std::size_t scan = text.size();
  if (scan > 0 && text[scan - 1] == '\n') --scan;
  std::size_t begin = 0;
  std::uint64_t found = 0;
  while (*lines > 0 && scan > 0) {
    if (text[--scan] == '\n' && ++found == *lines) {
      begin = scan + 1;
      break;
    }
  }
  if (*lines == 0) begin = text.size();
  Print(text.substr(begin));
  return Status::Ok();
}

Status Shell::Append(const Args& args) {
  if (args.size() < 2) return Status::InvalidArgument("usage: append PATH [TEXT...]");
  auto path = Resolve(args[1]);
  if (!path.ok()) return path.status();
  std::string record;
  if (args.size() > 2) {
    for (std::size_t i = 2; i < args.size(); ++i) record += (i > 2 ? " " : "") + args[i];
  } else {
    record = ReadAllStdin();
  }
  if (record.empty()) return Status::InvalidArgument("an empty record");
  // Like >> in a shell, append makes the file if it is not there yet.
  Status created = client_.Create(*path);
  if (!created.ok() && created.code() != Code::kAlreadyExists) return created;
  auto offset = client_.AppendRecord(*path, record);
  if (!offset.ok()) return offset.status();
  Print("appended " + std::to_string(record.size()) + " bytes at offset " +
        std::to_string(*offset) + "\n");
  return Status::Ok();
}

Status Shell::Cp(const Args& args) {
  auto options = ParseOptions(args, {"-f"});
  if (!options.ok()) return options.status();
  if (options->positional.size() != 2) return Status::InvalidArgument("usage: cp [-f] SRC DST");
  auto from = Resolve(options->positional[0]);
  if (!from.ok()) return from.status();
  auto stat = client_.Stat(*from);
  if (!stat.ok()) return stat.status();
  if (stat->info.is_dir) return Status::IsADirectory(*from + " (cp copies files)");
  auto to = TargetPath(options->positional[1], *from);
  if (!to.ok()) return to.status();
  CreateOptions create;
  create.overwrite = options->Has("-f");
  create.replication = stat->info.replication;
  create.chunk_size = stat->info.chunk_size;
  Status created = client_.Create(*to, create);
  if (created.code() == Code::kAlreadyExists) {
    return Status::AlreadyExists(*to + " exists (cp -f overwrites it)");
  }
  BUCKET_RETURN_IF_ERROR(created);
  for (std::uint64_t offset = 0; offset < stat->info.size; offset += kWindow) {
    auto data = client_.Read(*from, offset, kWindow);
    if (!data.ok()) return data.status();
    if (data->empty()) break;
    BUCKET_RETURN_IF_ERROR(client_.Write(*to, offset, std::move(*data)));
  }
  return Status::Ok();
}

}  // namespace bucket::client::shell
