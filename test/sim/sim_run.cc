#include "test/sim/sim_run.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "test/sim/sim_cluster.h"

namespace bucket::testing {
namespace {

using actors::Millis;
namespace msg = messages;

constexpr std::uint64_t kChunk = 256 << 10;
constexpr std::uint64_t kBigDisk = 1ull << 32;

// What the workload knows a data file holds: bytes where `known`, nothing
// promised elsewhere (a failed or concurrent write, a hole).
struct FileModel {
  std::string bytes;
  std::vector<bool> known;
  std::uint64_t min_size = 0;  // the end of the furthest acknowledged write
  bool may_differ = false;     // a failed write: its region may differ between replicas

  void Set(std::uint64_t offset, const std::string& data) {
    Grow(offset + data.size());
    bytes.replace(offset, data.size(), data);
    std::fill(known.begin() + offset, known.begin() + offset + data.size(), true);
    min_size = std::max(min_size, offset + data.size());
  }
  void Forget(std::uint64_t offset, std::uint64_t length) {
    Grow(offset + length);
    std::fill(known.begin() + offset, known.begin() + offset + length, false);
  }
  void Grow(std::uint64_t size) {
    if (bytes.size() >= size) return;
    bytes.resize(size, '\0');
    known.resize(size, false);
  }
};

struct AppendModel {
  std::string path;
  std::uint64_t offset = 0;
  std::string data;
};

// A status that does not say whether the operation happened.
bool Unknown(const Status& s) {
  return s.code() == Code::kTimeout || s.code() == Code::kUnavailable ||
         s.code() == Code::kSafeMode || s.code() == Code::kLeaseExpired ||
         s.code() == Code::kBusy || s.code() == Code::kNoSpace || s.code() == Code::kNotPrimary ||
         // A secondary missed the data: the primary may have applied it.
         s.code() == Code::kDataMissing ||
         // Retried until the attempts ran out under faults (a replica found
         // rotten, versions moving on): whatever the last try did is unknown.
         s.code() == Code::kCorruption || s.code() == Code::kStaleVersion;
}

class Run {
 public:
  Run(std::uint64_t seed, const SimRunOptions& options)
      : options_(options), rng_(seed * 2654435761u + 1), cluster_(seed, ClusterOptions(options, seed)) {
    result_.seed = seed;
    cluster_.net().trace = [this](const std::string& line) {
      ++result_.events;
      for (unsigned char c : line) result_.trace_hash = (result_.trace_hash ^ c) * 1099511628211ull;
      result_.trace_hash = (result_.trace_hash ^ '\n') * 1099511628211ull;
      if (options_.trace) std::fprintf(stderr, "%s\n", line.c_str());
    };
  }

  SimRunResult Go() {
    if (!cluster_.WaitReady(Millis(30000))) {
      Violation("the cluster never became ready");
      return Finish();
    }
    Setup();
    sim::SimFaults noisy;
    noisy.drop_probability = options_.faults ? options_.drop : 0;
    noisy.duplicate_probability = options_.faults ? options_.duplicate : 0;
    noisy.reorder = options_.faults && options_.reorder;
    noisy.delay_max = Millis(20);
    cluster_.net().SetFaults(noisy);
    for (int round = 0; round < options_.rounds && result_.violations.size() < 20; ++round) {
      Workload();
      if (options_.faults) Faults();
      cluster_.net().RunFor(Millis(Pick(50, 500)));
    }
    StopFaults();
    CheckEverything();
    return Finish();
  }

 private:
  static SimClusterOptions ClusterOptions(const SimRunOptions& options, std::uint64_t seed) {
    SimClusterOptions o;
    // Odd seeds run as shipped: clients wait for a mutation's answer as long
    // as primaries wait for their secondaries (primaries answer sooner).
    if (seed % 2 == 1) o.mutation_timeout_ms = o.request_timeout_ms;
    o.chunkservers = options.chunkservers;
    o.clients = options.clients;
    o.chunk_size = kChunk;
    o.lease_ms = 3000;
    o.repair_delay_ms = 1000;
    o.disk_bytes = kBigDisk;
    o.node_logs = options.node_logs;
    o.trash_grace_ms = 3600000;  // undelete must find what a run deleted
    return o;
  }

