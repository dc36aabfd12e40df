// Termination signals as a pollable fd: SIGINT and SIGTERM make StopSignalFd()
// readable instead of killing the process, so the loop can shut down cleanly.
#pragma once

namespace bucket::runtime {

// Installs the handlers once per process and returns the fd to poll. Safe to call
// more than once; every caller gets the same fd.
int StopSignalFd();
// True once SIGINT or SIGTERM arrived.
bool StopSignalReceived();

}  // namespace bucket::runtime
