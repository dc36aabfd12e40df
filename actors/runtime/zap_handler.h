// ZapHandler: the ZeroMQ authentication handler (ZAP, RFC 27) of one node with
// CurveZMQ on. It answers libzmq's questions on inproc://zeromq.zap.01: a client
// whose public key is in the allow-list is let in with "<role> <public key>" as
// the messages' User-Id; any other is refused and logged with its key. It must be
// bound before any server socket: libzmq 4.3 lets every client in when no
// handler answers.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <spdlog/logger.h>
#include <zmq.hpp>

#include "messages/status.h"

namespace bucket::runtime {

class ZapHandler {
 public:
  static Result<std::unique_ptr<ZapHandler>> Start(zmq::context_t& context,
                                                   std::map<std::string, std::string> allowed,
                                                   std::map<std::string, std::string> names,
                                                   std::string node_id,
                                                   std::shared_ptr<spdlog::logger> log);
  ~ZapHandler();

 private:
  ZapHandler(zmq::socket_t socket, std::map<std::string, std::string> allowed,
             std::map<std::string, std::string> names, std::string node_id,
             std::shared_ptr<spdlog::logger> log);
  void Serve();
  void Answer();

  zmq::socket_t socket_;
  std::map<std::string, std::string> allowed_;  // Z85 public key -> role
  std::map<std::string, std::string> names_;
  std::string node_id_;
  std::shared_ptr<spdlog::logger> log_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace bucket::runtime