  std::uint64_t Pick(std::uint64_t low, std::uint64_t high) {  // inclusive
    return low + rng_() % (high - low + 1);
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int AnyClient() { return static_cast<int>(Pick(1, options_.clients)); }
  std::string RandomBytes(std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng_());
    return s;
  }
  template <typename Map>
  std::string AnyKey(const Map& map) {
    auto it = map.begin();
    std::advance(it, static_cast<long>(Pick(0, map.size() - 1)));
    return it->first;
  }
  std::string NewName(const std::string& dir) { return dir + "/n" + std::to_string(next_name_++); }

  void Violation(std::string what) {
    result_.violations.push_back("t=" + std::to_string(cluster_.net().now().count()) + "ms " +
                                 std::move(what));
  }

  void Setup() {
    for (const char* dir : {"/d", "/l"}) {
      if (!cluster_.Call(msg::MkdirRequest{dir, true}).ok()) Violation(std::string("mkdir ") + dir);
    }
    for (int i = 0; i < 3; ++i) {
      const std::string data = NewName("/d"), log = NewName("/l");
      if (cluster_.Call(msg::CreateRequest{data, 0, 0, false, false}).ok()) files_[data];
      if (cluster_.Call(msg::CreateRequest{log, 0, 0, false, false}).ok()) logs_.push_back(log);
    }
  }

  // Runs until every started operation has its result, checking on the way
  // that no chunk ever has two primaries.
  void RunOps(const std::function<bool()>& all_done) {
    const Millis deadline = cluster_.net().now() + Millis(120000);
    std::uint64_t steps = 0;
    while (!all_done() && cluster_.net().now() < deadline) {
      if (!cluster_.net().Step()) break;
      if (++steps % 16 == 0) CheckOnePrimary();
    }
    if (!all_done()) Violation("operations still unfinished after 120s of simulated time");
  }

  void CheckOnePrimary() {
    const Millis now = cluster_.net().now();
    cluster_.master().state().chunks().ForEach([&](std::uint64_t handle, const auto&) {
      std::vector<std::string> primaries;
      for (int i = 1; i <= cluster_.chunkserver_count(); ++i) {
        if (cluster_.net().IsUp(SimCluster::ChunkserverId(i)) &&
            cluster_.chunkserver(i).IsPrimary(handle, now)) {
          primaries.push_back(SimCluster::ChunkserverId(i));
        }
      }
      if (primaries.size() > 1 && reported_primaries_.insert(handle).second) {
        std::string who;
        for (const auto& p : primaries) who += " " + p;
        Violation("chunk " + std::to_string(handle) + " has " +
                  std::to_string(primaries.size()) + " primaries at once:" + who);
      }
    });
  }

  void Workload() {
    const int total = options_.weight_write + options_.weight_append + options_.weight_read +
                      options_.weight_namespace + options_.weight_snapshot;
    int pick = static_cast<int>(Pick(0, total - 1));
    if ((pick -= options_.weight_write) < 0) return Writes();
    if ((pick -= options_.weight_append) < 0) return Appends();
    if ((pick -= options_.weight_read) < 0) return Reads();
    if ((pick -= options_.weight_namespace) < 0) return Namespace();
    return SnapshotRound();
  }

