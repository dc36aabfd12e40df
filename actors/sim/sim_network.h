// SimNetwork: many actors in one process on a simulated network and clock.
//
// The same actors that run on ZeroMQ run here, deterministically from a seed:
// every message goes through the real codec (so validation runs as on the wire),
// is delayed by a random amount, and may be dropped, duplicated or reordered;
// links can be cut in partitions; nodes can crash (their timers, unfinished syncs
// and incoming messages vanish) and restart with a new actor. Syncs finish after
// a random delay, and only then is their work run, so a crash before that loses
// exactly what a real crash would (with storage::MemFileSystem::Crash).
//
// Addressing follows the SocketPlan of each node, as ZeroMQ would: a DEALER
// request to an address reaches the node whose router_bind it is; a ROUTER send
// by routing id reaches a node only if that node has a DEALER connected to the
// sender (ROUTER_MANDATORY); PUB reaches SUBs connected either way, by topic.
//
// Not thread-safe; one SimNetwork per test.
#pragma once

#include <cstdint>
#include <functional>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "actors/core/actor.h"
#include "actors/core/socket_plan.h"

namespace bucket::sim {

using actors::Millis;

struct SimFaults {
  double drop_probability = 0;
  double duplicate_probability = 0;
  Millis delay_min{1};
  Millis delay_max{3};
  bool reorder = false;  // false: per-link FIFO, as one TCP connection
  Millis sync_delay_min{0};
  Millis sync_delay_max{2};
};

struct SimStats {
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  std::uint64_t duplicated = 0;
  std::uint64_t undeliverable = 0;  // no such address, or the node is down
  std::uint64_t rejected = 0;       // failed decoding or validation
  std::uint64_t timers_fired = 0;
  std::uint64_t syncs = 0;
};

// CPU time a node's actor spent handling inputs (thread CPU time, real, not
// simulated): how much work one node does per message, e.g. the master per
// heartbeat. Measured only when SimNetwork::measure_cost is set.
struct NodeCost {
  std::uint64_t inputs = 0;
  std::chrono::nanoseconds cpu{0};
  std::map<messages::Kind, std::pair<std::uint64_t, std::chrono::nanoseconds>> by_kind;  // messages
  std::pair<std::uint64_t, std::chrono::nanoseconds> timers{0, 0};
};

class SimNetwork {
 public:
  explicit SimNetwork(std::uint64_t seed, SimFaults faults = {});
  ~SimNetwork();

  // Adds a node and calls its actor's Start at the current time.
  void AddNode(const actors::SocketPlan& plan, std::unique_ptr<actors::Actor> actor);
  // The node stops at once: its timers, unfinished syncs and in-flight inbound
  // messages are lost, and so are its DEALER connections.
  void Crash(const std::string& node_id);
  // Brings a crashed node back with a fresh actor (typically rebuilt from its disk).
  void Restart(const std::string& node_id, std::unique_ptr<actors::Actor> actor);
  bool IsUp(const std::string& node_id) const;
  actors::Actor* ActorOf(const std::string& node_id);

  // Cuts every link between a node of `a` and a node of `b`, both ways.
  void Partition(const std::vector<std::string>& a, const std::vector<std::string>& b);
  void Heal();
  void SetFaults(const SimFaults& faults) { faults_ = faults; }

  // Runs `fn` on node `node_id` as an input at the current time (a local call).
  void Post(const std::string& node_id, std::function<void(actors::Context&)> fn);

  // Handles the next event; false when nothing is left to do.
  bool Step();
  void RunFor(Millis duration);
  // Steps until `done()` holds (true) or `limit` of simulated time passes (false).
  bool RunUntil(const std::function<bool()>& done, Millis limit);

  Millis now() const { return now_; }
  std::int64_t unix_ms() const { return kUnixEpochMs + now_.count(); }
  std::mt19937_64& rng() { return rng_; }
  const SimStats& stats() const { return stats_; }

  // When set, called with one line per handled event: for replay checks and traces.
  std::function<void(const std::string&)> trace;
  bool measure_cost = false;
  const std::map<std::string, NodeCost>& costs() const { return costs_; }

 private:
  static constexpr std::int64_t kUnixEpochMs = 1'700'000'000'000;

  struct Node;
  struct Event;

  void Schedule(Millis at, Event event);
  void Apply(Node& node, actors::Context& ctx);
  void Route(Node& from, actors::Outgoing& out);
  void SendTo(Node& from, Node& to, actors::Socket arrives_on, std::string peer,
              const actors::Outgoing& out);
  Node* FindByAddress(actors::Socket socket, const std::string& address);
  bool LinkCut(const std::string& a, const std::string& b) const;
  Millis DeliveryTime(const std::string& from, const std::string& to);
  void Handle(Event& event);

  SimFaults faults_;
  std::mt19937_64 rng_;
  Millis now_{0};
  std::uint64_t sequence_ = 0;
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  std::map<std::pair<Millis, std::uint64_t>, Event> events_;  // by time, then scheduling order
  std::set<std::pair<std::string, std::string>> cut_;
  std::map<std::pair<std::string, std::string>, Millis> link_last_delivery_;
  SimStats stats_;
  std::map<std::string, NodeCost> costs_;
};

}  // namespace bucket::sim
