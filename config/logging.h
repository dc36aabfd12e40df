// MakeLogger: one named spdlog logger per node, to the console and optionally
// a file, at the level the config sets. Made once in a program's main and
// injected into the actors; nothing else creates loggers.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "config/log_config.h"
#include "messages/status.h"

namespace bucket::config {

// The console sink writes to stderr so that stdout stays clean for program output.
Result<std::shared_ptr<spdlog::logger>> MakeLogger(const std::string& name, const LogConfig& log);

}  // namespace bucket::config
