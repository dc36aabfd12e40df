// Mailbox: closures posted from any thread, run on the loop thread.
//
// Posting writes to an eventfd that the loop polls beside its sockets, so a post
// wakes a sleeping poll at once. Used for local calls (the client library's
// blocking API), finished syncs and shutdown requests.
#pragma once

#include <deque>
#include <functional>
#include <mutex>

namespace bucket::runtime {

class Mailbox {
 public:
  Mailbox();
  ~Mailbox();
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Thread-safe.
  void Post(std::function<void()> fn);
  // The fd to poll for readability.
  int fd() const { return fd_; }
  // Loop thread only: clears the wakeup and returns everything posted so far.
  std::deque<std::function<void()>> Drain();

 private:
  int fd_;
  std::mutex mu_;
  std::deque<std::function<void()>> queue_;
};

}  // namespace bucket::runtime
