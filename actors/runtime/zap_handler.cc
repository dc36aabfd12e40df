#include "actors/runtime/zap_handler.h"

#include <vector>

namespace bucket::runtime {
namespace {

constexpr const char* kZapEndpoint = "inproc://zeromq.zap.01";
constexpr int kPollMs = 100;  // how soon the thread notices it should stop

}  // namespace

Result<std::unique_ptr<ZapHandler>> ZapHandler::Start(zmq::context_t& context,
                                                      std::map<std::string, std::string> allowed,
                                                      std::map<std::string, std::string> names,
                                                      std::string node_id,
                                                      std::shared_ptr<spdlog::logger> log) {
  zmq::socket_t socket(context, zmq::socket_type::rep);
  socket.set(zmq::sockopt::linger, 0);
  try {
    socket.bind(kZapEndpoint);
  } catch (const zmq::error_t& e) {
    return Status::Internal(std::string("cannot bind the authentication handler: ") + e.what());
  }
  return std::unique_ptr<ZapHandler>(new ZapHandler(std::move(socket), std::move(allowed),
                                                    std::move(names), std::move(node_id),
                                                    std::move(log)));
}

ZapHandler::ZapHandler(zmq::socket_t socket, std::map<std::string, std::string> allowed,
                       std::map<std::string, std::string> names, std::string node_id,
                       std::shared_ptr<spdlog::logger> log)
    : socket_(std::move(socket)),
      allowed_(std::move(allowed)),
      names_(std::move(names)),
      node_id_(std::move(node_id)),
      log_(std::move(log)),
      thread_([this] { Serve(); }) {}

ZapHandler::~ZapHandler() {
  stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

void ZapHandler::Serve() {
  while (!stopping_.load()) {
    zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
    try {
      if (zmq::poll(&item, 1, std::chrono::milliseconds(kPollMs)) > 0) Answer();
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) return;
      log_->error("{} authentication handler: {}", node_id_, e.what());
    }
  }
}

void ZapHandler::Answer() {
  std::vector<zmq::message_t> request;
  for (;;) {
    zmq::message_t frame;
    if (!socket_.recv(frame)) return;
    const bool more = frame.more();
    request.push_back(std::move(frame));
    if (!more) break;
  }
  // version, request id, domain, address, identity, mechanism, credentials...
  std::string status = "400", text = "refused", user_id;
  std::string key = "(none)";
  if (request.size() >= 7 && request[5].to_string() == "CURVE" && request[6].size() == 32) {
    char z85[41] = {};
    zmq_z85_encode(z85, static_cast<const std::uint8_t*>(request[6].data()), 32);
    key = z85;
    auto it = allowed_.find(key);
    if (it != allowed_.end()) {
      status = "200";
      text = "OK";
      // "<role> <public key>": the runtime checks the role's rights and knows
      // the sender by its key, never by a name the sender chose.
      user_id = it->second + " " + key;
    } else {
      text = "unknown key";
    }
  } else if (request.size() >= 6) {
    text = "CurveZMQ required, not " + request[5].to_string();
  }
  if (status != "200") {
    const std::string address = request.size() > 3 ? request[3].to_string() : "?";
    log_->warn("{} refused a connection from {}: {} (public key {})", node_id_, address, text, key);
  }
  const std::string request_id = request.size() > 1 ? request[1].to_string() : "";
  std::vector<std::string> reply = {"1.0", request_id, status, text, user_id, ""};
  for (std::size_t i = 0; i < reply.size(); ++i) {
    socket_.send(zmq::buffer(reply[i]),
                 i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
  }
}

}  // namespace bucket::runtime
