// Helpers for tests that run Bucket's programs as real processes on loopback:
// temporary folders, free ports, running a command to completion, and files
// that other processes write (logs, --json streams).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace bucket::testing {

// A fresh folder under /tmp, removed (recursively) when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A base port P such that P..P+2 and P+10k, P+10k+1 for k = 1..chunkservers are
// free on 127.0.0.1 right now (the layout bucket-cluster init uses).
int FreeBasePort(int chunkservers);

// The path of a program built beside the tests.
std::string Program(const std::string& name);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together, in order
  std::string out;     // stdout alone
  std::string err;     // stderr alone
};
// Runs `argv` to completion (bounded by `limit`; killed past it).
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds limit = std::chrono::seconds(60),
                         const std::string& stdin_text = "");

// The whole content of a file ("" if missing).
std::string ReadFile(const std::string& path);
std::vector<std::string> ReadLines(const std::string& path);

// A background process (stdout and stderr to `log`), SIGKILLed and reaped at
// scope exit if still running.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log);
  ~ChildProcess();
  pid_t pid() const { return pid_; }
  // Sends `signal` (0: none, just wait) and waits for the exit; returns the
  // exit status (or -signal).
  int Stop(int signal);

 private:
  pid_t pid_ = -1;
};

}  // namespace bucket::testing
