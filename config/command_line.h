// CommandLine: the flags of a Bucket program, its --help text and --version.
//
// Every program declares its flags here, so that each answers --help (usage,
// every flag, an example) and --version the same way, and a wrong flag is one
// line on stderr and exit status 2.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "messages/status.h"

namespace bucket::config {

class CommandLine {
 public:
  // `usage` is the synopsis after the program name, e.g. "--config FILE".
  CommandLine(std::string program, std::string usage, std::string description);

  // A flag without a value: --json.
  void Flag(std::string name, std::string help);
  // A flag with a value: --config FILE. `fallback` shows in --help when not empty.
  void Option(std::string name, std::string value_name, std::string help,
              std::string fallback = "");
  void Example(std::string example) { examples_.push_back(std::move(example)); }
  // Stop parsing flags at the first positional argument (for sub-commands).
  void StopAtFirstPositional() { stop_at_positional_ = true; }

  // Parses argv. --help and --version print and exit 0; an unknown flag or a
  // missing value prints one line to stderr and exits 2.
  void ParseOrExit(int argc, char** argv);
  // The same without exiting: --help and --version set help_requested().
  Status Parse(const std::vector<std::string>& args);

  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  const std::vector<std::string>& positional() const { return positional_; }
  std::string Help() const;
  bool help_requested() const { return help_requested_; }
  bool version_requested() const { return version_requested_; }
  const std::string& program() const { return program_; }

 private:
  struct Spec {
    std::string name;
    std::string value_name;  // empty: a flag without a value
    std::string help;
    std::string fallback;
  };
  const Spec* Find(const std::string& name) const;

  std::string program_;
  std::string usage_;
  std::string description_;
  std::vector<Spec> specs_;
  std::vector<std::string> examples_;
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
  bool stop_at_positional_ = false;
  bool help_requested_ = false;
  bool version_requested_ = false;
};

// Prints "PROGRAM: MESSAGE" on stderr and exits with `code`.
[[noreturn]] void ExitWithError(const std::string& program, const std::string& message,
                                int code = 1);

// "bucket-master 0.1.0 (protocol 1.0)".
std::string VersionLine(const std::string& program);

}  // namespace bucket::config
