// WriteWindow: how many mutations the writers of one process keep in flight,
// shared among them (as MooseFS's mount shares one write cache among its files).
//
// Why: one writer with 8 mutations of 4 MiB in flight keeps the chain of
// chunkservers busy. Four writers with 8 each hold 128 MiB in every
// chunkserver at once; those bytes fall out of the CPU caches between the
// push and the write, and four together wrote less than one alone
// (bucket-bench write --clients 4). Sharing the window keeps the bytes on
// their way what one writer needs, whoever writes them.
//
// Thread-safe: writers of several BucketClients (each on its own loop thread)
// share one window. It only counts; a writer reads its share each time it
// dispatches, so nobody has to be woken when another writer starts or ends.
#pragma once

#include <atomic>

namespace bucket::client {

class WriteWindow {
 public:
  // `total` mutations in flight for all writers together; each writer may
  // keep at least `per_writer_min`, so a writer is never starved of depth.
  WriteWindow(int total, int per_writer_min);

  // A write starts or ends (every Join is matched by one Leave).
  void Join();
  void Leave();

  // How many mutations each writer may have in flight now.
  int PerWriter() const;
  int writers() const { return writers_.load(std::memory_order_relaxed); }

 private:
  const int total_;
  const int per_writer_min_;
  std::atomic<int> writers_{0};
};

}  // namespace bucket::client
