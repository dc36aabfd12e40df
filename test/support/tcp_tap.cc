#include "test/support/tcp_tap.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <vector>

namespace bucket::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

}  // namespace

int PortOf(const std::string& endpoint) {
  return std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
}

TcpTap::TcpTap(int target_port) : target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr = Loopback(0);
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener_, 16) != 0) {
    throw std::runtime_error("tcp tap: cannot listen on loopback");
  }
  socklen_t length = sizeof(addr);
  ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { Run(); });
}

TcpTap::~TcpTap() {
  stop_ = true;
  thread_.join();
  ::close(listener_);
}

std::string TcpTap::Captured() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return captured_;
}

void TcpTap::Run() {
  // Pairs of (accepted, dialed) sockets; each byte read from one is written to
  // the other and recorded. One thread, poll with a short timeout to notice stop.
  std::vector<std::pair<int, int>> links;
  char buffer[64 * 1024];
  while (!stop_) {
    std::vector<pollfd> fds{{listener_, POLLIN, 0}};
    for (const auto& [a, b] : links) {
      fds.push_back({a, POLLIN, 0});
      fds.push_back({b, POLLIN, 0});
    }
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      const int accepted = ::accept(listener_, nullptr, nullptr);
      const int dialed = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in target = Loopback(target_port_);
      if (accepted >= 0 && dialed >= 0 &&
          ::connect(dialed, reinterpret_cast<sockaddr*>(&target), sizeof(target)) == 0) {
        links.emplace_back(accepted, dialed);
      } else {
        if (accepted >= 0) ::close(accepted);
        if (dialed >= 0) ::close(dialed);
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      auto& link = links[(i - 1) / 2];
      if (link.first < 0) continue;  // closed a moment ago, from its other end
      const int from = fds[i].fd;
      const int to = from == link.first ? link.second : link.first;
      const ssize_t n = ::read(from, buffer, sizeof(buffer));
      if (n <= 0 || ::write(to, buffer, static_cast<std::size_t>(n)) != n) {
        ::close(link.first);
        ::close(link.second);
        link = {-1, -1};
        continue;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      captured_.append(buffer, static_cast<std::size_t>(n));
    }
    std::erase_if(links, [](const auto& link) { return link.first < 0; });
  }
  for (const auto& [a, b] : links) {
    ::close(a);
    ::close(b);
  }
}

}  // namespace bucket::testing
