#include "actors/runtime/zmq_runtime.h"

#include <chrono>

#include "actors/runtime/signals.h"
#include "messages/codec.h"
#include "messages/rights.h"

namespace bucket::runtime {
namespace {

// The role the authentication handler gave the sender (nullptr: none). Not
// cppzmq's gets(), which throws when the property is missing.
const char* UserIdOf(zmq::message_t& frame) { return zmq_msg_gets(frame.handle(), "User-Id"); }

using actors::Socket;

constexpr std::size_t kFramesMax = 4;          // header, body, payload (+ topic or routing id)
constexpr int kReceiveBatchMax = 64;           // per socket per turn, for fairness

actors::Millis MonotonicNow() {
  return std::chrono::duration_cast<actors::Millis>(
      std::chrono::steady_clock::now().time_since_epoch());
}

std::int64_t UnixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Hands a Payload to ZeroMQ without copying: the frame holds a reference to the
// Payload's owner until ZeroMQ is done with it (possibly on its I/O thread).
zmq::message_t FrameOf(const Payload& payload) {
  if (payload.empty()) return zmq::message_t();
  auto* hint = new std::shared_ptr<const void>(payload.owner());
  return zmq::message_t(
      const_cast<std::uint8_t*>(payload.data()), payload.size(),
      [](void*, void* h) { delete static_cast<std::shared_ptr<const void>*>(h); }, hint);
}

// "tcp://host:port" dialed from `source`: ZeroMQ's "tcp://source:0;host:port".
std::string FromSource(const std::string& endpoint, const std::string& source) {
  if (source.empty() || endpoint.rfind("tcp://", 0) != 0) return endpoint;
  return "tcp://" + source + ":0;" + endpoint.substr(6);
}

Payload PayloadOf(zmq::message_t&& frame) {
  auto owner = std::make_shared<zmq::message_t>(std::move(frame));
  const auto* data = static_cast<const std::uint8_t*>(owner->data());
  const std::size_t size = owner->size();
  return Payload::Wrap(std::move(owner), data, size);
}

const char* SocketName(Socket socket) {
  switch (socket) {
    case Socket::kRouter: return "rpc ROUTER";
    case Socket::kDealer: return "DEALER";
    case Socket::kPull: return "data PULL";
    case Socket::kPush: return "PUSH";
    case Socket::kSub: return "SUB";
    case Socket::kPub: return "PUB";
  }
  return "socket";
}

}  // namespace

Result<std::unique_ptr<ZmqRuntime>> ZmqRuntime::Create(RuntimeOptions options,
                                                       std::shared_ptr<spdlog::logger> log) {
  std::unique_ptr<ZmqRuntime> runtime(new ZmqRuntime(std::move(options), std::move(log)));
  if (runtime->options_.curve.enabled) {
    const auto& keys = runtime->options_.curve;
    auto zap = ZapHandler::Start(runtime->context_, keys.allowed, keys.names,
                                 runtime->options_.plan.node_id, runtime->log_);
    if (!zap.ok()) return zap.status();
    runtime->zap_ = std::move(*zap);
  }
  BUCKET_RETURN_IF_ERROR(runtime->OpenPlannedSockets());
  return runtime;
}

ZmqRuntime::ZmqRuntime(RuntimeOptions options, std::shared_ptr<spdlog::logger> log)
    : options_(std::move(options)), log_(std::move(log)), context_(options_.io_threads) {
  context_.set(zmq::ctxopt::blocky, 0);  // sockets close with linger 0 unless told otherwise
  syncs_ = std::make_unique<SyncPool>(options_.sync_threads, [this](actors::SyncId id, Status s) {
    mailbox_.Post([this, id, s = std::move(s)] {
      actors::Context ctx = NewContext();
      actor_->OnSyncDone(id, s, ctx);
      Apply(ctx);
    });
  });
}

ZmqRuntime::~ZmqRuntime() {
  syncs_.reset();  // join the workers before the sockets and mailbox go
  dealers_.clear();
  pushes_.clear();
  router_.reset();
  pull_.reset();
  pub_.reset();
  sub_.reset();
}

void ZmqRuntime::ConfigureCommon(zmq::socket_t& socket) const {
  socket.set(zmq::sockopt::linger, 0);
  socket.set(zmq::sockopt::maxmsgsize, options_.max_message_bytes);
  socket.set(zmq::sockopt::sndhwm, options_.send_hwm);
  socket.set(zmq::sockopt::rcvhwm, options_.receive_hwm);
}

void ZmqRuntime::ConfigureCurve(zmq::socket_t& socket, bool server) const {
  const config::CurveKeys& keys = options_.curve;
  if (!keys.enabled) return;
  if (server) {
    socket.set(zmq::sockopt::curve_server, 1);
    socket.set(zmq::sockopt::curve_secretkey, keys.server_secret);
    socket.set(zmq::sockopt::zap_domain, "bucket");
  } else {
    socket.set(zmq::sockopt::curve_serverkey, keys.server_public);
    socket.set(zmq::sockopt::curve_publickey, keys.public_key);
    socket.set(zmq::sockopt::curve_secretkey, keys.secret_key);
  }
}

bool ZmqRuntime::Checked(Socket kind) const {
  const actors::SocketPlan& plan = options_.plan;
  return options_.curve.enabled &&
         ((kind == Socket::kRouter && !plan.router_bind.empty()) ||
          (kind == Socket::kPull && !plan.pull_bind.empty()) ||
          (kind == Socket::kSub && !plan.sub_bind.empty()));
}

Status ZmqRuntime::Admit(Socket kind, const std::string& peer, zmq::message_t& last_frame,
                         messages::Kind message_kind, std::string* identity) {
  if (!Checked(kind)) return Status::Ok();  // no CURVE, or answers on our own client sockets
  // The ZAP handler's User-Id: "<role> <public key>".
  const char* user = UserIdOf(last_frame);
  const std::string_view vouched = user == nullptr ? "" : user;
  const std::size_t space = vouched.find(' ');
  const std::string_view role_name = vouched.substr(0, space);
  const auto role = messages::ParseRole(role_name);
  if (!role || !messages::Allows(*role, message_kind)) {
    return Status::PermissionDenied("a key with role '" + std::string(role_name) +
                                    "' may not send " + messages::KindName(message_kind));
  }
  *identity = space == std::string_view::npos ? "" : std::string(vouched.substr(space + 1));
  if (kind == Socket::kRouter) {
    constexpr std::size_t kRoutingIdsMax = 1 << 16;
    if (routing_keys_.size() >= kRoutingIdsMax) routing_keys_.erase(routing_keys_.begin());
    const auto [owner, fresh] = routing_keys_.try_emplace(peer, *identity);
    if (!fresh && owner->second != *identity) {
      return Status::PermissionDenied("routing id '" + peer + "' belongs to another key");
    }
  }
  return Status::Ok();
}

Status ZmqRuntime::OpenPlannedSockets() {
  const actors::SocketPlan& plan = options_.plan;
  auto open = [&](std::unique_ptr<zmq::socket_t>& slot, zmq::socket_type type, Socket kind,
                  const std::string& bind, const std::vector<std::string>& connects) -> Status {
    if (bind.empty() && connects.empty()) return Status::Ok();
    slot = std::make_unique<zmq::socket_t>(context_, type);
    ConfigureCommon(*slot);
    ConfigureCurve(*slot, /*server=*/!bind.empty());
    if (type == zmq::socket_type::router) {
      slot->set(zmq::sockopt::router_mandatory, 1);
      slot->set(zmq::sockopt::router_handover, 1);
    }
    if (type == zmq::socket_type::pub) slot->set(zmq::sockopt::sndhwm, options_.pub_hwm);
    if (type == zmq::socket_type::sub) {
      if (plan.sub_topics.empty()) slot->set(zmq::sockopt::subscribe, "");
      for (const auto& topic : plan.sub_topics) slot->set(zmq::sockopt::subscribe, topic);
    }
    if (!bind.empty()) {
      try {
        slot->bind(bind);
      } catch (const zmq::error_t& e) {
        return Status::Unavailable(std::string("cannot bind ") + SocketName(kind) + " to " +
                                   bind + ": " + e.what());
      }
    }
    for (const auto& endpoint : connects) {
      try {
        slot->connect(FromSource(endpoint, options_.connect_source));
      } catch (const zmq::error_t& e) {
        return Status::InvalidArgument(std::string("cannot connect ") + SocketName(kind) +
                                       " to " + endpoint + ": " + e.what());
      }
    }
    return Status::Ok();
  };
  BUCKET_RETURN_IF_ERROR(open(router_, zmq::socket_type::router, Socket::kRouter,
                              plan.router_bind, {}));
  BUCKET_RETURN_IF_ERROR(open(pull_, zmq::socket_type::pull, Socket::kPull, plan.pull_bind, {}));
  BUCKET_RETURN_IF_ERROR(
      open(pub_, zmq::socket_type::pub, Socket::kPub, plan.pub_bind, plan.pub_connect));
  return open(sub_, zmq::socket_type::sub, Socket::kSub, plan.sub_bind, plan.sub_connect);
}

std::string ZmqRuntime::BoundEndpoint(Socket socket) const {
  const zmq::socket_t* s = nullptr;
  switch (socket) {
    case Socket::kRouter: s = router_.get(); break;
    case Socket::kPull: s = pull_.get(); break;
    case Socket::kPub: s = pub_.get(); break;
    case Socket::kSub: s = sub_.get(); break;
    default: break;
  }
  if (s == nullptr) return "";
  return s->get(zmq::sockopt::last_endpoint);
}

actors::Context ZmqRuntime::NewContext() const {
  return actors::Context(MonotonicNow(), UnixNowMs());
}

void ZmqRuntime::Post(std::function<void(actors::Context&)> fn) {
  mailbox_.Post([this, fn = std::move(fn)] {
    actors::Context ctx = NewContext();
    fn(ctx);
    Apply(ctx);
  });
}

void ZmqRuntime::Shutdown() {
  stopping_.store(true);
  mailbox_.Post([] {});  // wakes the poll
}

Status ZmqRuntime::Run(actors::Actor& actor) {
  actor_ = &actor;
  {
    actors::Context ctx = NewContext();
    actor.Start(ctx);
    Apply(ctx);
  }
  const int signal_fd = options_.stop_on_signals ? StopSignalFd() : -1;
  enum class Source : std::uint8_t { kMailbox, kSignal, kSocket };
  struct Polled {
    Source source;
    Socket kind;
    std::string peer;  // the address, for DEALER and PUSH sockets
  };
  std::vector<zmq_pollitem_t> items;
  std::vector<Polled> polled;  // what each item is
  while (!stopping_.load()) {
    items.clear();
    polled.clear();
    items.push_back({nullptr, mailbox_.fd(), ZMQ_POLLIN, 0});
    polled.push_back({Source::kMailbox, Socket::kPub, ""});
    if (signal_fd >= 0) {
      items.push_back({nullptr, signal_fd, ZMQ_POLLIN, 0});
      polled.push_back({Source::kSignal, Socket::kPub, ""});
    }
    auto add = [&](zmq::socket_t* s, Socket kind, std::string peer, short events) {
      items.push_back({s->handle(), 0, events, 0});
      polled.push_back({Source::kSocket, kind, std::move(peer)});
    };
    if (router_) add(router_.get(), Socket::kRouter, "", ZMQ_POLLIN);
    if (pull_) add(pull_.get(), Socket::kPull, "", ZMQ_POLLIN);
    if (sub_) add(sub_.get(), Socket::kSub, "", ZMQ_POLLIN);
    for (auto& [address, out] : dealers_) {
      add(&out.socket, Socket::kDealer, address,
          static_cast<short>(ZMQ_POLLIN | (out.outbox.empty() ? 0 : ZMQ_POLLOUT)));
    }
    for (auto& [address, out] : pushes_) {
      if (!out.outbox.empty()) add(&out.socket, Socket::kPush, address, ZMQ_POLLOUT);
    }

    long timeout_ms = -1;
    if (auto deadline = timers_.NextDeadline()) {
      timeout_ms = std::max<long>(0, (*deadline - MonotonicNow()).count());
    }
    if (zmq_poll(items.data(), static_cast<int>(items.size()), timeout_ms) < 0) {
      if (zmq_errno() == EINTR) continue;
      return Status::Internal(std::string("zmq_poll failed: ") + zmq_strerror(zmq_errno()));
    }
    // Handlers may open or close DEALER and PUSH sockets, so sockets are looked up
    // again by address rather than through the poll items.
    for (std::size_t i = 0; i < items.size() && !stopping_.load(); ++i) {
      if (items[i].revents == 0) continue;
      const Polled& what = polled[i];
      if (what.source == Source::kSignal) {
        log_->info("{} stop signal received, shutting down", options_.plan.node_id);
        stopping_.store(true);
      } else if (what.source == Source::kMailbox) {
        RunPosted();
      } else if (what.kind == Socket::kPush) {
        auto it = pushes_.find(what.peer);
        if (it != pushes_.end()) Flush(it->second);
      } else if (what.kind == Socket::kDealer) {
        auto it = dealers_.find(what.peer);
        if (it == dealers_.end()) continue;
        if (items[i].revents & ZMQ_POLLOUT) Flush(it->second);
        if (items[i].revents & ZMQ_POLLIN) ReceiveFrom(it->second.socket, what.kind, what.peer);
      } else {
        zmq::socket_t* s = what.kind == Socket::kRouter ? router_.get()
                           : what.kind == Socket::kPull ? pull_.get()
                                                        : sub_.get();
        ReceiveFrom(*s, what.kind, "");
      }
    }
    if (!stopping_.load()) FireTimers();
    closing_.clear();
  }
  actor_ = nullptr;
  if (!stop_reason_.empty()) return Status::Internal(stop_reason_);
  return Status::Ok();
}

void ZmqRuntime::RunPosted() {
  for (auto& fn : mailbox_.Drain()) {
    if (stopping_.load()) return;
    fn();
  }
}

void ZmqRuntime::FireTimers() {
  for (actors::TimerId id : timers_.PopExpired(MonotonicNow())) {
    actors::Context ctx = NewContext();
    actor_->OnTimer(id, ctx);
    Apply(ctx);
    if (stopping_.load()) return;
  }
}

void ZmqRuntime::ReceiveFrom(zmq::socket_t& socket, Socket kind, const std::string& peer_hint) {
  for (int n = 0; n < kReceiveBatchMax && !stopping_.load(); ++n) {
    std::vector<zmq::message_t> frames;
    bool too_many = false;
    for (;;) {
      zmq::message_t frame;
      auto got = socket.recv(frame, zmq::recv_flags::dontwait);
      if (!got) {
        if (frames.empty()) return;  // nothing more waiting
        continue;                    // the rest of a multipart message is always there
      }
      const bool more = frame.more();
      if (frames.size() < kFramesMax + 1) {
        frames.push_back(std::move(frame));
      } else {
        too_many = true;
      }
      if (!more) break;
    }
    ++counters_.received;
    if (too_many) {
      ++counters_.decode_errors;
      log_->warn("{} dropped a message with too many frames on {}", options_.plan.node_id,
                 SocketName(kind));
      continue;
    }
    Deliver(kind, peer_hint, frames);
  }
}

void ZmqRuntime::Deliver(Socket kind, std::string peer, std::vector<zmq::message_t>& frames) {
  std::size_t first = 0;
  if (kind == Socket::kRouter || kind == Socket::kSub) {
    if (frames.empty()) return;
    peer = frames[0].to_string();  // routing id, or topic
    first = 1;
  }
  auto reject = [&](const Status& why, std::uint64_t request_id) {
    ++counters_.decode_errors;
    log_->warn("{} rejected a message from '{}' on {}: {}", options_.plan.node_id, peer,
               SocketName(kind), why.ToString());
    if (kind != Socket::kRouter) return;
    actors::Outgoing reply{Socket::kRouter, peer, request_id,
                           messages::ErrorResponse::From(why), Payload{}};
    Send(reply);
  };
  const std::size_t count = frames.size() - first;
  if (count < 2 || count > 3 || (kind == Socket::kSub && count != 2)) {
    reject(Status::Corruption("expected header and body frames, got " + std::to_string(count) +
                              " frames"),
           0);
    return;
  }
  auto header = messages::DecodeHeader(frames[first].data(), frames[first].size());
  if (!header.ok()) {
    reject(header.status(), 0);
    return;
  }
  std::string identity;
  if (Status admitted = Admit(kind, peer, frames.back(), header->kind, &identity);
      !admitted.ok()) {
    reject(admitted, header->request_id);
    return;
  }
  auto body = messages::DecodeBody(header->kind, frames[first + 1].data(),
                                   frames[first + 1].size());
  if (!body.ok()) {
    reject(body.status(), header->request_id);
    return;
  }
  actors::Inbound in;
  in.socket = kind;
  in.peer = std::move(peer);
  in.identity = std::move(identity);
  in.header = std::move(*header);
  in.message = std::move(*body);
  if (count == 3) in.payload = PayloadOf(std::move(frames[first + 2]));
  actors::Context ctx = NewContext();
  actor_->Handle(in, ctx);
  Apply(ctx);
}

void ZmqRuntime::Apply(actors::Context& ctx) {
  actors::Effects& effects = ctx.effects();
  // Out of the maps at once, closed at the end of the turn: the socket may be the
  // one being read right now, and extracting a map node keeps it where it is.
  for (const auto& address : effects.disconnects) {
    if (auto node = dealers_.extract(address)) closing_.push_back(std::move(node));
    if (auto node = pushes_.extract(address)) closing_.push_back(std::move(node));
  }
  for (auto& out : effects.sends) Send(out);
  for (const auto& op : effects.timers) {
    if (op.cancel) {
      timers_.Cancel(op.id);
    } else {
      timers_.Set(op.id, ctx.now() + op.after);
    }
  }
  for (auto& op : effects.syncs) syncs_->Submit(std::move(op));
  if (effects.stop) {
    log_->error("{} stopping: {}", options_.plan.node_id, effects.stop_reason);
    stop_reason_ = effects.stop_reason;
    stopping_.store(true);
  }
  effects = actors::Effects{};
}

ZmqRuntime::OutSocket* ZmqRuntime::OutSocketFor(Socket kind, const std::string& address) {
  auto& sockets = kind == Socket::kDealer ? dealers_ : pushes_;
  auto it = sockets.find(address);
  if (it != sockets.end()) return &it->second;
  const auto type = kind == Socket::kDealer ? zmq::socket_type::dealer : zmq::socket_type::push;
  OutSocket out{zmq::socket_t(context_, type), {}, 0};
  ConfigureCommon(out.socket);
  ConfigureCurve(out.socket, /*server=*/false);
  if (kind == Socket::kDealer) out.socket.set(zmq::sockopt::routing_id, options_.plan.node_id);
  try {
    out.socket.connect(FromSource(address, options_.connect_source));
  } catch (const zmq::error_t& e) {
    log_->warn("{} cannot connect {} to '{}': {}", options_.plan.node_id, SocketName(kind),
               address, e.what());
    return nullptr;
  }
  return &sockets.emplace(address, std::move(out)).first->second;
}

void ZmqRuntime::Send(actors::Outgoing& out) {
  messages::Header header;
  header.kind = messages::KindOf(out.message);
  header.request_id = out.request_id;
  header.sender = options_.plan.node_id;
  messages::EncodedMessage encoded = messages::Encode(header, out.message);

  std::vector<zmq::message_t> frames;
  if (out.socket == Socket::kRouter || out.socket == Socket::kPub) {
    frames.emplace_back(out.to.data(), out.to.size());
  }
  frames.push_back(FrameOf(encoded.header));
  frames.push_back(FrameOf(encoded.body));
  if (!out.payload.empty()) frames.push_back(FrameOf(out.payload));

  if (out.socket == Socket::kDealer || out.socket == Socket::kPush) {
    OutSocket* socket = OutSocketFor(out.socket, out.to);
    if (socket == nullptr) {
      ++counters_.send_drops;
      return;
    }
    Enqueue(*socket, std::move(frames), out.to);
    return;
  }
  zmq::socket_t* socket = out.socket == Socket::kRouter ? router_.get() : pub_.get();
  if (socket == nullptr) {
    log_->error("{} has no {} socket to send {} on", options_.plan.node_id,
                SocketName(out.socket), messages::KindName(header.kind));
    ++counters_.send_drops;
    return;
  }
  try {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      auto flags = zmq::send_flags::dontwait;
      if (i + 1 < frames.size()) flags = flags | zmq::send_flags::sndmore;
      if (!socket->send(frames[i], flags)) {
        ++counters_.send_drops;  // PUB never says EAGAIN; a full ROUTER peer does
        log_->debug("{} dropped {} to '{}': peer queue full", options_.plan.node_id,
                    messages::KindName(header.kind), out.to);
        return;
      }
    }
    ++counters_.sent;
  } catch (const zmq::error_t& e) {
    ++counters_.send_drops;
    log_->debug("{} could not send {} to '{}': {}", options_.plan.node_id,
                messages::KindName(header.kind), out.to, e.what());
  }
}

