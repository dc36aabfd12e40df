// Bind addresses versus advertised addresses.
//
// A node binds "tcp://0.0.0.0:7700" but others must dial a real host, so each
// bound endpoint has an advertised form: the configured advertise_host, or for a
// wildcard bind this host's own address. Nothing here assumes loopback.
#pragma once

#include <string>

#include "messages/status.h"

namespace bucket::config {

// "tcp://0.0.0.0:7700" with advertise_host "" -> "tcp://10.0.0.5:7700" (this host);
// with advertise_host "cs1.example" -> "tcp://cs1.example:7700";
// "tcp://127.0.0.1:7700" -> itself (unless advertise_host is set).
Result<std::string> AdvertisedEndpoint(const std::string& bind, const std::string& advertise_host);

// This host's first non-loopback IPv4 address, or "127.0.0.1" if it has none.
std::string ThisHostAddress();

}  // namespace bucket::config