  void Writes() {
    if (files_.empty()) return;
    struct Started {
      std::string path;
      std::uint64_t offset;
      std::string data;
      std::shared_ptr<std::optional<Status>> slot;
    };
    std::vector<Started> writes;
    const int n = static_cast<int>(Pick(1, 3));
    for (int i = 0; i < n; ++i) {
      Started w{AnyKey(files_), Pick(0, 3 * kChunk), RandomBytes(Pick(1, kChunk + kChunk / 4)), {}};
      w.slot = cluster_.StartWrite(w.path, w.offset, w.data, 1 + i % options_.clients);
      writes.push_back(std::move(w));
    }
    RunOps([&] {
      return std::all_of(writes.begin(), writes.end(), [](const Started& w) { return w.slot->has_value(); });
    });
    for (std::size_t i = 0; i < writes.size(); ++i) {
      const Started& w = writes[i];
      auto it = files_.find(w.path);
      if (it == files_.end() || !w.slot->has_value()) continue;
      bool overlapped = false;
      for (std::size_t j = 0; j < writes.size(); ++j) {
        const Started& o = writes[j];
        overlapped |= j != i && o.path == w.path && o.offset < w.offset + w.data.size() &&
                      w.offset < o.offset + o.data.size();
      }
      const Status& s = **w.slot;
      if (s.ok()) {
        ++result_.acked_writes;
        if (overlapped) {
          it->second.Forget(w.offset, w.data.size());  // consistent, but whose bytes is undefined
          it->second.min_size = std::max(it->second.min_size, w.offset + w.data.size());
        } else {
          it->second.Set(w.offset, w.data);
        }
      } else {
        ++result_.failed_ops;
        it->second.Forget(w.offset, w.data.size());
        it->second.may_differ = true;
        if (!Unknown(s)) Violation("write to " + w.path + " failed: " + s.ToString());
      }
    }
    // Zeros between the old end and a write's offset are a hole: not promised.
  }

  void Appends() {
    if (logs_.empty()) return;
    struct Started {
      std::string path;
      std::string data;
      std::shared_ptr<std::optional<Result<std::uint64_t>>> slot;
    };
    std::vector<Started> appends;
    const int n = static_cast<int>(Pick(1, 3));
    for (int i = 0; i < n; ++i) {
      Started a{logs_[Pick(0, logs_.size() - 1)], RandomBytes(Pick(100, 20000)), {}};
      a.slot = cluster_.StartAppend(a.path, a.data, 1 + i % options_.clients);
      appends.push_back(std::move(a));
    }
    RunOps([&] {
      return std::all_of(appends.begin(), appends.end(),
                         [](const Started& a) { return a.slot->has_value(); });
    });
    for (const Started& a : appends) {
      if (!a.slot->has_value()) continue;
      const auto& r = **a.slot;
      if (r.ok()) {
        ++result_.acked_appends;
        appends_.push_back({a.path, *r, a.data});
      } else {
        ++result_.failed_ops;
        if (!Unknown(r.status())) Violation("append to " + a.path + " failed: " + r.status().ToString());
      }
    }
  }

  void Reads() {
    if (files_.empty()) return;
    const std::string path = AnyKey(files_);
    const FileModel& model = files_.at(path);
    if (model.bytes.empty()) return;
    const std::uint64_t offset = Pick(0, model.bytes.size() - 1);
    const std::uint64_t length = Pick(1, model.bytes.size() - offset);
    auto got = cluster_.Read(path, offset, length, AnyClient());
    if (!got.ok()) {
      if (!Unknown(got.status()) && got.status().code() != Code::kCorruption) {
        Violation("read of " + path + " failed: " + got.status().ToString());
      }
      return;
    }
    CompareKnown(path, model, offset, *got);
  }

  void CompareKnown(const std::string& path, const FileModel& model, std::uint64_t offset,
                    const std::string& got) {
    for (std::uint64_t i = 0; i < got.size() && offset + i < model.bytes.size(); ++i) {
      if (model.known[offset + i] && got[i] != model.bytes[offset + i]) {
        Violation("read of " + path + " returned a wrong byte at " + std::to_string(offset + i) +
                  Diagnose(path, offset + i, model.bytes[offset + i]));
        return;
      }
    }
  }

