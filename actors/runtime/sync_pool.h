// SyncPool: worker threads that run SyncWork (fsync and friends) off the loop.
//
// Each finished job's Status is handed to `done`, which the runtime points at
// its Mailbox so that the completion comes back to the actor as an input.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "actors/core/context.h"

namespace bucket::runtime {

class SyncPool {
 public:
  using Done = std::function<void(actors::SyncId, Status)>;

  SyncPool(int threads, Done done);
  // Finishes the jobs already queued, then joins the workers.
  ~SyncPool();

  // Thread-safe.
  void Submit(actors::SyncOp op);

 private:
  void Work();

  Done done_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<actors::SyncOp> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace bucket::runtime
