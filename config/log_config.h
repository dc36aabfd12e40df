// Logging settings shared by every node kind ([log] section).
#pragma once

#include <string>

namespace bucket::config {

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error, critical, off
  std::string file;            // also log to this file; empty: console only
};

}  // namespace bucket::config
