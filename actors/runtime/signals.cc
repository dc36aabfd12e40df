#include "actors/runtime/signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace bucket::runtime {
namespace {

int g_pipe[2] = {-1, -1};
std::atomic<bool> g_received{false};

void OnStopSignal(int) {
  g_received.store(true);
  const char byte = 1;
  (void)!::write(g_pipe[1], &byte, 1);  // async-signal-safe
}

}  // namespace

int StopSignalFd() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(g_pipe, O_NONBLOCK | O_CLOEXEC) != 0) return;
    struct sigaction action {};
    action.sa_handler = OnStopSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
  });
  return g_pipe[0];
}

bool StopSignalReceived() { return g_received.load(); }

}  // namespace bucket::runtime