  // Which chunk holds `at`, and what each replica of it has there.
  std::string Diagnose(const std::string& path, std::uint64_t at, char expected) {
    auto stat = cluster_.Stat(path);
    if (!stat.ok() || at / kChunk >= stat->chunks.size()) return "";
    const auto handle = stat->chunks[at / kChunk].handle;
    std::string text = " (chunk " + std::to_string(handle) + "; expected " +
                       std::to_string(static_cast<unsigned char>(expected)) + ";";
    for (int i = 1; i <= cluster_.chunkserver_count(); ++i) {
      if (!cluster_.net().IsUp(SimCluster::ChunkserverId(i))) continue;
      const auto* stored = cluster_.chunkserver(i).store().Find(handle);
      if (stored == nullptr) continue;
      auto bytes = cluster_.ReplicaBytes(i, handle);
      text += " " + SimCluster::ChunkserverId(i) + " v" + std::to_string(stored->version) + " len " +
              std::to_string(stored->length);
      if (bytes.ok() && at % kChunk < bytes->size()) {
        text += " has " + std::to_string(static_cast<unsigned char>((*bytes)[at % kChunk]));
      }
      text += ";";
    }
    return text + " current:" + [&] {
      std::string ids;
      for (const auto& id : cluster_.LiveReplicaIds(handle)) ids += " " + id;
      return ids;
    }() + ")";
  }

  void Namespace() {
    const int kind = static_cast<int>(Pick(0, 4));
    const int client = AnyClient();
    if (kind == 0 || files_.size() < 2) {  // create a data or log file
      const bool log = Chance(0.3);
      const std::string path = NewName(log ? "/l" : "/d");
      Status s = cluster_.Call(msg::CreateRequest{path, 0, 0, false, false}, client);
      if (Account(s, "create " + path)) (log ? (void)logs_.push_back(path) : (void)files_[path]);
    } else if (kind == 1) {  // delete a data file
      const std::string path = AnyKey(files_);
      FileModel model = files_.at(path);
      files_.erase(path);
      Status s = cluster_.Call(msg::DeleteRequest{path, false, false}, client);
      if (Account(s, "delete " + path)) trash_[path] = std::move(model);
    } else if (kind == 2 && !trash_.empty()) {  // undelete
      const std::string path = AnyKey(trash_);
      FileModel model = std::move(trash_.at(path));
      trash_.erase(path);
      Status s = cluster_.Call(msg::UndeleteRequest{path}, client);
      if (Account(s, "undelete " + path)) files_[path] = std::move(model);
    } else if (kind == 3) {  // rename
      const std::string from = AnyKey(files_);
      const std::string to = NewName("/d");
      FileModel model = files_.at(from);
      files_.erase(from);
      Status s = cluster_.Call(msg::RenameRequest{from, to, false}, client);
      if (Account(s, "rename " + from)) files_[to] = std::move(model);
    } else {  // mkdir
      Account(cluster_.Call(msg::MkdirRequest{NewName("/d"), false}, client), "mkdir");
    }
  }

  void SnapshotRound() {
    if (files_.empty()) return;
    const std::string from = AnyKey(files_);
    const std::string to = NewName("/d");
    Status s = cluster_.Call(msg::SnapshotRequest{from, to, false}, AnyClient());
    if (Account(s, "snapshot " + from)) files_[to] = files_.at(from);
  }

  // True if acknowledged. An unknown outcome drops the path from the model; a
  // definite failure of what the model says must succeed is a violation.
  bool Account(const Status& s, const std::string& what) {
    if (s.ok()) {
      ++result_.acked_namespace;
      return true;
    }
    ++result_.failed_ops;
    if (!Unknown(s)) Violation(what + " failed: " + s.ToString());
    return false;
  }

  // Within what replication is for (as for rot): a machine crash, which loses
  // what the node never synced, only when every chunk it holds at the current
  // version has a good copy on another live node.
  bool OthersHoldAll(int i) {
    for (const auto& held : cluster_.chunkserver(i).store().Report()) {
      const auto* info = cluster_.master().state().chunks().Find(held.handle);
      if (info == nullptr || held.version < info->version) continue;
      bool elsewhere = false;
      for (const std::string& id : cluster_.LiveReplicaIds(held.handle)) {
        const int j = std::stoi(id.substr(2));
        if (j != i && cluster_.net().IsUp(id) && cluster_.ReplicaBytes(j, held.handle).ok()) {
          elsewhere = true;
          break;
        }
      }
      if (!elsewhere) return false;
    }
    return true;
  }

