#include "test/support/raw_peer.h"

namespace bucket::testing {

RawPeer::RawPeer(std::string endpoint, const config::CurveKeys& keys, zmq::socket_type type,
                 const std::string& routing_id)
    : socket_(context_, type) {
  socket_.set(zmq::sockopt::linger, 0);
  if (!routing_id.empty()) socket_.set(zmq::sockopt::routing_id, routing_id);
  if (keys.enabled) {
    socket_.set(zmq::sockopt::curve_serverkey, keys.server_public);
    socket_.set(zmq::sockopt::curve_publickey, keys.public_key);
    socket_.set(zmq::sockopt::curve_secretkey, keys.secret_key);
  }
  socket_.connect(endpoint);
}

void RawPeer::SendRaw(messages::Kind kind, std::uint64_t request_id, std::string_view body) {
  messages::Header header;
  header.kind = kind;
  header.request_id = request_id;
  header.sender = "raw-peer";
  const Payload encoded = messages::EncodeHeader(header);
  socket_.send(zmq::buffer(encoded.view()), zmq::send_flags::sndmore);
  socket_.send(zmq::buffer(body));
}

void RawPeer::Send(std::uint64_t request_id, const messages::Message& message) {
  SendRaw(messages::KindOf(message), request_id, messages::EncodeBody(message).view());
}

std::optional<RawReply> RawPeer::Receive(std::chrono::milliseconds limit) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, limit) == 0) return std::nullopt;
  zmq::message_t header, body;
  if (!socket_.recv(header) || !header.more() || !socket_.recv(body)) return std::nullopt;
  while (body.more()) {  // a bulk payload frame, not needed here
    zmq::message_t rest;
    if (!socket_.recv(rest)) break;
    if (!rest.more()) break;
  }
  auto h = messages::DecodeHeader(header.data(), header.size());
  if (!h.ok()) return std::nullopt;
  auto m = messages::DecodeBody(h->kind, body.data(), body.size());
  if (!m.ok()) return std::nullopt;
  return RawReply{*h, std::move(*m)};
}

bool RawPeer::Serving(std::uint64_t request_id) {
  Send(request_id, messages::Ping{request_id});
  for (int i = 0; i < 100; ++i) {  // skip late answers to earlier requests
    auto reply = Receive();
    if (!reply) return false;
    if (reply->header.request_id == request_id &&
        std::holds_alternative<messages::Pong>(reply->message)) {
      return true;
    }
  }
  return false;
}

}  // namespace bucket::testing
