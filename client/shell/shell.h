// Shell: the commands of `bucket`, shared by its one-shot, script and
// interactive modes. Each command writes its result to `out` and returns a
// Status; printing errors, and what to do after one, is the caller's business.
//
// Remote paths may be relative to the working directory (`cd`), with '.' and
// '..'; '-' for a local file means stdin or stdout.
#pragma once

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "client/bucket_client.h"

namespace bucket::client::shell {

class Shell {
 public:
  // `show_progress`: draw a progress bar on stderr for large transfers.
  Shell(BucketClient& client, std::FILE* out, std::FILE* err, bool show_progress);

  // One command: its words, the first being its name.
  Status Execute(const std::vector<std::string>& words);
  // A line of commands separated by ';', stopping at the first that fails.
  Status ExecuteLine(std::string_view line);

  const std::string& cwd() const { return cwd_; }
  bool exit_requested() const { return exit_requested_; }
  std::vector<std::string> CommandNames() const;
  // Whether the word at `position` of command `name` is a local path.
  bool TakesLocalPath(const std::string& name, std::size_t position) const;
  // Remote paths that complete `prefix` (as typed: relative or absolute);
  // directories end with '/'.
  std::vector<std::string> CompleteRemote(std::string_view prefix);

 private:
  using Args = std::vector<std::string>;
  using Handler = Status (Shell::*)(const Args&);
  struct Command {
    std::string usage;
    std::string summary;
    std::string details;
    Handler handler;
  };

  Result<std::string> Resolve(std::string_view path) const;
  // `dst`, or dst/basename(src) if `dst` is an existing directory.
  Result<std::string> TargetPath(const std::string& dst, std::string_view src_name);
  void Print(const std::string& text);
  std::function<void(std::uint64_t, std::uint64_t)> ProgressFor(const std::string& what);

  // shell_namespace.cc
  Status Ls(const Args& args);
  Status Cd(const Args& args);
  Status Pwd(const Args& args);
  Status Mkdir(const Args& args);
  Status Rm(const Args& args);
  Status Undelete(const Args& args);
  Status Mv(const Args& args);
  Status Snapshot(const Args& args);
  Status StatCommand(const Args& args);
  Status ListInto(const std::string& path, bool long_form, bool recursive, bool header);
  // shell_data.cc
  Status Put(const Args& args);
  Status Get(const Args& args);
  Status Cat(const Args& args);
  Status Records(const Args& args);
  Status Head(const Args& args);
  Status Tail(const Args& args);
  Status Append(const Args& args);
  Status Cp(const Args& args);
  // shell_admin.cc
  Status Status_(const Args& args);
  Status SafeMode(const Args& args);
  Status Backup(const Args& args);
  Status Fsck(const Args& args);
  Status Node(const Args& args);
  Status Help(const Args& args);
  Status Exit(const Args& args);

  BucketClient& client_;
  std::FILE* out_;
  std::FILE* err_;
  bool show_progress_;
  std::string cwd_ = "/";
  bool exit_requested_ = false;
  std::map<std::string, Command> commands_;
  std::map<std::string, std::string> aliases_;
};

// Parsed options of one command: flags that were given and their values, and
// the rest. `spec` lists the flags: "-l", "-n=" (takes a value), "--purge".
struct Options {
  std::map<std::string, std::string> flags;
  std::vector<std::string> positional;
  bool Has(const std::string& flag) const { return flags.count(flag) != 0; }
};
Result<Options> ParseOptions(const std::vector<std::string>& args,
                             const std::vector<std::string>& spec);

}  // namespace bucket::client::shell
