#include "config/command_line.h"

#include <cstdio>
#include <cstdlib>

#include "messages/header.h"

#ifndef BUCKET_VERSION
#define BUCKET_VERSION "0.0.0"
#endif

namespace bucket::config {

void ExitWithError(const std::string& program, const std::string& message, int code) {
  std::fprintf(stderr, "%s: %s\n", program.c_str(), message.c_str());
  std::exit(code);
}

std::string VersionLine(const std::string& program) {
  return program + " " BUCKET_VERSION " (protocol " +
         std::to_string(messages::kProtocolMajor) + "." +
         std::to_string(messages::kProtocolMinor) + ")";
}

CommandLine::CommandLine(std::string program, std::string usage, std::string description)
    : program_(std::move(program)), usage_(std::move(usage)), description_(std::move(description)) {}

void CommandLine::Flag(std::string name, std::string help) {
  specs_.push_back({std::move(name), "", std::move(help), ""});
}

void CommandLine::Option(std::string name, std::string value_name, std::string help,
                         std::string fallback) {
  specs_.push_back({std::move(name), std::move(value_name), std::move(help), std::move(fallback)});
}

const CommandLine::Spec* CommandLine::Find(const std::string& name) const {
  for (const Spec& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string CommandLine::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

Status CommandLine::Parse(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool positional_only = stop_at_positional_ && !positional_.empty();
    if (positional_only || arg.size() < 2 || arg[0] != '-' || arg == "-") {
      positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      positional_.insert(positional_.end(), args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (arg == "--version") {
      version_requested_ = true;
      continue;
    }
    std::string name = arg;
    std::optional<std::string> inline_value;
    if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    const Spec* spec = Find(name);
    if (spec == nullptr) {
      return Status::InvalidArgument("unknown option '" + name + "' (see " + program_ +
                                     " --help)");
    }
    if (spec->value_name.empty()) {
      if (inline_value) return Status::InvalidArgument("option " + name + " takes no value");
      values_[name] = "true";
      continue;
    }
    if (inline_value) {
      values_[name] = *inline_value;
    } else if (i + 1 < args.size()) {
      values_[name] = args[++i];
    } else {
      return Status::InvalidArgument("option " + name + " needs a value (" + spec->value_name +
                                     ")");
    }
  }
  return Status::Ok();
}

void CommandLine::ParseOrExit(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  Status status = Parse(args);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", program_.c_str(), status.message().c_str());
    std::exit(2);
  }
  if (help_requested_) {
    std::fputs(Help().c_str(), stdout);
    std::exit(0);
  }
  if (version_requested_) {
    std::printf("%s\n", VersionLine(program_).c_str());
    std::exit(0);
  }
}

std::string CommandLine::Help() const {
  std::string text = "Usage: " + program_ + " " + usage_ + "\n\n" + description_ + "\n\nOptions:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const Spec& spec : specs_) {
    std::string left = "  " + spec.name;
    if (!spec.value_name.empty()) left += " " + spec.value_name;
    std::string right = spec.help;
    if (!spec.fallback.empty()) right += " (default: " + spec.fallback + ")";
    rows.emplace_back(left, right);
  }
  rows.emplace_back("  -h, --help", "show this help and exit");
  rows.emplace_back("  --version", "print the version and exit");
  std::size_t width = 0;
  for (const auto& [left, right] : rows) width = std::max(width, left.size());
  for (const auto& [left, right] : rows) {
    text += left + std::string(width - left.size() + 2, ' ') + right + "\n";
  }
  if (!examples_.empty()) {
    text += examples_.size() == 1 ? "\nExample:\n" : "\nExamples:\n";
    for (const auto& example : examples_) text += "  " + example + "\n";
  }
  return text;
}

}  // namespace bucket::config
