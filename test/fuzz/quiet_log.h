// A logger that drops everything without formatting it, so fuzz runs spend
// their time in the code under test.
#pragma once

#include <memory>

#include <spdlog/logger.h>
#include <spdlog/sinks/null_sink.h>

namespace bucket::fuzz {

inline std::shared_ptr<spdlog::logger> QuietLog() {
  static auto log = [] {
    auto l = std::make_shared<spdlog::logger>("fuzz",
                                              std::make_shared<spdlog::sinks::null_sink_st>());
    l->set_level(spdlog::level::off);
    return l;
  }();
  return log;
}

}  // namespace bucket::fuzz
