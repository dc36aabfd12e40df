#include "actors/sim/sim_network.h"

#include <time.h>

#include <algorithm>

#include "actors/core/check.h"
#include "actors/core/timer_queue.h"
#include "messages/codec.h"

namespace bucket::sim {

namespace {

// This thread's CPU time: what handling one input cost, whatever the machine's load.
std::chrono::nanoseconds ThreadCpuTime() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
}

}  // namespace

using actors::Socket;

struct SimNetwork::Node {
  actors::SocketPlan plan;
  std::unique_ptr<actors::Actor> actor;
  bool up = true;
  std::uint64_t incarnation = 0;
  std::map<actors::TimerId, std::uint64_t> timers;  // armed id -> generation
  std::uint64_t timer_generation = 0;
  std::set<std::string> dealers;  // router addresses this node has dialed
};

struct SimNetwork::Event {
  enum class Type { kDeliver, kTimer, kSyncDone, kPost } type;
  std::string node;
  std::uint64_t incarnation = 0;
  // kDeliver
  actors::Inbound inbound;
  // kTimer
  actors::TimerId timer = 0;
  std::uint64_t generation = 0;
  // kSyncDone
  actors::SyncOp sync;
  // kPost
  std::function<void(actors::Context&)> post;
};

SimNetwork::SimNetwork(std::uint64_t seed, SimFaults faults) : faults_(faults), rng_(seed) {}
SimNetwork::~SimNetwork() = default;

void SimNetwork::AddNode(const actors::SocketPlan& plan, std::unique_ptr<actors::Actor> actor) {
  BUCKET_CHECK(nodes_.count(plan.node_id) == 0);
  auto node = std::make_unique<Node>();
  node->plan = plan;
  node->actor = std::move(actor);
  Node& ref = *node;
  nodes_.emplace(plan.node_id, std::move(node));
  actors::Context ctx(now_, unix_ms());
  ref.actor->Start(ctx);
  Apply(ref, ctx);
}

void SimNetwork::Crash(const std::string& node_id) {
  Node& node = *nodes_.at(node_id);
  node.up = false;
  ++node.incarnation;  // everything scheduled for the old incarnation is void
  node.timers.clear();
  node.dealers.clear();
  node.actor.reset();
  if (trace) trace(std::to_string(now_.count()) + " crash " + node_id);
}

void SimNetwork::Restart(const std::string& node_id, std::unique_ptr<actors::Actor> actor) {
  Node& node = *nodes_.at(node_id);
  BUCKET_CHECK(!node.up);
  node.up = true;
  node.actor = std::move(actor);
  if (trace) trace(std::to_string(now_.count()) + " restart " + node_id);
  actors::Context ctx(now_, unix_ms());
  node.actor->Start(ctx);
  Apply(node, ctx);
}

bool SimNetwork::IsUp(const std::string& node_id) const {
  auto it = nodes_.find(node_id);
  return it != nodes_.end() && it->second->up;
}

actors::Actor* SimNetwork::ActorOf(const std::string& node_id) {
  auto it = nodes_.find(node_id);
  return it == nodes_.end() ? nullptr : it->second->actor.get();
}

void SimNetwork::Partition(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (const auto& x : a) {
    for (const auto& y : b) {
      cut_.insert({x, y});
      cut_.insert({y, x});
    }
  }
}

void SimNetwork::Heal() { cut_.clear(); }

bool SimNetwork::LinkCut(const std::string& a, const std::string& b) const {
  return cut_.count({a, b}) != 0;
}

void SimNetwork::Post(const std::string& node_id, std::function<void(actors::Context&)> fn) {
  Event event;
  event.type = Event::Type::kPost;
  event.node = node_id;
  event.incarnation = nodes_.at(node_id)->incarnation;
  event.post = std::move(fn);
  Schedule(now_, std::move(event));
}

void SimNetwork::Schedule(Millis at, Event event) {
  events_.emplace(std::make_pair(at, sequence_++), std::move(event));
}

Millis SimNetwork::DeliveryTime(const std::string& from, const std::string& to) {
  const auto span = (faults_.delay_max - faults_.delay_min).count();
  Millis at = now_ + faults_.delay_min + Millis(span > 0 ? rng_() % (span + 1) : 0);
  if (!faults_.reorder) {
    Millis& last = link_last_delivery_[{from, to}];
    at = std::max(at, last);
    last = at;
  }
  return at;
}

