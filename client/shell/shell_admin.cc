// Shell commands about the cluster: status, safemode, backup; and help, exit.
#include <ctime>

#include "client/json_writer.h"
#include "client/monitor/monitor_format.h"
#include "client/shell/shell.h"
#include "config/units.h"

namespace bucket::client::shell {
namespace {

std::string Duration(std::uint64_t ms) {
  const std::uint64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 172800) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

}  // namespace

Status Shell::Status_(const Args& args) {
  auto options = ParseOptions(args, {"--json"});
  if (!options.ok()) return options.status();
  auto state = client_.ClusterStatus();
  if (!state.ok()) return state.status();
  if (options->Has("--json")) {
    JsonWriter json;
    json.BeginObject();
    WriteJson(json, *state);
    json.EndObject();
    Print(json.text() + "\n");
    return Status::Ok();
  }
  const auto& m = state->master;
  char line[512];
  std::snprintf(line, sizeof(line), "master %s (%s)  up %s  safe mode: %s\n", m.master_id.c_str(),
                m.rpc_endpoint.c_str(), Duration(m.uptime_ms).c_str(),
                m.safe_mode ? "ON (reads only)" : "off");
  Print(line);
  std::snprintf(line, sizeof(line),
                "%llu files, %llu directories, %llu chunks; operation log segment %s%s\n\n",
                static_cast<unsigned long long>(m.files),
                static_cast<unsigned long long>(m.directories),
                static_cast<unsigned long long>(m.chunks), config::FormatSize(m.oplog_bytes).c_str(),
                m.last_checkpoint_unix_ms
                    ? (", last checkpoint " + ClockTime(m.last_checkpoint_unix_ms)).c_str()
                    : "");
  Print(line);
  std::snprintf(line, sizeof(line), "%-16s %-8s %-8s %10s %10s %8s %9s\n", "CHUNKSERVER", "STATE",
                "RACK", "USED", "FREE", "CHUNKS", "HEARTBEAT");
  Print(line);
  std::uint64_t capacity = 0, used = 0, free_bytes = 0;
  for (const auto& cs : state->chunkservers) {
    std::snprintf(line, sizeof(line), "%-16s %-8s %-8s %10s %10s %8llu %7llums\n",
                  cs.address.node_id.c_str(), messages::NodeStateName(cs.state),
                  cs.address.rack.c_str(), config::FormatSize(cs.load.used_bytes).c_str(),
                  config::FormatSize(cs.load.free_bytes).c_str(),
                  static_cast<unsigned long long>(cs.load.chunk_count),
                  static_cast<unsigned long long>(cs.heartbeat_age_ms));
    Print(line);
    if (cs.state != messages::NodeState::kDead) {
      capacity += cs.load.capacity_bytes;
      used += cs.load.used_bytes;
      free_bytes += cs.load.free_bytes;
    }
  }
  const auto& h = state->health;
  std::snprintf(line, sizeof(line),
                "\ncapacity %s, used by chunks %s, free %s\n"
                "health: %llu under-replicated, %llu being repaired, %llu corrupt, %llu stale, "
                "%llu lost; %llu deletions pending\n",
                config::FormatSize(capacity).c_str(), config::FormatSize(used).c_str(),
                config::FormatSize(free_bytes).c_str(),
                static_cast<unsigned long long>(h.under_replicated),
                static_cast<unsigned long long>(h.being_repaired),
                static_cast<unsigned long long>(h.corrupt), static_cast<unsigned long long>(h.stale),
                static_cast<unsigned long long>(h.lost),
                static_cast<unsigned long long>(h.pending_deletion));
  Print(line);
  return Status::Ok();
}

Status Shell::SafeMode(const Args& args) {
  messages::SafeModeAction action = messages::SafeModeAction::kGet;
  if (args.size() == 2 && args[1] == "enter") {
    action = messages::SafeModeAction::kEnter;
  } else if (args.size() == 2 && args[1] == "leave") {
    action = messages::SafeModeAction::kLeave;
  } else if (args.size() != 1) {
    return Status::InvalidArgument("usage: safemode [enter|leave]");
  }
  auto response = client_.SafeMode(action);
  if (!response.ok()) return response.status();
  Print(std::string("safe mode is ") + (response->safe_mode ? "ON" : "off") +
        (response->reason.empty() ? "" : " (" + response->reason + ")") + "\n");
  return Status::Ok();
}

Status Shell::Backup(const Args& args) {
  if (args.size() != 2) return Status::InvalidArgument("usage: backup DIR");
  auto path = client_.Backup(args[1]);
  if (!path.ok()) return path.status();
  Print("metadata backup written to " + *path + " on the master's host\n");
  return Status::Ok();
}

Status Shell::Fsck(const Args& args) {
  if (args.size() > 2) return Status::InvalidArgument("usage: fsck [PATH]");
  auto path = Resolve(args.size() == 2 ? args[1] : "/");
  if (!path.ok()) return path.status();
  auto report = client_.Fsck(*path);
  if (!report.ok()) return report.status();
  for (const auto& p : report->problems) {
    Print(p.path + " chunk #" + std::to_string(p.index) + " (handle " + std::to_string(p.handle) +
          "): " + p.problem + ", " + std::to_string(p.live_replicas) + " of " +
          std::to_string(p.wanted_replicas) + " replicas\n");
  }
  if (report->truncated) Print("... (more problems not listed)\n");
  const bool broken = report->lost + report->corrupt + report->stale_only > 0;
  const char* verdict = report->lost > 0    ? "CORRUPT (chunks lost)"
                        : broken            ? "DEGRADED (being repaired)"
                        : report->under_replicated > 0 ? "HEALTHY but under-replicated"
                                                       : "HEALTHY";
  char text[512];
  std::snprintf(text, sizeof(text),
                "Status: %s\n  files %llu, directories %llu, %s in %llu chunks\n"
                "  healthy %llu, under-replicated %llu, corrupt %llu, stale-only %llu, lost %llu\n",
                verdict, static_cast<unsigned long long>(report->files),
                static_cast<unsigned long long>(report->directories),
                config::FormatSize(report->bytes).c_str(),
                static_cast<unsigned long long>(report->chunks),
                static_cast<unsigned long long>(report->healthy),
                static_cast<unsigned long long>(report->under_replicated),
                static_cast<unsigned long long>(report->corrupt),
                static_cast<unsigned long long>(report->stale_only),
                static_cast<unsigned long long>(report->lost));
  Print(text);
  return Status::Ok();
}

Status Shell::Node(const Args& args) {
  if (args.size() != 3) {
    return Status::InvalidArgument("usage: node drain|maintenance|normal CHUNKSERVER");
  }
  messages::NodeAdminAction action;
  if (args[1] == "drain") {
    action = messages::NodeAdminAction::kDrain;
  } else if (args[1] == "maintenance") {
    action = messages::NodeAdminAction::kMaintenance;
  } else if (args[1] == "normal") {
    action = messages::NodeAdminAction::kNormal;
  } else {
    return Status::InvalidArgument("'" + args[1] + "' is not drain, maintenance or normal");
  }
  BUCKET_RETURN_IF_ERROR(client_.SetNodeState(args[2], action));
  Print(args[2] + " is now " + (args[1] == "normal" ? "in normal service" : args[1] == "drain" ? "draining (see status)" : "in maintenance") + "\n");
  return Status::Ok();
}

Status Shell::Help(const Args& args) {
  if (args.size() == 1) {
    std::string text = "Commands (paths may be relative to the working directory):\n";
    for (const auto& [name, command] : commands_) {
      char line[256];
      std::snprintf(line, sizeof(line), "  %-40s %s\n", command.usage.c_str(),
                    command.summary.c_str());
      text += line;
    }
    text += "Also: df (= status), quit (= exit), ll (= ls -l). `help COMMAND` says more.\n";
    Print(text);
    return Status::Ok();
  }
  std::string name = args[1];
  if (auto alias = aliases_.find(name); alias != aliases_.end()) {
    name = alias->second.substr(0, alias->second.find(' '));
  }
  auto it = commands_.find(name);
  if (it == commands_.end()) return Status::InvalidArgument("no command '" + args[1] + "'");
  Print("usage: " + it->second.usage + "\n" + it->second.summary + "\n" +
        (it->second.details.empty() ? "" : "\n" + it->second.details + "\n"));
  return Status::Ok();
}

Status Shell::Exit(const Args& args) {
  (void)args;
  exit_requested_ = true;
  return Status::Ok();
}

}  // namespace bucket::client::shell
