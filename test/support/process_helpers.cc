#include "test/support/process_helpers.h"

#include <arpa/inet.h>
#include <poll.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "nodes/launcher/process_control.h"

namespace bucket::testing {

TempDir::TempDir() {
  char pattern[] = "/tmp/bucket-test-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

bool PortFree(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return free;
}

// The first port the kernel hands out to outgoing connections: a port below
// it cannot be taken by some test's client socket between our check and the
// node's bind (a CI run lost a chunkserver's port 50144 that way).
int FirstEphemeralPort() {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 0;
  return range >> low && low > 0 ? low : 32768;
}

}  // namespace

int FreeBasePort(int chunkservers) {
  std::random_device device;
  const int span = 10 * chunkservers + 20;
  const int below = FirstEphemeralPort();
  const int lowest = 10000;
  // An ephemeral range starting too low to fit clusters under it: anywhere.
  std::uniform_int_distribution<int> pick =
      below - span > lowest + 1000 ? std::uniform_int_distribution<int>(lowest, below - span)
                                   : std::uniform_int_distribution<int>(20000, 60000 - span);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int base = pick(device);
    bool free = PortFree(base) && PortFree(base + 1) && PortFree(base + 2);
    for (int k = 1; free && k <= chunkservers; ++k) {
      free = PortFree(base + 10 * k) && PortFree(base + 10 * k + 1);
    }
    if (free) return base;
  }
  throw std::runtime_error("no free port range found");
}

std::string Program(const std::string& name) { return std::string(BUCKET_BIN_DIR) + "/" + name; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

CommandResult RunCommand(const std::vector<std::string>& argv, std::chrono::milliseconds limit,
                         const std::string& stdin_text) {
  char out_pattern[] = "/tmp/bucket-cmd-XXXXXX";
  const int out_fd = ::mkostemp(out_pattern, O_CLOEXEC);
  char only_out_pattern[] = "/tmp/bucket-out-XXXXXX";
  const int only_out_fd = ::mkostemp(only_out_pattern, O_CLOEXEC);
  char only_err_pattern[] = "/tmp/bucket-err-XXXXXX";
  const int only_err_fd = ::mkostemp(only_err_pattern, O_CLOEXEC);
  char in_pattern[] = "/tmp/bucket-in-XXXXXX";
  const int in_fd = ::mkostemp(in_pattern, O_CLOEXEC);
  (void)!::write(in_fd, stdin_text.data(), stdin_text.size());
  ::lseek(in_fd, 0, SEEK_SET);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // stdout and stderr each go through a pipe to a small tee: once to their own
  // file, once to the combined one, so tests can check either.
  int out_pipe[2], err_pipe[2];
  (void)!::pipe2(out_pipe, O_CLOEXEC);
  (void)!::pipe2(err_pipe, O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in_fd, STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);  // dup2 clears close-on-exec on the copies only
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  std::thread tee([&] {
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    char buffer[65536];
    while (open_fds > 0) {
      if (::poll(fds, 2, -1) < 0) break;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        const ssize_t n = ::read(fds[i].fd, buffer, sizeof(buffer));
        if (n <= 0) {
          ::close(fds[i].fd);
          fds[i].fd = -1;
          --open_fds;
          continue;
        }
        (void)!::write(i == 0 ? only_out_fd : only_err_fd, buffer, static_cast<std::size_t>(n));
        (void)!::write(out_fd, buffer, static_cast<std::size_t>(n));
      }
    }
  });
  CommandResult result;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  tee.join();
  ::close(out_fd);
  ::close(only_out_fd);
  ::close(only_err_fd);
  ::close(in_fd);
  result.output = ReadFile(out_pattern);
  result.out = ReadFile(only_out_pattern);
  result.err = ReadFile(only_err_pattern);
  std::remove(out_pattern);
  std::remove(only_out_pattern);
  std::remove(only_err_pattern);
  std::remove(in_pattern);
  return result;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log) {
  auto pid = launcher::Spawn(argv, log);
  if (!pid.ok()) throw std::runtime_error(pid.status().ToString());
  pid_ = *pid;
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) Stop(SIGKILL);
}

int ChildProcess::Stop(int signal) {
  if (pid_ <= 0) return -1;
  if (signal != 0) ::kill(pid_, signal);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

}  // namespace bucket::testing