SimNetwork::Node* SimNetwork::FindByAddress(Socket socket, const std::string& address) {
  for (auto& [id, node] : nodes_) {
    const std::string& bound = socket == Socket::kRouter ? node->plan.router_bind
                                                         : node->plan.pull_bind;
    if (!bound.empty() && bound == address) return node.get();
  }
  return nullptr;
}

void SimNetwork::SendTo(Node& from, Node& to, Socket arrives_on, std::string peer,
                        const actors::Outgoing& out) {
  if (LinkCut(from.plan.node_id, to.plan.node_id)) {
    ++stats_.dropped;
    return;
  }
  std::uniform_real_distribution<double> chance(0.0, 1.0);
  if (chance(rng_) < faults_.drop_probability) {
    ++stats_.dropped;
    return;
  }
  // Through the real codec, so that what arrives is what the wire would carry.
  messages::Header header;
  header.kind = messages::KindOf(out.message);
  header.request_id = out.request_id;
  header.sender = from.plan.node_id;
  messages::EncodedMessage encoded = messages::Encode(header, out.message);
  auto decoded_header = messages::DecodeHeader(encoded.header.data(), encoded.header.size());
  BUCKET_CHECK(decoded_header.ok());
  auto body = messages::DecodeBody(header.kind, encoded.body.data(), encoded.body.size());
  if (!body.ok()) {
    ++stats_.rejected;
    return;
  }
  const int copies = chance(rng_) < faults_.duplicate_probability ? 2 : 1;
  stats_.duplicated += copies - 1;
  for (int i = 0; i < copies; ++i) {
    Event event;
    event.type = Event::Type::kDeliver;
    event.node = to.plan.node_id;
    event.incarnation = to.incarnation;
    event.inbound.socket = arrives_on;
    event.inbound.peer = peer;
    event.inbound.header = *decoded_header;
    event.inbound.message = *body;
    event.inbound.payload = out.payload;
    Schedule(DeliveryTime(from.plan.node_id, to.plan.node_id), std::move(event));
  }
}

void SimNetwork::Route(Node& from, actors::Outgoing& out) {
  switch (out.socket) {
    case Socket::kDealer: {
      from.dealers.insert(out.to);
      Node* to = FindByAddress(Socket::kRouter, out.to);
      if (to == nullptr || !to->up) {
        ++stats_.undeliverable;
        return;
      }
      SendTo(from, *to, Socket::kRouter, from.plan.node_id, out);
      return;
    }
    case Socket::kRouter: {
      auto it = nodes_.find(out.to);
      const bool connected = it != nodes_.end() && it->second->up &&
                             it->second->dealers.count(from.plan.router_bind) != 0;
      if (!connected) {
        ++stats_.undeliverable;
        return;
      }
      SendTo(from, *it->second, Socket::kDealer, from.plan.router_bind, out);
      return;
    }
    case Socket::kPush: {
      Node* to = FindByAddress(Socket::kPull, out.to);
      if (to == nullptr || !to->up) {
        ++stats_.undeliverable;
        return;
      }
      SendTo(from, *to, Socket::kPull, "", out);
      return;
    }
    case Socket::kPub: {
      for (auto& [id, node] : nodes_) {
        if (!node->up || node.get() == &from) continue;
        const auto& subs = node->plan.sub_connect;
        const bool dialed = !from.plan.pub_bind.empty() &&
                            std::find(subs.begin(), subs.end(), from.plan.pub_bind) != subs.end();
        const auto& pubs = from.plan.pub_connect;
        const bool dialed_us = !node->plan.sub_bind.empty() &&
                               std::find(pubs.begin(), pubs.end(), node->plan.sub_bind) !=
                                   pubs.end();
        if (!dialed && !dialed_us) continue;
        const auto& topics = node->plan.sub_topics;
        const bool wanted = topics.empty() ||
                            std::any_of(topics.begin(), topics.end(), [&](const std::string& t) {
                              return out.to.rfind(t, 0) == 0;
                            });
        if (wanted) SendTo(from, *node, Socket::kSub, out.to, out);
      }
      return;
    }
    default:
      BUCKET_CHECK(false && "actors send only on DEALER, ROUTER, PUSH and PUB");
  }
}

