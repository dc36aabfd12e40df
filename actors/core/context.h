// Context: how an actor sees the world during one input, and how it acts on it.
//
// An actor never touches a socket, a clock, a thread or a sync call. For each
// input (a message, a timer, a finished sync, a local call) the runtime gives it a
// Context holding the current time; everything the actor wants done (send, reply,
// publish, arm or cancel a timer, make data durable, stop) is recorded as Effects,
// which the runtime applies after the handler returns. The ZeroMQ runtime and the
// simulator apply the same Effects, so every rule is testable on a fake network.
//
// Not thread-safe: a Context belongs to the one input being handled.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "messages/header.h"
#include "messages/message.h"
#include "messages/payload.h"
#include "messages/status.h"

namespace bucket::actors {

using Millis = std::chrono::milliseconds;  // monotonic time since an arbitrary epoch
using TimerId = std::uint64_t;
using SyncId = std::uint64_t;

// Work that makes data durable (fsync, fdatasync, a rename and a directory sync).
// The runtime runs it off the actor's loop and reports its Status as an input.
// It must touch only what it captured and must be safe to run on another thread.
using SyncWork = std::function<Status()>;

// The sockets an actor can be reached on or can send through.
enum class Socket : std::uint8_t {
  kRouter,  // inbound requests (peer = routing id); outbound to a peer by routing id
  kDealer,  // outbound requests to an address; inbound replies and commands from it
  kPull,    // inbound pushed data
  kPush,    // outbound pushed data to an address (one socket per address)
  kSub,     // inbound published messages (peer = topic)
  kPub,     // outbound published messages (to = topic)
};

struct Inbound {
  Socket socket = Socket::kRouter;
  std::string peer;  // routing id (kRouter), dialed address (kDealer), topic (kSub)
  // With CurveZMQ on, on a socket this node binds: the sender's public key
  // (Z85), as the ZAP handler vouched for it. Empty otherwise.
  std::string identity;
  messages::Header header;
  messages::Message message;
  Payload payload;  // the bulk frame, if the message carried one
};

struct Outgoing {
  Socket socket = Socket::kDealer;
  std::string to;  // routing id (kRouter), address (kDealer, kPush) or topic (kPub)
  std::uint64_t request_id = 0;
  messages::Message message;
  Payload payload;
};

struct TimerOp {
  TimerId id = 0;
  Millis after{0};
  bool cancel = false;
};

struct SyncOp {
  SyncId id = 0;
  SyncWork work;
};

struct Effects {
  std::vector<Outgoing> sends;
  std::vector<TimerOp> timers;  // applied in order: a set after a cancel re-arms
  std::vector<SyncOp> syncs;
  std::vector<std::string> disconnects;  // addresses whose DEALER/PUSH to drop, queue and all
  bool stop = false;
  std::string stop_reason;
};

class Context {
 public:
  Context(Millis now, std::int64_t unix_ms) : now_(now), unix_ms_(unix_ms) {}

  // Monotonic time, for timeouts and ages.
  Millis now() const { return now_; }
  // Wall-clock time in milliseconds since 1970, for what people read (mtime, events).
  std::int64_t unix_ms() const { return unix_ms_; }

  // A request to the ROUTER at `address`, over this node's DEALER to it.
  void Request(std::string address, std::uint64_t request_id, messages::Message message,
               Payload payload = {}) {
    effects_.sends.push_back(
        {Socket::kDealer, std::move(address), request_id, std::move(message), std::move(payload)});
  }
  // The reply to `in`, on the socket and to the peer it came from, with its request id.
  void Reply(const Inbound& in, messages::Message message, Payload payload = {}) {
    const Socket socket = in.socket == Socket::kRouter ? Socket::kRouter : Socket::kDealer;
    effects_.sends.push_back(
        {socket, in.peer, in.header.request_id, std::move(message), std::move(payload)});
  }
  // A message to a peer connected to this node's ROUTER, by its routing id.
  void SendToPeer(std::string routing_id, std::uint64_t request_id, messages::Message message,
                  Payload payload = {}) {
    effects_.sends.push_back({Socket::kRouter, std::move(routing_id), request_id,
                              std::move(message), std::move(payload)});
  }
  // Data pushed to the PULL at `address`.
  void Push(std::string address, messages::Message message, Payload payload = {}) {
    effects_.sends.push_back(
        {Socket::kPush, std::move(address), 0, std::move(message), std::move(payload)});
  }
  // A message on this node's PUB under `topic`; `sequence` lets subscribers spot gaps.
  void Publish(std::string topic, std::uint64_t sequence, messages::Message message) {
    effects_.sends.push_back(
        {Socket::kPub, std::move(topic), sequence, std::move(message), Payload{}});
  }

  // Arms timer `id` to fire once after `after`; arming an armed id re-arms it.
  void SetTimer(TimerId id, Millis after) { effects_.timers.push_back({id, after, false}); }
  void CancelTimer(TimerId id) { effects_.timers.push_back({id, Millis{0}, true}); }

  // Asks the runtime to run `work` off the loop; OnSyncDone(id, status) follows.
  void RequestSync(SyncId id, SyncWork work) {
    effects_.syncs.push_back({id, std::move(work)});
  }

  // Drops this node's DEALER and PUSH connections to `address` with whatever is queued
  // on them (a peer declared dead must not get stale requests when it returns).
  void Disconnect(std::string address) { effects_.disconnects.push_back(std::move(address)); }

  // Asks the runtime to stop the node (a fatal condition such as a failed fsync).
  void Stop(std::string reason) {
    effects_.stop = true;
    effects_.stop_reason = std::move(reason);
  }

  Effects& effects() { return effects_; }
  Effects TakeEffects() { return std::exchange(effects_, Effects{}); }

 private:
  Millis now_;
  std::int64_t unix_ms_;
  Effects effects_;
};

}  // namespace bucket::actors
