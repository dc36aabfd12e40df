#include "nodes/launcher/process_control.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "actors/storage/posix_file_system.h"

namespace bucket::launcher {

Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& console_log) {
  if (argv.empty()) return Status::InvalidArgument("nothing to run");
  if (::access(argv[0].c_str(), X_OK) != 0) {
    return storage::StatusFromErrno(errno, "cannot run " + argv[0]);
  }
  const int log_fd = ::open(console_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return storage::StatusFromErrno(errno, "open " + console_log);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // The child closes this pipe by exec (O_CLOEXEC) or writes errno to it, so the
  // parent returns only once the program is really running (its /proc cmdline
  // is the program's, not ours).
  int exec_pipe[2];
  if (::pipe2(exec_pipe, O_CLOEXEC) != 0) {
    ::close(log_fd);
    return storage::StatusFromErrno(errno, "pipe");
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    ::close(exec_pipe[0]);
    ::close(exec_pipe[1]);
    return storage::StatusFromErrno(errno, "fork");
  }
  if (pid == 0) {
    ::close(exec_pipe[0]);
    ::setsid();
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the launcher may block signals; nodes must not
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv(args[0], args.data());
    const int error = errno;
    (void)!::write(exec_pipe[1], &error, sizeof(error));
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(exec_pipe[1]);
  int exec_error = 0;
  ssize_t n;
  do {
    n = ::read(exec_pipe[0], &exec_error, sizeof(exec_error));
  } while (n < 0 && errno == EINTR);
  ::close(exec_pipe[0]);
  if (n == sizeof(exec_error)) {
    ::waitpid(pid, nullptr, 0);
    return storage::StatusFromErrno(exec_error, "cannot run " + argv[0]);
  }
  return pid;
}

namespace {

// The process state letter from /proc/PID/stat ('Z' for a zombie), or 0.
char ProcState(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos || paren + 2 >= text.size()) return 0;
  return text[paren + 2];
}

}  // namespace

bool IsAlive(pid_t pid) {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  const char state = ProcState(pid);
  return state != 0 && state != 'Z' && state != 'X';
}

bool IsAliveWith(pid_t pid, const std::string& marker) {
  if (!IsAlive(pid)) return false;
  std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
  std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
  for (char& c : text) {
    if (c == '\0') c = ' ';
  }
  return text.find(marker) != std::string::npos;
}

void ReapChildren() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

bool SignalAndWait(pid_t pid, int signal, std::chrono::milliseconds limit) {
  if (!IsAlive(pid)) return true;
  ::kill(pid, signal);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    ::waitpid(pid, nullptr, WNOHANG);  // reaps it if it is our child
    if (!IsAlive(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return !IsAlive(pid);
}

Status WritePidFile(const std::string& path, pid_t pid) {
  std::ofstream out(path, std::ios::trunc);
  out << pid << "\n";
  if (!out) return Status::IoError("cannot write pid file " + path);
  return Status::Ok();
}

pid_t ReadPidFile(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid)) return 0;
  return static_cast<pid_t>(pid);
}

std::string ProgramDirectory() {
  char path[4096];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return ".";
  path[n] = '\0';
  std::string text(path);
  return text.substr(0, text.find_last_of('/'));
}

}  // namespace bucket::launcher
