// RpcActor: the client's request/response core, as a pure actor.
//
// Call() sends a request over a DEALER with a deadline; the callback gets the
// reply, or a Status: the peer's ErrorResponse, or kTimeout when no reply came
// in time (a reply may simply never come: the peer died, the link dropped it).
// With attempts > 1 a request that timed out is resent with the same request
// id, so the master's retry cache answers a mutation that already succeeded as
// its first try did. A reply that arrives after the last deadline is dropped. Higher-level operations
// (namespace calls, reads, writes) are built from Calls.
//
// Not thread-safe: runs on its runtime's loop; BucketClient posts into it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "actors/core/actor.h"

namespace bucket::client {

struct Reply {
  messages::Message message;
  Payload payload;
  std::string from;  // the address that answered
};

using ReplyCallback = std::function<void(Result<Reply>, actors::Context&)>;

class RpcActor : public actors::Actor {
 public:
  void Start(actors::Context& ctx) override;
  void Handle(const actors::Inbound& in, actors::Context& ctx) override;
  void OnTimer(actors::TimerId id, actors::Context& ctx) override;

  // Sends `request` to the ROUTER at `address`; `done` runs exactly once.
  void Call(actors::Context& ctx, const std::string& address, messages::Message request,
            Payload payload, actors::Millis timeout, ReplyCallback done, int attempts = 1);

  // Runs `fn` on the loop after `delay` (backoff between retries).
  void After(actors::Context& ctx, actors::Millis delay,
             std::function<void(actors::Context&)> fn);

  // Messages that are not replies (published events, pushed data) go here.
  std::function<void(const actors::Inbound&, actors::Context&)> on_unsolicited;

  std::size_t in_flight() const { return pending_.size(); }

 private:
  struct Pending {
    ReplyCallback done;
    std::string address;
    messages::Message request;  // kept for resending
    Payload payload;
    actors::Millis timeout;
    int attempts_left = 0;
  };
  static constexpr actors::TimerId kAfterTimers = actors::TimerId{1} << 62;
  std::uint64_t next_request_id_ = 1;
  std::uint64_t next_after_ = 1;
  std::map<std::uint64_t, Pending> pending_;
  std::map<actors::TimerId, std::function<void(actors::Context&)>> afters_;
};

}  // namespace bucket::client