void SimNetwork::Apply(Node& node, actors::Context& ctx) {
  actors::Effects effects = ctx.TakeEffects();
  for (const auto& address : effects.disconnects) node.dealers.erase(address);
  for (auto& out : effects.sends) Route(node, out);
  for (const auto& op : effects.timers) {
    if (op.cancel) {
      node.timers.erase(op.id);
      continue;
    }
    const std::uint64_t generation = ++node.timer_generation;
    node.timers[op.id] = generation;
    Event event;
    event.type = Event::Type::kTimer;
    event.node = node.plan.node_id;
    event.incarnation = node.incarnation;
    event.timer = op.id;
    event.generation = generation;
    Schedule(now_ + op.after, std::move(event));
  }
  for (auto& op : effects.syncs) {
    const auto span = (faults_.sync_delay_max - faults_.sync_delay_min).count();
    const Millis at = now_ + faults_.sync_delay_min + Millis(span > 0 ? rng_() % (span + 1) : 0);
    Event event;
    event.type = Event::Type::kSyncDone;
    event.node = node.plan.node_id;
    event.incarnation = node.incarnation;
    event.sync = std::move(op);
    Schedule(at, std::move(event));
  }
  if (effects.stop) {
    if (trace) trace(std::to_string(now_.count()) + " stop " + node.plan.node_id + ": " +
                     effects.stop_reason);
    Crash(node.plan.node_id);
  }
}

void SimNetwork::Handle(Event& event) {
  auto it = nodes_.find(event.node);
  if (it == nodes_.end()) return;
  Node& node = *it->second;
  if (!node.up || node.incarnation != event.incarnation) {
    if (event.type == Event::Type::kDeliver) ++stats_.undeliverable;
    return;
  }
  actors::Context ctx(now_, unix_ms());
  const std::chrono::nanoseconds cpu_before = measure_cost ? ThreadCpuTime() : std::chrono::nanoseconds{0};
  switch (event.type) {
    case Event::Type::kDeliver:
      ++stats_.delivered;
      if (trace) {
        trace(std::to_string(now_.count()) + " " + event.node + " <- " +
              event.inbound.header.sender + " " + messages::KindName(event.inbound.header.kind) +
              " #" + std::to_string(event.inbound.header.request_id));
      }
      node.actor->Handle(event.inbound, ctx);
      break;
    case Event::Type::kTimer: {
      auto armed = node.timers.find(event.timer);
      if (armed == node.timers.end() || armed->second != event.generation) return;
      node.timers.erase(armed);
      ++stats_.timers_fired;
      if (trace) {
        trace(std::to_string(now_.count()) + " " + event.node + " timer " +
              std::to_string(event.timer));
      }
      node.actor->OnTimer(event.timer, ctx);
      break;
    }
    case Event::Type::kSyncDone: {
      ++stats_.syncs;
      Status status = event.sync.work ? event.sync.work() : Status::Ok();
      if (trace) {
        trace(std::to_string(now_.count()) + " " + event.node + " sync " +
              std::to_string(event.sync.id) + " " + status.ToString());
      }
      node.actor->OnSyncDone(event.sync.id, status, ctx);
      break;
    }
    case Event::Type::kPost:
      event.post(ctx);
      break;
  }
  if (measure_cost) {
    const std::chrono::nanoseconds spent = ThreadCpuTime() - cpu_before;
    NodeCost& cost = costs_[event.node];
    ++cost.inputs;
    cost.cpu += spent;
    if (event.type == Event::Type::kDeliver) {
      auto& kind = cost.by_kind[event.inbound.header.kind];
      ++kind.first;
      kind.second += spent;
    } else if (event.type == Event::Type::kTimer) {
      ++cost.timers.first;
      cost.timers.second += spent;
    }
  }
  Apply(node, ctx);
}

bool SimNetwork::Step() {
  if (events_.empty()) return false;
  auto first = events_.begin();
  now_ = std::max(now_, first->first.first);
  Event event = std::move(first->second);
  events_.erase(first);
  Handle(event);
  return true;
}

void SimNetwork::RunFor(Millis duration) {
  const Millis end = now_ + duration;
  while (!events_.empty() && events_.begin()->first.first <= end) Step();
  now_ = std::max(now_, end);
}

bool SimNetwork::RunUntil(const std::function<bool()>& done, Millis limit) {
  const Millis end = now_ + limit;
  while (!done()) {
    if (events_.empty() || events_.begin()->first.first > end) {
      now_ = std::max(now_, end);
      return done();
    }
    Step();
  }
  return true;
}

}  // namespace bucket::sim