  void Faults() {
    auto& net = cluster_.net();
    const int n = cluster_.chunkserver_count();
    // Chunkservers: crash (a process crash keeps the page cache; a machine
    // crash loses what was not synced, tearing it), and restart later.
    if (options_.crash && Chance(0.12) && down_.size() < 2) {
      const int i = static_cast<int>(Pick(1, n));
      if (down_.insert(i).second) {
        const bool machine =
            options_.machine_crash && down_.size() == 1 && Chance(0.3) && OthersHoldAll(i);
        cluster_.CrashChunkserver(i, /*lose_unsynced=*/false);
        if (machine) cluster_.disk(SimCluster::ChunkserverId(i)).Crash(net.rng(), /*torn=*/true);
        ++result_.faults_injected;
      }
    }
    for (auto it = down_.begin(); it != down_.end();) {
      if (Chance(0.3)) {
        cluster_.RestartChunkserver(*it);
        it = down_.erase(it);
      } else {
        ++it;
      }
    }
    if (options_.master_crash && Chance(0.05)) {  // the master: a machine crash, then recovery from its log
      cluster_.CrashMaster(false);
      cluster_.disk("master").Crash(net.rng(), /*torn=*/true);
      cluster_.RestartMaster();
      ++result_.faults_injected;
      CheckAfterMasterRestart();
    }
    if (options_.partition && Chance(0.08) && partitioned_rounds_ == 0) {  // two random groups, healed later
      std::vector<std::string> nodes = {"master"}, a, b;
      for (int i = 1; i <= n; ++i) nodes.push_back(SimCluster::ChunkserverId(i));
      for (int c = 1; c <= options_.clients; ++c) nodes.push_back(SimCluster::ClientId(c));
      for (const auto& node : nodes) (Chance(0.5) ? a : b).push_back(node);
      net.Partition(a, b);
      partitioned_rounds_ = static_cast<int>(Pick(1, 3));
      ++result_.faults_injected;
    } else if (partitioned_rounds_ > 0 && --partitioned_rounds_ == 0) {
      net.Heal();
    }
    if (options_.rot && Chance(0.06)) Corrupt();
    if (options_.full_disk && Chance(0.03) && full_ == 0) {  // a full disk on one chunkserver for a while
      full_ = static_cast<int>(Pick(1, n));
      cluster_.disk(SimCluster::ChunkserverId(full_)).SetCapacity(1 << 20);
      ++result_.faults_injected;
    } else if (full_ != 0 && Chance(0.3)) {
      cluster_.disk(SimCluster::ChunkserverId(full_)).SetCapacity(kBigDisk);
      full_ = 0;
    }
  }

  // Rot: one bit of one replica of a random chunk.
  void Corrupt() {
    std::vector<std::uint64_t> handles;
    cluster_.master().state().chunks().ForEach(
        [&](std::uint64_t handle, const auto&) { handles.push_back(handle); });
    if (handles.empty()) return;
    const std::uint64_t handle = handles[Pick(0, handles.size() - 1)];
    // Within what replication is for: rot only a chunk whose every replica is
    // current and live, so two more failures are needed to lose it, and only
    // once (rot goes unseen until read: three rots could hit all replicas).
    const auto* info = cluster_.master().state().chunks().Find(handle);
    if (info == nullptr || cluster_.LiveReplicaIds(handle).size() < info->replication) return;
    if (rotted_.count(handle) != 0) return;
    const int i = static_cast<int>(Pick(1, cluster_.chunkserver_count()));
    if (!cluster_.net().IsUp(SimCluster::ChunkserverId(i))) return;
    const auto* stored = cluster_.chunkserver(i).store().Find(handle);
    if (stored == nullptr || stored->length == 0) return;
    auto& disk = cluster_.disk(SimCluster::ChunkserverId(i));
    if (disk.FlipBit(SimCluster::ChunkFile(handle), Pick(0, stored->length - 1),
                     static_cast<int>(Pick(0, 7))).ok()) {
      rotted_.insert(handle);
      ++result_.faults_injected;
    }
  }