void ZmqRuntime::Enqueue(OutSocket& out, std::vector<zmq::message_t> frames,
                         const std::string& address) {
  std::size_t bytes = 0;
  for (const auto& f : frames) bytes += f.size();
  if (out.outbox_bytes + bytes > options_.outbox_bytes_max) {
    ++counters_.send_drops;
    log_->warn("{} outbox to '{}' is full ({} bytes): dropped a message", options_.plan.node_id,
               address, out.outbox_bytes);
    return;
  }
  out.outbox.push_back(std::move(frames));
  out.outbox_bytes += bytes;
  Flush(out);
}

void ZmqRuntime::Flush(OutSocket& out) {
  while (!out.outbox.empty()) {
    auto& frames = out.outbox.front();
    std::size_t bytes = 0;
    for (const auto& f : frames) bytes += f.size();
    try {
      auto first_flags = zmq::send_flags::dontwait;
      if (frames.size() > 1) first_flags = first_flags | zmq::send_flags::sndmore;
      if (!out.socket.send(frames[0], first_flags)) return;  // still at the HWM
      // Once the first frame is accepted, ZeroMQ accepts the rest of the message.
      for (std::size_t i = 1; i < frames.size(); ++i) {
        auto flags = zmq::send_flags::none;
        if (i + 1 < frames.size()) flags = zmq::send_flags::sndmore;
        out.socket.send(frames[i], flags);
      }
      ++counters_.sent;
    } catch (const zmq::error_t& e) {
      ++counters_.send_drops;
      log_->warn("{} send failed: {}", options_.plan.node_id, e.what());
    }
    out.outbox.pop_front();
    out.outbox_bytes -= bytes;
  }
}

}  // namespace bucket::runtime
