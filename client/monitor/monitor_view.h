// What bucket-monitor draws: pure functions from a snapshot of the model to
// lines of text, so the screen is testable without a terminal.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "client/monitor/monitor_model.h"

namespace bucket::client {

enum class SortBy { kId, kState, kUsed, kThroughput };
enum class StateFilter { kAll, kUp, kSuspect, kDead, kAdmin };  // kAdmin: draining, maintenance

struct ViewOptions {
  SortBy sort = SortBy::kId;
  StateFilter filter = StateFilter::kAll;
  bool paused = false;
  bool unicode = true;  // sparklines in block characters (else ASCII)
  std::uint64_t now_unix_ms = 0;
};

const char* SortName(SortBy sort);
const char* FilterName(StateFilter filter);
SortBy NextSort(SortBy sort);
StateFilter NextFilter(StateFilter filter);

// The full screen, `height` lines of at most `width` columns.
std::vector<std::string> RenderScreen(const MonitorModel::Snapshot& snapshot,
                                      const ViewOptions& options, int width, int height);
// `values` drawn in at most `width` characters, scaled to their maximum.
std::string Sparkline(const std::deque<double>& values, std::size_t width, bool unicode);
// The state as a plain table (bucket-monitor --once).
std::string RenderTable(const messages::ClusterState& state);

}  // namespace bucket::client
