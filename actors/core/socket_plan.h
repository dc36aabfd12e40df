// SocketPlan: which sockets a node binds and connects, independent of transport.
//
// The ZeroMQ runtime opens real sockets from it; the simulator uses the same
// strings as addresses of in-process nodes. DEALER and PUSH sockets are not in
// the plan: they are opened on demand, one per address the actor sends to.
#pragma once

#include <string>
#include <vector>

namespace bucket::actors {

struct SocketPlan {
  std::string node_id;                  // sender in headers; routing id of our DEALERs
  std::string router_bind;              // requests (empty: none)
  std::string pull_bind;                // pushed data (empty: none)
  std::string pub_bind;                 // events a subscriber dials (empty: none)
  std::vector<std::string> pub_connect;  // SUB sockets we publish into (heartbeats)
  std::string sub_bind;                 // SUB publishers dial (heartbeats in)
  std::vector<std::string> sub_connect;  // PUBs we subscribe to
  std::vector<std::string> sub_topics;  // prefixes for every SUB; empty: everything
};

}  // namespace bucket::actors
