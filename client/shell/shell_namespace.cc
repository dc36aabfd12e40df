// Shell commands on the namespace: ls, cd, pwd, mkdir, rm, undelete, mv, stat.
#include <ctime>

#include "client/shell/shell.h"
#include "config/units.h"

namespace bucket::client::shell {
namespace {

std::string FormatTime(std::int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M", &local);
  return text;
}

std::string LongLine(const FileInfo& e) {
  char line[512];
  if (e.is_dir) {
    std::snprintf(line, sizeof(line), "d  -  %10s  %s  %s/\n", "-",
                  FormatTime(e.mtime_unix_ms).c_str(), e.name.c_str());
  } else {
    std::snprintf(line, sizeof(line), "-  %u  %10s  %s  %s\n", e.replication,
                  config::FormatSize(e.size).c_str(), FormatTime(e.mtime_unix_ms).c_str(),
                  e.name.c_str());
  }
  return line;
}

}  // namespace

Status Shell::ListInto(const std::string& path, bool long_form, bool recursive, bool header) {
  auto entries = client_.List(path);
  if (!entries.ok()) return entries.status();
  if (header) Print(path + ":\n");
  std::vector<std::string> subdirs;
  for (const auto& e : *entries) {
    Print(long_form ? LongLine(e) : e.name + (e.is_dir ? "/" : "") + "\n");
    if (e.is_dir) subdirs.push_back(ChildPath(path, e.name));
  }
  if (recursive) {
    for (const auto& dir : subdirs) {
      Print("\n");
      BUCKET_RETURN_IF_ERROR(ListInto(dir, long_form, true, true));
    }
  }
  return Status::Ok();
}

Status Shell::Ls(const Args& args) {
  auto options = ParseOptions(args, {"-l", "-R"});
  if (!options.ok()) return options.status();
  std::vector<std::string> paths = options->positional;
  if (paths.empty()) paths.push_back(cwd_);
  const bool headers = paths.size() > 1 || options->Has("-R");
  for (std::size_t i = 0; i < paths.size(); ++i) {
    auto path = Resolve(paths[i]);
    if (!path.ok()) return path.status();
    if (i > 0) Print("\n");
    BUCKET_RETURN_IF_ERROR(ListInto(*path, options->Has("-l"), options->Has("-R"), headers));
  }
  return Status::Ok();
}

Status Shell::Cd(const Args& args) {
  if (args.size() > 2) return Status::InvalidArgument("usage: cd [PATH]");
  auto path = Resolve(args.size() == 2 ? args[1] : "/");
  if (!path.ok()) return path.status();
  auto stat = client_.Stat(*path);
  if (!stat.ok()) return stat.status();
  if (!stat->info.is_dir) return Status::NotADirectory(*path);
  cwd_ = *path;
  return Status::Ok();
}

Status Shell::Pwd(const Args& args) {
  if (args.size() != 1) return Status::InvalidArgument("usage: pwd");
  Print(cwd_ + "\n");
  return Status::Ok();
}

Status Shell::Mkdir(const Args& args) {
  auto options = ParseOptions(args, {"-p"});
  if (!options.ok()) return options.status();
  if (options->positional.empty()) return Status::InvalidArgument("usage: mkdir [-p] PATH...");
  for (const auto& raw : options->positional) {
    auto path = Resolve(raw);
    if (!path.ok()) return path.status();
    BUCKET_RETURN_IF_ERROR(client_.Mkdir(*path, options->Has("-p")));
  }
  return Status::Ok();
}

Status Shell::Rm(const Args& args) {
  auto options = ParseOptions(args, {"-r", "--purge"});
  if (!options.ok()) return options.status();
  if (options->positional.empty()) return Status::InvalidArgument("usage: rm [-r] PATH...");
  RemoveOptions remove;
  remove.recursive = options->Has("-r");
  remove.purge = options->Has("--purge");
  for (const auto& raw : options->positional) {
    auto path = Resolve(raw);
    if (!path.ok()) return path.status();
    BUCKET_RETURN_IF_ERROR(client_.Remove(*path, remove));
  }
  return Status::Ok();
}

Status Shell::Undelete(const Args& args) {
  if (args.size() != 2) return Status::InvalidArgument("usage: undelete PATH");
  auto path = Resolve(args[1]);
  if (!path.ok()) return path.status();
  return client_.Undelete(*path);
}

Status Shell::Mv(const Args& args) {
  auto options = ParseOptions(args, {"-f"});
  if (!options.ok()) return options.status();
  if (options->positional.size() != 2) return Status::InvalidArgument("usage: mv [-f] SRC DST");
  auto from = Resolve(options->positional[0]);
  if (!from.ok()) return from.status();
  auto to = TargetPath(options->positional[1], *from);
  if (!to.ok()) return to.status();
  return client_.Rename(*from, *to, options->Has("-f"));
}

Status Shell::Snapshot(const Args& args) {
  auto options = ParseOptions(args, {"-p"});
  if (!options.ok()) return options.status();
  if (options->positional.size() != 2) {
    return Status::InvalidArgument("usage: snapshot [-p] SRC DST");
  }
  auto from = Resolve(options->positional[0]);
  if (!from.ok()) return from.status();
  auto to = Resolve(options->positional[1]);
  if (!to.ok()) return to.status();
  return client_.Snapshot(*from, *to, options->Has("-p"));
}

Status Shell::StatCommand(const Args& args) {
  if (args.size() < 2) return Status::InvalidArgument("usage: stat PATH...");
  for (std::size_t i = 1; i < args.size(); ++i) {
    auto path = Resolve(args[i]);
    if (!path.ok()) return path.status();
    auto stat = client_.Stat(*path);
    if (!stat.ok()) return stat.status();
    const FileInfo& info = stat->info;
    std::string text = "path:        " + *path + "\n";
    text += std::string("type:        ") + (info.is_dir ? "directory" : "file") + "\n";
    text += "modified:    " + FormatTime(info.mtime_unix_ms) + "\n";
    if (info.is_dir) {
      text += "entries:     " + std::to_string(info.chunk_count) + "\n";
    } else {
      text += "size:        " + std::to_string(info.size) + " (" + config::FormatSize(info.size) +
              ")\n";
      text += "replication: " + std::to_string(info.replication) + "\n";
      text += "chunk size:  " + config::FormatSize(info.chunk_size) + "\n";
      text += "chunks:      " + std::to_string(info.chunk_count) + "\n";
      for (const auto& chunk : stat->chunks) {
        text += "  #" + std::to_string(chunk.index) + "  handle " + std::to_string(chunk.handle) +
                "  version " + std::to_string(chunk.version);
        if (chunk.references > 1) {
          text += "  shared by " + std::to_string(chunk.references) + " files";
        }
        text += "  replicas:";
        if (chunk.replicas.empty()) text += " none";
        for (const auto& r : chunk.replicas) text += " " + r.node_id;
        text += "\n";
      }
    }
    if (i > 1) Print("\n");
    Print(text);
  }
  return Status::Ok();
}

}  // namespace bucket::client::shell
