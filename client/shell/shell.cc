#include "client/shell/shell.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "client/shell/tokenizer.h"
#include "config/units.h"

namespace bucket::client::shell {

Result<Options> ParseOptions(const std::vector<std::string>& args,
                             const std::vector<std::string>& spec) {
  Options options;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      options.positional.insert(options.positional.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      options.positional.push_back(arg);
      continue;
    }
    const bool takes_value = std::find(spec.begin(), spec.end(), arg + "=") != spec.end();
    const bool plain = std::find(spec.begin(), spec.end(), arg) != spec.end();
    if (!takes_value && !plain) {
      // Combined short flags: -lR.
      bool all_short = arg[1] != '-';
      for (std::size_t k = 1; all_short && k < arg.size(); ++k) {
        all_short = std::find(spec.begin(), spec.end(), std::string("-") + arg[k]) != spec.end();
      }
      if (!all_short) return Status::InvalidArgument("unknown option " + arg);
      for (std::size_t k = 1; k < arg.size(); ++k) options.flags[std::string("-") + arg[k]] = "";
      continue;
    }
    if (takes_value) {
      if (i + 1 >= args.size()) return Status::InvalidArgument(arg + " needs a value");
      options.flags[arg] = args[++i];
    } else {
      options.flags[arg] = "";
    }
  }
  return options;
}

Shell::Shell(BucketClient& client, std::FILE* out, std::FILE* err, bool show_progress)
    : client_(client), out_(out), err_(err), show_progress_(show_progress) {
  commands_ = {
      {"ls", {"ls [-l] [-R] [PATH...]", "list a directory (a file lists itself)",
              "-l  long form: type, replication, size, modification time\n"
              "-R  recursive",
              &Shell::Ls}},
      {"cd", {"cd [PATH]", "change the working directory (default /)", "", &Shell::Cd}},
      {"pwd", {"pwd", "print the working directory", "", &Shell::Pwd}},
      {"mkdir", {"mkdir [-p] PATH...", "make directories",
                 "-p  make missing parents too; an existing directory is fine", &Shell::Mkdir}},
      {"put", {"put [-f] [-r N] [-s SIZE] LOCAL|- REMOTE", "copy a local file (- : stdin) in",
               "-f       overwrite an existing file (the old one goes to the trash)\n"
               "-r N     replicas per chunk (default: the cluster's)\n"
               "-s SIZE  chunk size, e.g. 64MiB (default: the cluster's)\n"
               "REMOTE may be a directory: the file keeps its name there.",
               &Shell::Put}},
      {"get", {"get REMOTE LOCAL|-", "copy a file out (- : stdout)", "", &Shell::Get}},
      {"cat", {"cat [--records] PATH...", "print files",
               "--records  print a file written by record append, one record a line,\n"
               "           skipping padding and duplicates",
               &Shell::Cat}},
      {"records", {"records PATH", "print a record-append file, one record a line", "",
                   &Shell::Records}},
      {"head", {"head [-n LINES | -c BYTES] PATH", "the first lines (default 10) or bytes", "",
                &Shell::Head}},
      {"tail", {"tail [-n LINES | -c BYTES] PATH", "the last lines (default 10) or bytes", "",
                &Shell::Tail}},
      {"append", {"append PATH [TEXT...]", "append one record: the text, or all of stdin",
                  "The record is framed (id, checksum) and appended atomically, at least once;\n"
                  "`cat --records` reads it back once. Prints the offset it landed at.\n"
                  "The file is created if it does not exist.",
                  &Shell::Append}},
      {"rm", {"rm [-r] [--purge] PATH...", "delete (to the trash; undelete restores it)",
              "-r       a directory and everything under it\n"
              "--purge  free it at once, skipping the trash\n"
              "Deleting a path already in the trash frees it at once.",
              &Shell::Rm}},
      {"undelete", {"undelete PATH", "restore the latest deletion of PATH from the trash", "",
                    &Shell::Undelete}},
      {"mv", {"mv [-f] SRC DST", "rename or move (into DST if it is a directory)",
              "-f  replace an existing file at DST", &Shell::Mv}},
      {"snapshot", {"snapshot [-p] SRC DST", "an instant copy of a file or tree (copy-on-write)",
                    "-p  create missing parent directories of DST\n"
                    "The copy shares SRC's chunks until either side is written; writers\n"
                    "to SRC may go on meanwhile. stat shows the shared chunks.",
                    &Shell::Snapshot}},
      {"cp", {"cp [-f] SRC DST", "copy a file", "-f  overwrite an existing file at DST",
              &Shell::Cp}},
      {"stat", {"stat PATH...", "size, chunks, versions and replicas", "", &Shell::StatCommand}},
      {"status", {"status [--json]", "the cluster: chunkservers, capacity, health", "",
                  &Shell::Status_}},
      {"safemode", {"safemode [enter|leave]", "show or change the master's safe mode", "",
                    &Shell::SafeMode}},
      {"backup", {"backup DIR", "write a metadata backup into DIR on the master's host",
                  "To restore: stop the master, empty its data_dir, copy the backup's\n"
                  "checkpoint file into it, start the master.",
                  &Shell::Backup}},
      {"fsck", {"fsck [PATH]", "chunks that need attention, and a summary",
                "Lists the files under PATH (default /) with under-replicated, corrupt,\n"
                "stale-only (no replica at the current version) or lost chunks.",
                &Shell::Fsck}},
      {"node", {"node drain|maintenance|normal CHUNKSERVER", "administer a chunkserver",
                "drain        copy every replica it holds elsewhere; status then says drained,\n"
                "             and it is safe to remove\n"
                "maintenance  a planned restart: it is not declared dead, and its chunks are\n"
                "             not copied elsewhere meanwhile\n"
                "normal       end a drain or maintenance",
                &Shell::Node}},
      {"help", {"help [COMMAND]", "list the commands, or explain one", "", &Shell::Help}},
      {"exit", {"exit", "leave the shell (also quit, Ctrl-D)", "", &Shell::Exit}},
  };
  aliases_ = {{"df", "status"}, {"quit", "exit"}, {"ll", "ls -l"}};
}

