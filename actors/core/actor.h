// Actor: a state machine that takes one input at a time.
//
// The runtime (ZeroMQ or simulated) calls exactly one of these at a time, from
// one thread, and applies the Effects recorded in the Context afterwards. An actor
// must not block, sleep, read a clock, open a socket or start a thread.
#pragma once

#include "actors/core/context.h"

namespace bucket::actors {

class Actor {
 public:
  virtual ~Actor() = default;

  // Called once before any other input: arm the first timers, send the first requests.
  virtual void Start(Context& ctx) = 0;
  // A decoded, validated message from a peer.
  virtual void Handle(const Inbound& in, Context& ctx) = 0;
  // Timer `id`, armed earlier through ctx.SetTimer, has fired.
  virtual void OnTimer(TimerId id, Context& ctx) = 0;
  // The work of RequestSync(id, ...) has finished with `status`.
  virtual void OnSyncDone(SyncId id, const Status& status, Context& ctx) {
    (void)id;
    (void)status;
    (void)ctx;
  }
};

}  // namespace bucket::actors
