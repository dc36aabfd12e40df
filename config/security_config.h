// [security]: CurveZMQ authentication and encryption. Every file named here
// holds one Z85 key (40 characters) as `bucket-keygen` writes it; secret key
// files must not be readable by others.
#pragma once

#include <map>
#include <string>

#include "messages/status.h"

namespace bucket::config {

struct SecurityConfig {
  bool curve = false;
  std::string server_public_key;  // the cluster's server key (every node and client)
  std::string server_secret_key;  // its secret half (the master and chunkservers only)
  std::string public_key;         // this node's or client's own key pair
  std::string secret_key;
  std::string allow_list;         // servers: "PUBLIC_KEY ROLE NAME" lines (see messages/rights.h)
};

// The keys themselves, read from the files named by a SecurityConfig.
struct CurveKeys {
  bool enabled = false;
  std::string server_public, server_secret;  // Z85
  std::string public_key, secret_key;        // Z85
  std::map<std::string, std::string> allowed;  // public key (Z85) -> role name
  std::map<std::string, std::string> names;    // public key (Z85) -> name, for logs
};

// Reads every key file; `server` also needs the server secret key and the
// allow-list. A missing, malformed or world-readable secret file is an error
// that names it.
Result<CurveKeys> LoadCurveKeys(const SecurityConfig& security, bool server);

}  // namespace bucket::config
