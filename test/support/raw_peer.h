// RawPeer: a bare ZeroMQ socket speaking Bucket's wire format to one node, for
// tests that send what no well-behaved client would (malformed bodies, kinds
// the node should refuse, requests under a key without the right).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <zmq.hpp>

#include "config/security_config.h"
#include "messages/codec.h"

namespace bucket::testing {

struct RawReply {
  messages::Header header;
  messages::Message message;
};

class RawPeer {
 public:
  // A DEALER (or, with `type` push, a PUSH) connected to `endpoint`; CURVE as
  // a client when `keys.enabled`; with the given routing id, if any.
  RawPeer(std::string endpoint, const config::CurveKeys& keys = {},
          zmq::socket_type type = zmq::socket_type::dealer, const std::string& routing_id = "");

  // Sends a header of `kind` and `request_id` with `body` as the body frame.
  void SendRaw(messages::Kind kind, std::uint64_t request_id, std::string_view body);
  void Send(std::uint64_t request_id, const messages::Message& message);
  // The next reply within `limit`, decoded; nullopt if none came.
  std::optional<RawReply> Receive(std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Sends a Ping and waits for its Pong: the node is serving.
  bool Serving(std::uint64_t request_id);

 private:
  zmq::context_t context_;
  zmq::socket_t socket_;
};

}  // namespace bucket::testing
