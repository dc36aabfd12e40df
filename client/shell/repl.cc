#include "client/shell/repl.h"

#include <editline/readline.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "client/shell/tokenizer.h"

namespace bucket::client::shell {
namespace {

// readline's completion hooks are plain C functions; they reach the shell here.
Shell* g_shell = nullptr;
std::vector<std::string> g_matches;
std::size_t g_next = 0;

char* NextMatch(const char* text, int state) {
  (void)text;
  if (state == 0) g_next = 0;
  if (g_next >= g_matches.size()) return nullptr;
  return ::strdup(g_matches[g_next++].c_str());
}

char** Complete(const char* text, int start, int end) {
  (void)end;
  rl_attempted_completion_over = 1;  // never fall back to local file names by default
  const std::string before(rl_line_buffer, static_cast<std::size_t>(start));
  auto words = Tokenize(before.substr(before.find_last_of(';') == std::string::npos
                                          ? 0
                                          : before.find_last_of(';') + 1));
  const std::size_t position = words.ok() ? words->size() : 0;
  g_matches.clear();
  const std::string prefix(text);
  if (position == 0) {
    for (const auto& name : g_shell->CommandNames()) {
      if (name.rfind(prefix, 0) == 0) g_matches.push_back(name);
    }
  } else if (words.ok() && g_shell->TakesLocalPath((*words)[0], position)) {
    rl_completion_append_character = ' ';
    return rl_completion_matches(text, rl_filename_completion_function);
  } else {
    g_matches = g_shell->CompleteRemote(prefix);
  }
  // A directory is completed without a space, so the next name can follow.
  rl_completion_append_character =
      g_matches.size() == 1 && !g_matches[0].empty() && g_matches[0].back() == '/' ? '\0' : ' ';
  if (g_matches.empty()) return nullptr;
  return rl_completion_matches(text, NextMatch);
}

}  // namespace

int RunRepl(Shell& shell, const std::string& history_file) {
  g_shell = &shell;
  rl_attempted_completion_function = Complete;
  rl_completer_word_break_characters = const_cast<char*>(" \t;");
  if (!history_file.empty()) read_history(history_file.c_str());
  stifle_history(1000);
  std::printf("Bucket shell. Type help for the commands, Ctrl-D or exit to leave.\n");
  int last = 0;
  while (!shell.exit_requested()) {
    const std::string prompt = "bucket:" + shell.cwd() + "> ";
    char* raw = readline(prompt.c_str());
    if (raw == nullptr) {  // Ctrl-D
      std::printf("\n");
      break;
    }
    std::string line(raw);
    std::free(raw);
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    add_history(line.c_str());
    Status status = shell.ExecuteLine(line);
    last = status.ok() ? 0 : 1;
    if (!status.ok()) std::fprintf(stderr, "error: %s\n", status.message().c_str());
  }
  if (!history_file.empty()) write_history(history_file.c_str());
  return last;
}

}  // namespace bucket::client::shell
