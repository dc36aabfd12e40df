// ZmqRuntime: runs one actor on real ZeroMQ sockets, a poll loop and real time.
//
// The only code in Bucket that touches ZeroMQ. Each turn of the loop polls the
// sockets of the SocketPlan, the DEALER and PUSH sockets opened on demand (one
// per address), a mailbox for posted calls and finished syncs, and the stop
// signal, with the timeout set to the next timer deadline. Each input is decoded
// and validated (bad input never reaches the actor: it is logged, counted and
// answered with an ErrorResponse when it came in as a request), handed to the
// actor, and the Effects it records are applied: encoded and sent zero-copy,
// timers armed, syncs handed to worker threads.
//
// Sends never block the loop: a DEALER or PUSH at its high-water mark keeps the
// message in a bounded outbox flushed when the socket is writable; a PUB drops
// (that is the point of PUB); a ROUTER send to a missing or full peer is dropped
// and logged, and the requester's deadline covers it.
//
// Threading: Create on any thread, then Run on one thread. Post and Shutdown are
// safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <unordered_map>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <zmq.hpp>

#include "actors/core/actor.h"
#include "actors/core/socket_plan.h"
#include "actors/core/timer_queue.h"
#include "actors/runtime/mailbox.h"
#include "actors/runtime/sync_pool.h"
#include "actors/runtime/zap_handler.h"
#include "config/security_config.h"

namespace bucket::runtime {

struct RuntimeOptions {
  actors::SocketPlan plan;
  std::int64_t max_message_bytes = 80ll << 20;  // ZMQ_MAXMSGSIZE on every receiving socket
  int send_hwm = 1000;                          // messages queued per peer before back-pressure
  int pub_hwm = 1000;  // messages queued per subscriber; beyond it a slow one loses them
  int receive_hwm = 1000;
  std::size_t outbox_bytes_max = 256u << 20;    // per DEALER/PUSH socket beyond the HWM
  int io_threads = 1;
  int sync_threads = 1;
  bool stop_on_signals = true;                  // SIGINT/SIGTERM stop the loop
  std::string connect_source;  // tcp connections go out from this address (empty: any)
  // CurveZMQ: bound sockets are servers that admit only allow-listed keys, each
  // message checked against its sender's role; connecting sockets are clients.
  config::CurveKeys curve;
};

struct RuntimeCounters {
  std::uint64_t received = 0;
  std::uint64_t sent = 0;
  std::uint64_t decode_errors = 0;
  std::uint64_t send_drops = 0;
};

class ZmqRuntime {
 public:
  // Opens and binds or connects every socket of the plan. A busy port or a bad
  // endpoint is an error naming the socket and the endpoint.
  static Result<std::unique_ptr<ZmqRuntime>> Create(RuntimeOptions options,
                                                    std::shared_ptr<spdlog::logger> log);
  ~ZmqRuntime();

  // Runs `actor` until Shutdown, a stop signal, or the actor's ctx.Stop(reason)
  // (then the Status names the reason). REQUIRES: called once, on one thread.
  Status Run(actors::Actor& actor);

  // Runs `fn` on the loop thread as an input, with a Context whose effects are applied.
  void Post(std::function<void(actors::Context&)> fn);
  void Shutdown();

  // What a bound socket is listening on (resolves "tcp://127.0.0.1:*" to the port).
  std::string BoundEndpoint(actors::Socket socket) const;
  // Loop thread only (or after Run returned).
  const RuntimeCounters& counters() const { return counters_; }

 private:
  struct OutSocket {
    zmq::socket_t socket;
    std::deque<std::vector<zmq::message_t>> outbox;
    std::size_t outbox_bytes = 0;
  };

  ZmqRuntime(RuntimeOptions options, std::shared_ptr<spdlog::logger> log);
  Status OpenPlannedSockets();
  void ConfigureCommon(zmq::socket_t& socket) const;
  void ConfigureCurve(zmq::socket_t& socket, bool server) const;
  // True for a socket this node binds (CURVE server), where senders are checked.
  bool Checked(actors::Socket kind) const;
  // With CurveZMQ on, on a checked socket: OK, or why the message is refused
  // (its sender's role may not send this kind; a routing id taken over by
  // another key). Sets `identity` to the sender's public key.
  Status Admit(actors::Socket kind, const std::string& peer, zmq::message_t& last_frame,
               messages::Kind message_kind, std::string* identity);

  actors::Context NewContext() const;
  void Apply(actors::Context& ctx);
  void Send(actors::Outgoing& out);
  OutSocket* OutSocketFor(actors::Socket kind, const std::string& address);
  void Enqueue(OutSocket& out, std::vector<zmq::message_t> frames, const std::string& address);
  void Flush(OutSocket& out);

  void ReceiveFrom(zmq::socket_t& socket, actors::Socket kind, const std::string& peer_hint);
  void Deliver(actors::Socket kind, std::string peer, std::vector<zmq::message_t>& frames);
  void RunPosted();
  void FireTimers();

  RuntimeOptions options_;
  std::shared_ptr<spdlog::logger> log_;
  zmq::context_t context_;
  std::unique_ptr<ZapHandler> zap_;  // before any server socket binds
  std::unique_ptr<zmq::socket_t> router_, pull_, pub_, sub_;
  std::map<std::string, OutSocket> dealers_;
  std::map<std::string, OutSocket> pushes_;
  std::vector<std::map<std::string, OutSocket>::node_type> closing_;
  actors::TimerQueue timers_;
  Mailbox mailbox_;
  std::unique_ptr<SyncPool> syncs_;
  actors::Actor* actor_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::string stop_reason_;
  RuntimeCounters counters_;
  // With CurveZMQ on: which key each routing id on the ROUTER belongs to. A
  // routing id is the sender's choice; the key is not.
  std::unordered_map<std::string, std::string> routing_keys_;
};

}  // namespace bucket::runtime
