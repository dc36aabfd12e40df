// MonitorModel: what bucket-monitor knows of the cluster, built from what the
// master publishes: the latest cluster state, a short throughput history per
// chunkserver (for sparklines), the recent events, and the gaps a slow monitor
// saw. Thread-safe: the subscriber's loop writes it, the screen reads it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "messages/message.h"

namespace bucket::client {

class MonitorModel {
 public:
  static constexpr std::size_t kHistoryMax = 60;
  static constexpr std::size_t kEventsMax = 500;

  void OnState(const messages::ClusterState& state);
  void OnEvent(const messages::ClusterEvent& event);
  void OnGap(const std::string& topic_class, std::uint64_t missed, std::uint64_t unix_ms);

  struct Snapshot {
    std::optional<messages::ClusterState> state;
    std::map<std::string, std::deque<double>> throughput;  // bytes/s per chunkserver, oldest first
    std::deque<std::string> events;                        // formatted, oldest first
    std::uint64_t missed = 0;
    std::uint64_t states_seen = 0;
  };
  Snapshot Take() const;

 private:
  mutable std::mutex mu_;
  Snapshot data_;
};

}  // namespace bucket::client
