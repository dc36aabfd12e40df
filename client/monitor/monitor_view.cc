#include "client/monitor/monitor_view.h"

#include <algorithm>
#include <cstdio>

#include "client/monitor/monitor_format.h"
#include "config/units.h"

namespace bucket::client {
namespace {

using messages::NodeState;

std::string Duration(std::uint64_t ms) {
  const std::uint64_t s = ms / 1000;
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof(text), "%llus", static_cast<unsigned long long>(s));
  } else if (s < 3600) {
    std::snprintf(text, sizeof(text), "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  } else if (s < 86400) {
    std::snprintf(text, sizeof(text), "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s / 60 % 60));
  } else {
    std::snprintf(text, sizeof(text), "%llud%02lluh", static_cast<unsigned long long>(s / 86400),
                  static_cast<unsigned long long>(s / 3600 % 24));
  }
  return text;
}

std::string Age(std::uint64_t ms) {
  char text[16];
  if (ms < 10000) {
    std::snprintf(text, sizeof(text), "%.1fs", static_cast<double>(ms) / 1000.0);
  } else {
    return Duration(ms);
  }
  return text;
}

// Cuts `line` to `width` display columns (multi-byte UTF-8 counts once).
std::string Fit(const std::string& line, int width) {
  std::string out;
  int columns = 0;
  for (std::size_t i = 0; i < line.size();) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    const std::size_t bytes = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    if (columns == width) break;
    out.append(line, i, bytes);
    i += bytes;
    ++columns;
  }
  return out;
}

bool Passes(const messages::ChunkserverStatus& cs, StateFilter filter) {
  switch (filter) {
    case StateFilter::kAll: return true;
    case StateFilter::kUp: return cs.state == NodeState::kUp;
    case StateFilter::kSuspect: return cs.state == NodeState::kSuspect;
    case StateFilter::kDead: return cs.state == NodeState::kDead;
    case StateFilter::kAdmin:
      return cs.state == NodeState::kDraining || cs.state == NodeState::kMaintenance;
  }
  return true;
}

std::string StateText(const messages::ChunkserverStatus& cs) {
  if (cs.state == NodeState::kDraining && cs.drained) return "drained";
  return messages::NodeStateName(cs.state);
}

}  // namespace

const char* SortName(SortBy sort) {
  switch (sort) {
    case SortBy::kId: return "id";
    case SortBy::kState: return "state";
    case SortBy::kUsed: return "used";
    case SortBy::kThroughput: return "throughput";
  }
  return "id";
}

const char* FilterName(StateFilter filter) {
  switch (filter) {
    case StateFilter::kAll: return "all";
    case StateFilter::kUp: return "up";
    case StateFilter::kSuspect: return "suspect";
    case StateFilter::kDead: return "dead";
    case StateFilter::kAdmin: return "draining/maintenance";
  }
  return "all";
}

SortBy NextSort(SortBy sort) {
  return static_cast<SortBy>((static_cast<int>(sort) + 1) % 4);
}

StateFilter NextFilter(StateFilter filter) {
  return static_cast<StateFilter>((static_cast<int>(filter) + 1) % 5);
}

std::string Sparkline(const std::deque<double>& values, std::size_t width, bool unicode) {
  static const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const char kAscii[] = " .:-=+*#";
  const std::size_t n = std::min(width, values.size());
  double peak = 0;
  for (std::size_t i = values.size() - n; i < values.size(); ++i) peak = std::max(peak, values[i]);
  std::string line;
  for (std::size_t i = values.size() - n; i < values.size(); ++i) {
    const int level = peak <= 0 ? 0 : std::min(7, static_cast<int>(values[i] / peak * 7.999));
    if (unicode) {
      line += kBlocks[level];
    } else {
      line += kAscii[level];
    }
  }
  return line;
}

