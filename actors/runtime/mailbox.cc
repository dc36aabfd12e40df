#include "actors/runtime/mailbox.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <utility>

namespace bucket::runtime {

Mailbox::Mailbox() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::runtime_error("eventfd failed");  // caught by the node's main
}

Mailbox::~Mailbox() { ::close(fd_); }

void Mailbox::Post(std::function<void()> fn) {
  bool first;
  {
    std::lock_guard lock(mu_);
    first = queue_.empty();
    queue_.push_back(std::move(fn));
  }
  // Only the post that found the queue empty wakes the loop: the others' calls
  // are taken by the Drain that this wakeup leads to (Drain clears the wakeup
  // before it takes the queue, so no post is left behind without one).
  if (!first) return;
  const std::uint64_t one = 1;
  // A full counter (never in practice) only means the loop is already awake.
  (void)!::write(fd_, &one, sizeof(one));
}

std::deque<std::function<void()>> Mailbox::Drain() {
  std::uint64_t count = 0;
  (void)!::read(fd_, &count, sizeof(count));
  std::lock_guard lock(mu_);
  return std::exchange(queue_, {});
}

}  // namespace bucket::runtime