  // Every acknowledged namespace change and write survived the restart (once
  // the chunkservers have reported: sizes come back with them).
  void CheckAfterMasterRestart() {
    if (!cluster_.WaitReady(Millis(30000))) return;  // a partition: checked at the end
    for (const auto& [path, model] : files_) {
      auto stat = cluster_.Stat(path, AnyClient());
      if (!stat.ok()) {
        if (stat.status().code() == Code::kNotFound) {
          Violation("after a master restart, acknowledged " + path + " is gone");
        }
        continue;  // unreachable now (a partition): checked again at the end
      }
      if (stat->info.size < model.min_size) {
        Violation("after a master restart, " + path + " is " + std::to_string(stat->info.size) +
                  " bytes; acknowledged writes reach " + std::to_string(model.min_size));
      }
    }
  }

  void StopFaults() {
    auto& net = cluster_.net();
    net.Heal();
    net.SetFaults({});
    partitioned_rounds_ = 0;
    for (int i : down_) cluster_.RestartChunkserver(i);
    down_.clear();
    if (full_ != 0) cluster_.disk(SimCluster::ChunkserverId(full_)).SetCapacity(kBigDisk);
    full_ = 0;
    // Reads find rot; so does a scrub. Then every chunk is back at its factor.
    const Millis stopped = net.now();
    const bool repaired = net.RunUntil(
        [&] {
          if (!net.IsUp("master") || cluster_.master().safe_mode()) return false;
          // Nothing half done: no copy in flight (its version bump is logged
          // before the replicas hear of it), every running chunkserver live.
          if (!cluster_.master().RepairsInFlight().empty()) return false;
          for (int i = 1; i <= cluster_.chunkserver_count(); ++i) {
            const std::string id = SimCluster::ChunkserverId(i);
            const auto* info = cluster_.master().chunkservers().Find(id);
            if (net.IsUp(id) && (info == nullptr || !info->live())) return false;
          }
          // Every acknowledged write's end has reached the master's file size:
          // primaries report lengths after answering, and say a lost report again.
          for (const auto& [path, model] : files_) {
            const auto& tree = cluster_.master().state().tree();
            auto id = tree.Lookup(path);
            const auto* file = id.ok() ? tree.Find(*id) : nullptr;
            if (file != nullptr && file->size < model.min_size) return false;
          }
          bool all = true;
          cluster_.master().state().chunks().ForEach([&](std::uint64_t handle, const auto& info) {
            // Only chunks with a copy somewhere can be repaired; one with none
            // either never held anything acknowledged, or the reads below say so.
            if (all && !info.replicas.empty() &&
                cluster_.LiveReplicaIds(handle).size() < info.replication) {
              all = false;
            }
          });
          return all;
        },
        Millis(300000));
    result_.repair_ms = (net.now() - stopped).count();
    if (!repaired) {
      std::string which;
      cluster_.master().state().chunks().ForEach([&](std::uint64_t handle, const auto& info) {
        const auto live = cluster_.LiveReplicaIds(handle);
        if (info.version <= 1 || live.size() >= info.replication) return;
        if (which.empty()) {
          which += " safe mode " + std::to_string(cluster_.master().safe_mode()) + ", repairs " +
                   std::to_string(cluster_.master().RepairsInFlight().size()) + ";";
          for (const auto& [id, cs] : cluster_.master().chunkservers().all()) {
            which += " " + id + " n" + std::to_string(cs.index) + " state " +
                     std::to_string(static_cast<int>(cs.state)) + " usable " +
                     std::to_string(cs.usable()) + " failed_disks " +
                     std::to_string(cs.load.failed_disks) + " free " + std::to_string(cs.load.free_bytes) + ";";
          }
        }
        which += " chunk " + std::to_string(handle) + " v" + std::to_string(info.version) + ":";
        for (const auto& r : info.replicas) {
          which += " n" + std::to_string(r.node) + "@v" + std::to_string(r.version);
        }
        which += ";";
      });
      Violation("not settled 300s after faults stopped (chunks below their factor, or sizes "
                "behind acknowledged writes):" + which);
    }
  }

