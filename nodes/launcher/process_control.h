// Starting, watching and stopping node processes, and their pid files.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "messages/status.h"

namespace bucket::launcher {

// Starts `argv` (argv[0] is the program path) in a new session (so a terminal's
// Ctrl-C reaches only the launcher), with stdout and stderr appended to
// `console_log`. Returns the child's pid.
Result<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& console_log);

// True if `pid` is a live process (a zombie counts as gone).
bool IsAlive(pid_t pid);
// True if `pid` is alive and its command line contains `marker` (guards against
// a pid file whose process died and whose pid was reused).
bool IsAliveWith(pid_t pid, const std::string& marker);

// Sends `signal`, then waits up to `limit` for the process to be gone. Reaps it
// if it is our child. Returns true if it is gone.
bool SignalAndWait(pid_t pid, int signal, std::chrono::milliseconds limit);

// Reaps any of our children that exited, without blocking.
void ReapChildren();

Status WritePidFile(const std::string& path, pid_t pid);
// 0 if the file is missing or unreadable.
pid_t ReadPidFile(const std::string& path);

// The folder holding the running program (to find its sibling programs).
std::string ProgramDirectory();

}  // namespace bucket::launcher
