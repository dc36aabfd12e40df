// The full-screen view of bucket-monitor (ncurses): redraws the model's
// snapshot in place a few times a second, like top, and takes keys:
// q quits, s changes the sort, f the state filter, p pauses.
#pragma once

#include <atomic>

#include "client/monitor/monitor_model.h"

namespace bucket::client {

// Runs until q (or `stop` turns true). REQUIRES: stdout is a terminal.
void RunTui(const MonitorModel& model, std::atomic<bool>& stop);

}  // namespace bucket::client