  void CheckEverything() {
    for (const auto& [path, model] : files_) {
      auto stat = cluster_.Stat(path);
      if (!stat.ok()) {
        Violation("acknowledged " + path + " cannot be stat'ed: " + stat.status().ToString());
        continue;
      }
      if (stat->info.size < model.min_size) {
        Violation(path + " is " + std::to_string(stat->info.size) +
                  " bytes; acknowledged writes reach " + std::to_string(model.min_size));
      }
      if (!model.bytes.empty()) {
        auto got = cluster_.Read(path, 0, model.bytes.size());
        if (!got.ok()) {
          Violation("final read of " + path + ": " + got.status().ToString());
        } else {
          CompareKnown(path, model, 0, *got);
        }
      }
      if (!model.may_differ) CheckReplicasIdentical(path, *stat);
    }
    for (const auto& append : appends_) CheckAppend(append);
  }

  // The bytes of chunk `handle` on each live replica that reads back verified.
  std::map<std::string, std::string> ReplicaContents(std::uint64_t handle) {
    std::map<std::string, std::string> contents;
    for (const auto& id : cluster_.LiveReplicaIds(handle)) {
      const int i = std::stoi(id.substr(2));
      auto bytes = cluster_.ReplicaBytes(i, handle);
      if (bytes.ok()) contents[id] = std::move(*bytes);  // rot is found, never served
    }
    return contents;
  }

  void CheckReplicasIdentical(const std::string& path, const msg::StatResponse& stat) {
    for (const auto& chunk : stat.chunks) {
      auto contents = ReplicaContents(chunk.handle);
      for (const auto& [id, bytes] : contents) {
        const std::string& first = contents.begin()->second;
        if (bytes != first) {
          std::size_t at = 0;
          while (at < bytes.size() && at < first.size() && bytes[at] == first[at]) ++at;
          Violation("replicas of chunk " + std::to_string(chunk.handle) + " of " + path +
                    " differ (" + contents.begin()->first + " " + std::to_string(first.size()) +
                    " bytes vs " + id + " " + std::to_string(bytes.size()) +
                    " bytes, first at " + std::to_string(at) + ")");
          break;
        }
      }
    }
  }

  void CheckAppend(const AppendModel& append) {
    auto stat = cluster_.Stat(append.path);
    if (!stat.ok()) return;  // a log file is never deleted; a failure here was reported above
    const std::uint64_t index = append.offset / kChunk;
    const std::uint64_t within = append.offset % kChunk;
    if (index >= stat->chunks.size()) {
      Violation("append at " + std::to_string(append.offset) + " of " + append.path +
                " is past the file's chunks");
      return;
    }
    const std::uint64_t handle = stat->chunks[index].handle;
    // A version bump in flight (a lease for another client's append, a repair)
    // leaves no replica current for a moment: wait for it to settle.
    cluster_.net().RunUntil([&] { return !ReplicaContents(handle).empty(); }, Millis(30000));
    const auto replicas = ReplicaContents(handle);
    if (replicas.empty()) {
      std::string held;
      if (const auto* info = cluster_.master().state().chunks().Find(handle)) {
        held = " v" + std::to_string(info->version) + ":";
        for (const auto& r : info->replicas) {
          held += " n" + std::to_string(r.node) + "@v" + std::to_string(r.version);
        }
      }
      Violation("acknowledged append at " + std::to_string(append.offset) + " of " +
                append.path + " has no readable replica (chunk " + std::to_string(handle) +
                held + ")");
      return;
    }
    for (const auto& [id, bytes] : replicas) {
      if (bytes.size() < within + append.data.size() ||
          bytes.compare(within, append.data.size(), append.data) != 0) {
        Violation("acknowledged append at " + std::to_string(append.offset) + " of " +
                  append.path + " is not whole on " + id);
        return;
      }
    }
  }

  SimRunResult Finish() {
    result_.simulated_ms = cluster_.net().now().count();
    return result_;
  }

