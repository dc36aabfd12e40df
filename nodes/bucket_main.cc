// bucket: the Bucket shell. Interactive on a terminal; one command with
// arguments; several with -c 'cmd; cmd'; or commands on stdin for scripts.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "actors/runtime/bulk_memory.h"
#include "client/bucket_client.h"
#include "client/shell/repl.h"
#include "client/shell/shell.h"
#include "config/command_line.h"
#include "config/load_config.h"

using namespace bucket;

int main(int argc, char** argv) {
  // Received pieces' memory is reused rather than faulted in afresh (see bulk_memory.h).
  bucket::runtime::KeepFreedMemoryForReuse(256u << 20);
  config::CommandLine cli(
      "bucket", "[--config client.toml | --master ENDPOINT] [-c 'CMD; CMD' | COMMAND ARGS...]",
      "The Bucket shell. With no command on a terminal it is interactive (line editing,\n"
      "history, tab completion, `help`). With a command it runs it once and exits 0, or\n"
      "prints one line saying what went wrong and exits 1. Commands also come from -c\n"
      "(separated by ';') or from standard input; both stop at the first that fails.");
  cli.Option("--config", "FILE", "a client.toml naming the master (see examples/client.toml)");
  cli.Option("--master", "ENDPOINT", "the master's rpc endpoint", "tcp://127.0.0.1:7700");
  cli.Option("-c", "COMMANDS", "run these commands, separated by ';', then exit");
  cli.StopAtFirstPositional();
  cli.Example("bucket --config cluster/client.toml");
  cli.Example("bucket --config cluster/client.toml put big.iso /isos/");
  cli.Example("bucket -c 'mkdir -p /logs; append /logs/app hello; cat --records /logs/app'");
  cli.ParseOrExit(argc, argv);

  config::ClientConfig client_config;
  if (cli.Has("--config")) {
    auto loaded = config::LoadClientConfig(cli.Get("--config"));
    if (!loaded.ok()) config::ExitWithError("bucket", loaded.status().message());
    client_config = *loaded;
  }
  if (cli.Has("--master")) client_config.master_rpc = cli.Get("--master");
  auto client = client::BucketClient::Connect(client_config);
  if (!client.ok()) config::ExitWithError("bucket", client.status().ToString());

  const bool terminal_in = ::isatty(STDIN_FILENO) != 0;
  client::shell::Shell shell(**client, stdout, stderr, ::isatty(STDERR_FILENO) != 0);
  auto fail = [](const Status& status) {
    std::fflush(stdout);
    std::fprintf(stderr, "bucket: %s\n", status.message().c_str());
    return 1;
  };
  if (cli.Has("-c")) {
    Status status = shell.ExecuteLine(cli.Get("-c"));
    return status.ok() ? 0 : fail(status);
  }
  if (!cli.positional().empty()) {
    Status status = shell.Execute(cli.positional());
    return status.ok() ? 0 : fail(status);
  }
  if (terminal_in) {
    const char* home = std::getenv("HOME");
    return client::shell::RunRepl(shell, home ? std::string(home) + "/.bucket_history" : "");
  }
  std::string line;
  while (!shell.exit_requested() && std::getline(std::cin, line)) {
    Status status = shell.ExecuteLine(line);
    if (!status.ok()) return fail(status);
  }
  return 0;
}
