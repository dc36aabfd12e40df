#include "client/shell/tokenizer.h"

namespace bucket::client::shell {

Result<std::vector<std::string>> SplitCommands(std::string_view line) {
  std::vector<std::string> commands;
  std::string current;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote == 0 && c == '\\' && i + 1 < line.size()) {
      current += c;
      current += line[++i];
      continue;
    }
    if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
    } else if (quote != 0 && c == quote) {
      quote = 0;
    } else if (quote == 0 && c == ';') {
      commands.push_back(std::move(current));
      current.clear();
      continue;
    }
    current += c;
  }
  if (quote != 0) return Status::InvalidArgument(std::string("unbalanced ") + quote);
  commands.push_back(std::move(current));
  return commands;
}

Result<std::vector<std::string>> Tokenize(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (quote == '\'') {
      if (c == '\'') {
        quote = 0;
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\\' && i + 1 < command.size() &&
        (quote == 0 || command[i + 1] == '"' || command[i + 1] == '\\')) {
      word += command[++i];
      in_word = true;
      continue;
    }
    if (quote == '"') {
      if (c == '"') {
        quote = 0;
      } else {
        word += c;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) return Status::InvalidArgument(std::string("unbalanced ") + quote + " quote");
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace bucket::client::shell
