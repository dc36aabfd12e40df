// The interactive `bucket` shell on a terminal: line editing and history
// (libedit), a prompt showing the working directory, and tab completion of
// commands, remote paths and (for put/get) local paths.
#pragma once

#include <string>

#include "client/shell/shell.h"

namespace bucket::client::shell {

// Runs until `exit`, `quit` or Ctrl-D; errors are printed and the loop goes on.
// History is kept in `history_file` (empty: none). Returns the exit status.
int RunRepl(Shell& shell, const std::string& history_file);

}  // namespace bucket::client::shell
