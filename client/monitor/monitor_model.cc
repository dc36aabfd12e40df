#include "client/monitor/monitor_model.h"

#include "client/monitor/monitor_format.h"

#include <cstdio>

namespace bucket::client {

void MonitorModel::OnState(const messages::ClusterState& state) {
  std::lock_guard lock(mu_);
  for (const auto& cs : state.chunkservers) {
    auto& history = data_.throughput[cs.address.node_id];
    history.push_back(cs.read_bytes_per_s + cs.write_bytes_per_s);
    if (history.size() > kHistoryMax) history.pop_front();
  }
  data_.state = state;
  ++data_.states_seen;
}

void MonitorModel::OnEvent(const messages::ClusterEvent& event) {
  std::lock_guard lock(mu_);
  char line[512];
  std::snprintf(line, sizeof(line), "%s %-16s %-16s %s", ClockTime(event.unix_ms).c_str(),
                event.type.c_str(), event.node_id.c_str(),
                (event.chunk ? "chunk " + std::to_string(event.chunk) + " " : std::string()).append(event.detail).c_str());
  data_.events.push_back(line);
  if (data_.events.size() > kEventsMax) data_.events.pop_front();
}

void MonitorModel::OnGap(const std::string& topic_class, std::uint64_t missed,
                         std::uint64_t unix_ms) {
  std::lock_guard lock(mu_);
  data_.missed += missed;
  data_.events.push_back(ClockTime(unix_ms) + " gap              missed " +
                         std::to_string(missed) + " " + topic_class + " message(s)");
  if (data_.events.size() > kEventsMax) data_.events.pop_front();
}

MonitorModel::Snapshot MonitorModel::Take() const {
  std::lock_guard lock(mu_);
  return data_;
}

}  // namespace bucket::client
