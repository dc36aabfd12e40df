#include "client/write_window.h"

#include <algorithm>

namespace bucket::client {

WriteWindow::WriteWindow(int total, int per_writer_min)
    : total_(std::max(1, total)), per_writer_min_(std::clamp(per_writer_min, 1, total_)) {}

void WriteWindow::Join() { writers_.fetch_add(1, std::memory_order_relaxed); }

void WriteWindow::Leave() { writers_.fetch_sub(1, std::memory_order_relaxed); }

int WriteWindow::PerWriter() const {
  const int writers = std::max(1, writers_.load(std::memory_order_relaxed));
  return std::max(per_writer_min_, total_ / writers);
}

}  // namespace bucket::client
