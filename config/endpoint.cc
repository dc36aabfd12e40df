#include "config/endpoint.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace bucket::config {

std::string ThisHostAddress() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "127.0.0.1";
  std::string found = "127.0.0.1";
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
    if ((entry->ifa_flags & IFF_LOOPBACK) != 0 || (entry->ifa_flags & IFF_UP) == 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* address = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
    if (::inet_ntop(AF_INET, &address->sin_addr, text, sizeof(text)) != nullptr) {
      found = text;
      break;
    }
  }
  ::freeifaddrs(list);
  return found;
}

Result<std::string> AdvertisedEndpoint(const std::string& bind,
                                       const std::string& advertise_host) {
  if (bind.rfind("tcp://", 0) != 0) return bind;  // ipc:// and inproc:// are dialed as bound
  const auto colon = bind.find_last_of(':');
  if (colon == std::string::npos || colon < 6) {
    return Status::InvalidArgument("endpoint '" + bind + "' has no port");
  }
  const std::string host = bind.substr(6, colon - 6);
  const std::string port = bind.substr(colon + 1);
  if (port == "*") {
    return Status::InvalidArgument("endpoint '" + bind + "' needs a fixed port to be advertised");
  }
  std::string advertised = advertise_host;
  if (advertised.empty()) {
    advertised = (host == "0.0.0.0" || host == "*") ? ThisHostAddress() : host;
  }
  return "tcp://" + advertised + ":" + port;
}

}  // namespace bucket::config
