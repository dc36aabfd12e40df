#include "client/rpc_actor.h"

namespace bucket::client {

void RpcActor::Start(actors::Context& ctx) { (void)ctx; }

void RpcActor::Call(actors::Context& ctx, const std::string& address, messages::Message request,
                    Payload payload, actors::Millis timeout, ReplyCallback done, int attempts) {
  const std::uint64_t id = next_request_id_++;
  Pending pending{std::move(done), address, {}, {}, timeout, attempts - 1};
  if (attempts > 1) {
    pending.request = request;
    pending.payload = payload;
  }
  pending_.emplace(id, std::move(pending));
  ctx.Request(address, id, std::move(request), std::move(payload));
  ctx.SetTimer(id, timeout);  // timer ids are request ids
}

void RpcActor::Handle(const actors::Inbound& in, actors::Context& ctx) {
  if (in.socket != actors::Socket::kDealer) {
    if (on_unsolicited) on_unsolicited(in, ctx);
    return;
  }
  auto it = pending_.find(in.header.request_id);
  if (it == pending_.end()) return;  // late, after its deadline, or a duplicate
  ReplyCallback done = std::move(it->second.done);
  pending_.erase(it);
  ctx.CancelTimer(in.header.request_id);
  if (const auto* error = std::get_if<messages::ErrorResponse>(&in.message)) {
    done(error->ToStatus(), ctx);
    return;
  }
  done(Reply{in.message, in.payload, in.peer}, ctx);
}

void RpcActor::After(actors::Context& ctx, actors::Millis delay,
                     std::function<void(actors::Context&)> fn) {
  const actors::TimerId id = kAfterTimers | next_after_++;
  afters_.emplace(id, std::move(fn));
  ctx.SetTimer(id, delay);
}

void RpcActor::OnTimer(actors::TimerId id, actors::Context& ctx) {
  if (auto after = afters_.find(id); after != afters_.end()) {
    auto fn = std::move(after->second);
    afters_.erase(after);
    fn(ctx);
    return;
  }
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  if (it->second.attempts_left > 0) {
    --it->second.attempts_left;
    ctx.Request(it->second.address, id, it->second.request, it->second.payload);
    ctx.SetTimer(id, it->second.timeout);
    return;
  }
  ReplyCallback done = std::move(it->second.done);
  const std::string address = it->second.address;
  pending_.erase(it);
  done(Status::Timeout("no reply from " + address), ctx);
}

}  // namespace bucket::client