  SimRunOptions options_;
  std::mt19937_64 rng_;
  SimCluster cluster_;
  SimRunResult result_;
  std::map<std::string, FileModel> files_;
  std::map<std::string, FileModel> trash_;
  std::vector<std::string> logs_;
  std::vector<AppendModel> appends_;
  std::set<std::uint64_t> reported_primaries_;
  std::set<int> down_;
  int partitioned_rounds_ = 0;
  int full_ = 0;
  std::set<std::uint64_t> rotted_;  // chunks with a replica rotted (each at most once)
  int next_name_ = 0;
};

}  // namespace

SimRunResult RunSimulation(std::uint64_t seed, const SimRunOptions& options) {
  Run run(seed, options);
  return run.Go();
}

ScaleResult RunScale(std::uint64_t seed, const ScaleOptions& options) {
  SimClusterOptions cluster_options;
  cluster_options.chunkservers = options.chunkservers;
  cluster_options.clients = options.clients;
  cluster_options.racks = 20;
  SimCluster cluster(seed, cluster_options);
  auto& net = cluster.net();
  ScaleResult result;
  if (!cluster.WaitReady(Millis(120000)) || !cluster.Call(msg::MkdirRequest{"/s", false}).ok()) {
    return result;
  }
  result.ready = true;
  std::vector<std::shared_ptr<std::optional<Status>>> answers;
  // From here on: the steady state, without the registrations.
  net.measure_cost = true;
  const Millis start = net.now();
  const Millis end = start + Millis(1000LL * options.seconds);
  // Every client asks something every 100 ms: creates, then stats of what it made.
  for (int tick = 0; net.now() < end; ++tick) {
    for (int c = 1; c <= options.clients; ++c) {
      const std::string path = "/s/c" + std::to_string(c) + "-" + std::to_string(tick / 2);
      answers.push_back(tick % 2 == 0
                            ? cluster.StartCall(msg::CreateRequest{path, 0, 0, false, false}, c)
                            : cluster.StartCall(msg::StatRequest{path, false}, c));
    }
    net.RunFor(Millis(100));
  }
  net.RunFor(Millis(2000));  // the last ones answered
  for (const auto& answer : answers) result.failed_requests += !answer->has_value() || !(*answer)->ok();
  result.simulated_seconds = static_cast<double>((net.now() - start).count()) / 1000.0;
  const auto it = net.costs().find("master");
  if (it == net.costs().end()) return result;
  const sim::NodeCost& master = it->second;
  result.master_cpu_seconds = std::chrono::duration<double>(master.cpu).count();
  std::chrono::nanoseconds request_cpu{0};
  std::vector<std::pair<double, std::string>> kinds;
  for (const auto& [kind, cost] : master.by_kind) {
    const double us = std::chrono::duration<double, std::micro>(cost.second).count() /
                      static_cast<double>(std::max<std::uint64_t>(1, cost.first));
    kinds.emplace_back(us, msg::KindName(kind) + " (" + std::to_string(cost.first) + ")");
    if (kind == msg::Kind::kHeartbeat) {
      result.heartbeats = cost.first;
      result.master_us_per_heartbeat = us;
    } else if (static_cast<int>(kind) >= 60 && static_cast<int>(kind) < 120) {
      result.requests += cost.first;
      request_cpu += cost.second;
    }
  }
  result.master_us_per_request = std::chrono::duration<double, std::micro>(request_cpu).count() /
                                 static_cast<double>(std::max<std::uint64_t>(1, result.requests));
  std::sort(kinds.rbegin(), kinds.rend());
  for (const auto& [us, name] : kinds) result.us_per_kind.emplace_back(name, us);
  const double timer_us = std::chrono::duration<double, std::micro>(master.timers.second).count();
  result.us_per_kind.emplace_back("timers (" + std::to_string(master.timers.first) + ")",
                                  timer_us / static_cast<double>(std::max<std::uint64_t>(1, master.timers.first)));
  return result;
}

}  // namespace bucket::testing
