#include "client/rpc_actor.h"

namespace bucket::client {

void RpcActor::Start(actors::Context& ctx) { (void)ctx; }

void RpcActor::Call(actors::Context& ctx, const std::string& address, messages::Message request,
                    Payload payload, actors::Millis timeout, ReplyCallback done) {
  const std::uint64_t id = next_request_id_++;
  pending_.emplace(id, Pending{std::move(done), address});
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

void RpcActor::OnTimer(actors::TimerId id, actors::Context& ctx) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  ReplyCallback done = std::move(it->second.done);
  const std::string address = it->second.address;
  pending_.erase(it);
  done(Status::Timeout("no reply from " + address), ctx);
}

}  // namespace bucket::client
