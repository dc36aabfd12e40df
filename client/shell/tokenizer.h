// Splitting shell input: commands separated by ';' and words separated by
// spaces, with '...' and "..." quotes and backslash escapes, as a POSIX shell
// does (no variables, globs or pipes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "messages/status.h"

namespace bucket::client::shell {

// "ls /a; cat 'b c'" -> {"ls /a", " cat 'b c'"}; ';' inside quotes stays.
Result<std::vector<std::string>> SplitCommands(std::string_view line);

// "put 'my file' /x" -> {"put", "my file", "/x"}. Unbalanced quotes are an error.
Result<std::vector<std::string>> Tokenize(std::string_view command);

}  // namespace bucket::client::shell
