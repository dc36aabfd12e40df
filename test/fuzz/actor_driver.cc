#include "test/fuzz/actor_driver.h"

#include <array>
#include <iterator>
#include <string>
#include <variant>

#include "messages/codec.h"

namespace bucket::fuzz {
namespace {

// Who a message may claim to come from: clients, chunkservers and the master,
// by routing id, dialed address or topic.
constexpr std::array<const char*, 8> kPeers = {
    "client-1",          "cs1", "cs2", "cs3", "inproc://master/rpc", "inproc://cs1/rpc",
    "inproc://cs2/data", "state"};

constexpr std::array<actors::Socket, 4> kInboundSockets = {
    actors::Socket::kRouter, actors::Socket::kDealer, actors::Socket::kPull,
    actors::Socket::kSub};

// Reads fixed-size fields off the front of the input; past the end, zeros.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool done() const { return offset_ >= size_; }
  std::uint8_t Byte() { return offset_ < size_ ? data_[offset_++] : 0; }
  std::uint16_t Short() {
    const std::uint16_t low = Byte();
    return static_cast<std::uint16_t>(low | (Byte() << 8));
  }
  std::string_view Bytes(std::size_t n) {
    n = std::min(n, size_ - std::min(offset_, size_));
    std::string_view out(reinterpret_cast<const char*>(data_) + offset_, n);
    offset_ += n;
    return out;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
};

// Every message kind, in the variant's order.
template <std::size_t... I>
constexpr std::array<messages::Kind, sizeof...(I)> KindsOf(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, messages::Message>::kKind...};
}
constexpr auto kKinds =
    KindsOf(std::make_index_sequence<std::variant_size_v<messages::Message>>());

}  // namespace

actors::Context ActorDriver::NewContext() const {
  return actors::Context(now_, 1'700'000'000'000 + now_.count());
}

void ActorDriver::Apply(actors::Context& ctx) {
  actors::Effects effects = ctx.TakeEffects();
  for (const actors::Outgoing& out : effects.sends) {
    // What the actor sends must encode (the runtime would do it next).
    (void)messages::EncodeBody(out.message);
  }
  for (const actors::TimerOp& op : effects.timers) {
    if (op.cancel) {
      armed_.erase(op.id);
    } else {
      armed_.insert(op.id);
    }
  }
  for (actors::SyncOp& sync : effects.syncs) syncs_.push_back(std::move(sync));
  if (effects.stop) stopped_ = true;
}

void ActorDriver::Run(const std::uint8_t* data, std::size_t size) {
  {
    actors::Context ctx = NewContext();
    actor_.Start(ctx);
    Apply(ctx);
  }
  Reader in(data, size);
  while (!in.done() && !stopped_) {
    actors::Context ctx = NewContext();
    switch (in.Byte() % 4) {
      case 0: {
        actors::Inbound inbound;
        inbound.header.kind = kKinds[in.Byte() % kKinds.size()];
        inbound.socket = kInboundSockets[in.Byte() % kInboundSockets.size()];
        inbound.peer = kPeers[in.Byte() % kPeers.size()];
        inbound.header.request_id = in.Byte();
        inbound.header.sender = inbound.peer;
        const std::string_view body = in.Bytes(in.Short());
        const std::string_view payload = in.Bytes(in.Short());
        auto decoded = messages::DecodeBody(inbound.header.kind, body.data(), body.size());
        if (!decoded.ok()) continue;  // the runtime drops it before the actor sees it
        inbound.message = std::move(*decoded);
        if (!payload.empty()) inbound.payload = Payload::Copy(payload.data(), payload.size());
        actor_.Handle(inbound, ctx);
        break;
      }
      case 1: {
        if (armed_.empty()) continue;
        auto it = armed_.begin();
        std::advance(it, in.Byte() % armed_.size());
        const actors::TimerId id = *it;
        armed_.erase(it);
        actor_.OnTimer(id, ctx);
        break;
      }
      case 2:
        now_ += actors::Millis(in.Short() * 10);
        continue;
      case 3: {
        std::deque<actors::SyncOp> done = std::move(syncs_);
        syncs_.clear();
        for (actors::SyncOp& sync : done) {
          const Status status = sync.work();
          actors::Context sync_ctx = NewContext();
          actor_.OnSyncDone(sync.id, status, sync_ctx);
          Apply(sync_ctx);
          if (stopped_) return;
        }
        continue;
      }
    }
    Apply(ctx);
  }
}

std::string ActorDriver::MessageRecord(std::uint8_t kind_index, std::uint8_t socket,
                                       std::uint8_t peer, std::string_view body) {
  std::string record;
  record.push_back(0);
  record.push_back(static_cast<char>(kind_index));
  record.push_back(static_cast<char>(socket));
  record.push_back(static_cast<char>(peer));
  record.push_back(7);  // request id
  record.push_back(static_cast<char>(body.size() & 0xff));
  record.push_back(static_cast<char>(body.size() >> 8));
  record.append(body);
  record.push_back(0);  // no payload
  record.push_back(0);
  return record;
}

}  // namespace bucket::fuzz
