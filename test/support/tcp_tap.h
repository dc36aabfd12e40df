// TcpTap: a TCP relay on loopback that records every byte it passes, both
// ways: what a capture of the wire between a client and a node would show.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

namespace bucket::testing {

class TcpTap {
 public:
  // Relays connections made to endpoint() on to 127.0.0.1:`target_port`.
  explicit TcpTap(int target_port);
  ~TcpTap();
  TcpTap(const TcpTap&) = delete;
  TcpTap& operator=(const TcpTap&) = delete;

  std::string endpoint() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // Every byte relayed so far, in either direction.
  std::string Captured() const;

 private:
  void Run();

  int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::string captured_;
  std::thread thread_;
};

// The port of "tcp://host:port".
int PortOf(const std::string& endpoint);

}  // namespace bucket::testing
