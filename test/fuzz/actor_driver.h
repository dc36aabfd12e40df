// ActorDriver: plays one fuzz input into an actor as a run of inputs the
// runtime could deliver: messages of any kind on any socket from any peer,
// timers it armed firing, the clock moving, durable work finishing.
//
// The input is a sequence of records; the first byte of each picks what happens:
//   0 message   kind index, socket, peer, request id (1 byte each), body length
//               (2 bytes), body, payload length (2 bytes), payload. The body is
//               decoded as the runtime does; an undecodable one is dropped there.
//   1 timer     one byte picks an armed timer, which fires.
//   2 clock     two bytes of milliseconds (x10) pass.
//   3 syncs     every requested SyncWork runs, then OnSyncDone for each.
// The runtime's per-role rights check is skipped on purpose: the actor itself
// must survive any message on any socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <set>

#include "actors/core/actor.h"

namespace bucket::fuzz {

class ActorDriver {
 public:
  explicit ActorDriver(actors::Actor& actor) : actor_(actor) {}

  // Starts the actor, then plays `data`. Returns when the input ends or the
  // actor asks to stop.
  void Run(const std::uint8_t* data, std::size_t size);

  // One record of each kind per message, as a seed for the corpus: `body` is an
  // encoded message of kind index `kind_index`.
  static std::string MessageRecord(std::uint8_t kind_index, std::uint8_t socket,
                                   std::uint8_t peer, std::string_view body);

 private:
  void Apply(actors::Context& ctx);
  actors::Context NewContext() const;

  actors::Actor& actor_;
  actors::Millis now_{1000};
  std::set<actors::TimerId> armed_;
  std::deque<actors::SyncOp> syncs_;
  bool stopped_ = false;
};

}  // namespace bucket::fuzz