std::vector<std::string> Shell::CommandNames() const {
  std::vector<std::string> names;
  for (const auto& [name, command] : commands_) names.push_back(name);
  for (const auto& [alias, target] : aliases_) names.push_back(alias);
  std::sort(names.begin(), names.end());
  return names;
}

bool Shell::TakesLocalPath(const std::string& name, std::size_t position) const {
  return (name == "put" && position == 1) || (name == "get" && position == 2);
}

Status Shell::ExecuteLine(std::string_view line) {
  auto commands = SplitCommands(line);
  if (!commands.ok()) return commands.status();
  for (const auto& command : *commands) {
    auto words = Tokenize(command);
    if (!words.ok()) return words.status();
    if (words->empty()) continue;
    BUCKET_RETURN_IF_ERROR(Execute(*words));
    if (exit_requested_) break;
  }
  return Status::Ok();
}

Status Shell::Execute(const std::vector<std::string>& words) {
  if (words.empty()) return Status::Ok();
  std::vector<std::string> expanded = words;
  if (auto alias = aliases_.find(words[0]); alias != aliases_.end()) {
    auto replacement = Tokenize(alias->second);
    expanded.erase(expanded.begin());
    expanded.insert(expanded.begin(), replacement->begin(), replacement->end());
  }
  auto it = commands_.find(expanded[0]);
  if (it == commands_.end()) {
    return Status::InvalidArgument("unknown command '" + words[0] + "' (try help)");
  }
  Status status = (this->*(it->second.handler))(expanded);
  std::fflush(out_);
  if (status.ok()) return status;
  // "ls: not found: /nope": the command, what kind of error, and its detail.
  return Status(status.code(), expanded[0] + ": " + status.ToString());
}

Result<std::string> Shell::Resolve(std::string_view path) const {
  if (path.empty()) return Status::InvalidPath("empty path");
  return ResolvePath(cwd_, path);
}

Result<std::string> Shell::TargetPath(const std::string& dst, std::string_view src_name) {
  auto resolved = Resolve(dst);
  if (!resolved.ok()) return resolved.status();
  auto stat = client_.Stat(*resolved);
  if (stat.ok() && stat->info.is_dir) return ChildPath(*resolved, BaseName(src_name));
  return resolved;
}

void Shell::Print(const std::string& text) { std::fwrite(text.data(), 1, text.size(), out_); }

std::function<void(std::uint64_t, std::uint64_t)> Shell::ProgressFor(const std::string& what) {
  if (!show_progress_) return {};
  struct State {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last;
    bool finished = false;
  };
  auto state = std::make_shared<State>();
  std::FILE* err = err_;
  return [state, err, what](std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    const bool finished = total != 0 && done >= total;
    if (state->finished) return;
    if (!finished && now - state->last < std::chrono::milliseconds(100)) return;
    state->finished = finished;
    state->last = now;
    const double seconds = std::chrono::duration<double>(now - state->start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
    std::string line = "\r" + what + " ";
    if (total > 0) {
      const int width = 24;
      const int filled = static_cast<int>(width * static_cast<double>(done) / total);
      line += "[" + std::string(filled, '=') + std::string(width - filled, ' ') + "] ";
      line += std::to_string(done * 100 / total) + "% ";
    }
    line += config::FormatSize(done) + " " + config::FormatSize(static_cast<std::uint64_t>(rate)) +
            "/s";
    if (total > 0 && rate > 0 && !finished) {
      line += " " + std::to_string(static_cast<long long>((total - done) / rate)) + "s left";
    }
    line += "\033[K";  // clears what a longer line before it left (progress goes to terminals only)
    std::fputs(line.c_str(), err);
    if (finished) std::fputs("\n", err);
    std::fflush(err);
  };
}

}  // namespace bucket::client::shell

namespace bucket::client::shell {

std::vector<std::string> Shell::CompleteRemote(std::string_view prefix) {
  // Split what was typed into the directory to list and the start of a name.
  const std::string typed(prefix);
  const auto slash = typed.find_last_of('/');
  const std::string dir_part = slash == std::string::npos ? "" : typed.substr(0, slash + 1);
  const std::string name_part = slash == std::string::npos ? typed : typed.substr(slash + 1);
  auto dir = Resolve(dir_part.empty() ? "." : dir_part);
  std::vector<std::string> matches;
  if (!dir.ok()) return matches;
  auto entries = client_.List(*dir);
  if (!entries.ok()) return matches;
  for (const auto& entry : *entries) {
    if (entry.name.rfind(name_part, 0) != 0) continue;
    matches.push_back(dir_part + entry.name + (entry.is_dir ? "/" : ""));
  }
  return matches;
}

}  // namespace bucket::client::shell
