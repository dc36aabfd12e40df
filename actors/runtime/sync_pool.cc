#include "actors/runtime/sync_pool.h"

namespace bucket::runtime {

SyncPool::SyncPool(int threads, Done done) : done_(std::move(done)) {
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

SyncPool::~SyncPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void SyncPool::Submit(actors::SyncOp op) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(op));
  }
  wake_.notify_one();
}

void SyncPool::Work() {
  for (;;) {
    actors::SyncOp op;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      op = std::move(queue_.front());
      queue_.pop_front();
    }
    Status status = op.work ? op.work() : Status::Ok();
    done_(op.id, std::move(status));
  }
}

}  // namespace bucket::runtime