std::vector<std::string> RenderScreen(const MonitorModel::Snapshot& snapshot,
                                      const ViewOptions& options, int width, int height) {
  std::vector<std::string> lines;
  const std::string clock = ClockTime(options.now_unix_ms);
  if (!snapshot.state) {
    lines.push_back("bucket-monitor   waiting for the master's state...   " + clock);
    lines.push_back("");
    for (const auto& e : snapshot.events) lines.push_back(e);
    while (static_cast<int>(lines.size()) < height) lines.emplace_back();
    lines.resize(static_cast<std::size_t>(height));
    for (auto& l : lines) l = Fit(l, width);
    return lines;
  }
  const auto& state = *snapshot.state;
  const auto& m = state.master;
  char text[512];
  std::snprintf(text, sizeof(text), "bucket-monitor  master %s %s  up %s  safe mode %s  %s",
                m.master_id.c_str(), m.rpc_endpoint.c_str(), Duration(m.uptime_ms).c_str(),
                m.safe_mode ? "ON" : "off", clock.c_str());
  lines.push_back(text);
  std::snprintf(text, sizeof(text), "files %llu  dirs %llu  chunks %llu  oplog %s  checkpoint %s",
                static_cast<unsigned long long>(m.files),
                static_cast<unsigned long long>(m.directories),
                static_cast<unsigned long long>(m.chunks), config::FormatSize(m.oplog_bytes).c_str(),
                m.last_checkpoint_unix_ms ? ClockTime(m.last_checkpoint_unix_ms).c_str() : "-");
  lines.push_back(text);
  const auto& h = state.health;
  std::snprintf(text, sizeof(text),
                "health  under-replicated %llu  repairing %llu  corrupt %llu  stale %llu  "
                "orphaned %llu  deleting %llu  lost %llu",
                static_cast<unsigned long long>(h.under_replicated),
                static_cast<unsigned long long>(h.being_repaired),
                static_cast<unsigned long long>(h.corrupt), static_cast<unsigned long long>(h.stale),
                static_cast<unsigned long long>(h.orphaned),
                static_cast<unsigned long long>(h.pending_deletion),
                static_cast<unsigned long long>(h.lost));
  lines.push_back(text);
  lines.emplace_back();

  const bool wide = width >= 120;
  const int trend_width = std::max(5, width - (wide ? 113 : 91));
  if (wide) {
    std::snprintf(text, sizeof(text), "%-15s %-21s %-9s %-7s %8s %8s %7s %6s %6s %7s %6s  %s",
                  "NODE", "ENDPOINT", "STATE", "RACK", "USED", "FREE", "CHUNKS", "R/s", "W/s",
                  "MB/s", "HB", "TREND");
  } else {
    std::snprintf(text, sizeof(text), "%-14s %-8s %-7s %7s %7s %6s %5s %5s %6s %5s %s", "NODE",
                  "STATE", "RACK", "USED", "FREE", "CHUNKS", "R/s", "W/s", "MB/s", "HB", "TREND");
  }
  lines.push_back(text);
  std::vector<messages::ChunkserverStatus> rows;
  for (const auto& cs : state.chunkservers) {
    if (Passes(cs, options.filter)) rows.push_back(cs);
  }
  auto throughput = [](const messages::ChunkserverStatus& cs) {
    return cs.read_bytes_per_s + cs.write_bytes_per_s;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    switch (options.sort) {
      case SortBy::kState: return a.state > b.state;  // dead and suspect first
      case SortBy::kUsed: return a.load.used_bytes > b.load.used_bytes;
      case SortBy::kThroughput: return throughput(a) > throughput(b);
      case SortBy::kId: break;
    }
    return a.address.node_id < b.address.node_id;
  });
  // Rows get what is left after the events' few lines and the footer.
  const int events_min = std::min<int>(5, static_cast<int>(snapshot.events.size()) + 1);
  const int room = std::max(1, height - static_cast<int>(lines.size()) - events_min - 2);
  const int shown = std::min<int>(room, static_cast<int>(rows.size()));
  for (int i = 0; i < shown; ++i) {
    const auto& cs = rows[static_cast<std::size_t>(i)];
    auto history = snapshot.throughput.find(cs.address.node_id);
    const std::string trend = history == snapshot.throughput.end()
                                  ? ""
                                  : Sparkline(history->second,
                                              static_cast<std::size_t>(trend_width),
                                              options.unicode);
    const std::string mbps = [&] {
      char b[16];
      std::snprintf(b, sizeof(b), "%.1f", throughput(cs) / 1e6);
      return std::string(b);
    }();
    if (wide) {
      std::snprintf(text, sizeof(text), "%-15s %-21s %-9s %-7s %8s %8s %7llu %6.0f %6.0f %7s %6s  ",
                    cs.address.node_id.c_str(), cs.address.rpc_endpoint.substr(6).c_str(),
                    StateText(cs).c_str(), cs.address.rack.c_str(),
                    config::FormatSize(cs.load.used_bytes).c_str(),
                    config::FormatSize(cs.load.free_bytes).c_str(),
                    static_cast<unsigned long long>(cs.load.chunk_count), cs.read_ops_per_s,
                    cs.write_ops_per_s, mbps.c_str(), Age(cs.heartbeat_age_ms).c_str());
    } else {
      std::snprintf(text, sizeof(text), "%-14s %-8s %-7s %7s %7s %6llu %5.0f %5.0f %6s %5s ",
                    cs.address.node_id.c_str(), StateText(cs).c_str(), cs.address.rack.c_str(),
                    config::FormatSize(cs.load.used_bytes).c_str(),
                    config::FormatSize(cs.load.free_bytes).c_str(),
                    static_cast<unsigned long long>(cs.load.chunk_count), cs.read_ops_per_s,
                    cs.write_ops_per_s, mbps.c_str(), Age(cs.heartbeat_age_ms).c_str());
    }
    lines.push_back(text + trend);
  }
  if (shown < static_cast<int>(rows.size())) {
    lines.push_back("  ... " + std::to_string(rows.size() - shown) + " more (a taller window shows them)");
  }
  lines.push_back("-- events --");
  const int events_room = std::max(0, height - static_cast<int>(lines.size()) - 1);
  const std::size_t first =
      snapshot.events.size() > static_cast<std::size_t>(events_room)
          ? snapshot.events.size() - static_cast<std::size_t>(events_room)
          : 0;
  for (std::size_t i = first; i < snapshot.events.size(); ++i) lines.push_back(snapshot.events[i]);
  while (static_cast<int>(lines.size()) < height - 1) lines.emplace_back();
  std::string footer = std::string("q quit  s sort:") + SortName(options.sort) + "  f filter:" +
                       FilterName(options.filter) + "  p " + (options.paused ? "resume (PAUSED)" : "pause");
  if (snapshot.missed > 0) footer += "  missed " + std::to_string(snapshot.missed);
  lines.push_back(footer);
  lines.resize(static_cast<std::size_t>(std::max(0, height)));
  for (auto& l : lines) l = Fit(l, width);
  return lines;
}

std::string RenderTable(const messages::ClusterState& state) {
  MonitorModel::Snapshot snapshot;
  snapshot.state = state;
  ViewOptions options;
  options.unicode = false;
  options.now_unix_ms = state.unix_ms;
  // As tall as it needs, without events or footer.
  const int height = 10 + static_cast<int>(state.chunkservers.size());
  auto lines = RenderScreen(snapshot, options, 200, height);
  std::string table;
  for (const auto& line : lines) {
    if (line.rfind("-- events --", 0) == 0) break;
    std::string trimmed = line;
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
    table += trimmed + "\n";
  }
  return table;
}

}  // namespace bucket::client
