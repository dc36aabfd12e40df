// bucket-bench: throughput and metadata benchmarks against a real cluster on
// loopback, started for the run or already running.
#include <cstdio>
#include <map>

#include "client/json_writer.h"
#include "config/command_line.h"
#include "config/load_config.h"
#include "config/units.h"
#include "nodes/bench/bench_cluster.h"
#include "nodes/bench/meta_bench.h"

using namespace bucket;

namespace {

const char* kProgram = "bucket-bench";

int ParseInt(const config::CommandLine& cli, const char* flag, int fallback) {
  if (!cli.Has(flag)) return fallback;
  try {
    return std::stoi(cli.Get(flag));
  } catch (...) {
    config::ExitWithError(kProgram, std::string(flag) + " needs a number", 2);
  }
}

int Meta(const config::CommandLine& cli, bench::BenchCluster& cluster) {
  bench::MetaOptions options;
  options.clients = ParseInt(cli, "--clients", 8);
  options.files = ParseInt(cli, "--files", 20000);
  pid_t master_pid = 0;
  for (const auto& [name, pid] : cluster.Pids()) {
    if (name == "master") master_pid = pid;
  }
  std::map<std::string, std::uint64_t> rss;
  auto results = bench::RunMetaBench(cluster.client(), options, [&](const std::string& phase) {
    if (master_pid != 0) rss[phase] = bench::ResidentBytes(master_pid);
  });
  if (!results.ok()) config::ExitWithError(kProgram, results.status().ToString());
  const double per_file =
      rss.count("create") && options.files > 0
          ? static_cast<double>(rss["create"] - rss["start"]) / options.files
          : 0;
  if (cli.Has("--json")) {
    client::JsonWriter json;
    json.BeginObject().Field("benchmark", std::string("meta"))
        .Field("clients", options.clients).Field("files", options.files);
    json.Key("phases").BeginArray();
    for (const auto& r : *results) {
      json.BeginObject().Field("phase", r.name).Field("ops", r.ops).Field("errors", r.errors)
          .Field("seconds", r.seconds).Field("ops_per_s", r.ops_per_s()).EndObject();
    }
    json.EndArray();
    if (master_pid != 0) {
      json.Field("master_rss_start_bytes", rss["start"])
          .Field("master_rss_after_create_bytes", rss["create"])
          .Field("master_bytes_per_file", per_file);
    }
    json.EndObject();
    std::puts(json.text().c_str());
    return 0;
  }
  std::printf("bucket-bench meta: %d clients, %d files, durable operation log\n\n",
              options.clients, options.files);
  std::printf("%-8s %10s %8s %10s %12s\n", "phase", "ops", "errors", "seconds", "ops/s");
  for (const auto& r : *results) {
    std::printf("%-8s %10llu %8llu %10.3f %12.0f\n", r.name.c_str(),
                static_cast<unsigned long long>(r.ops), static_cast<unsigned long long>(r.errors),
                r.seconds, r.ops_per_s());
  }
  if (master_pid != 0) {
    std::printf("\nmaster resident memory: %s at start, %s after the creates: %.0f bytes per "
                "file\n",
                config::FormatSize(rss["start"]).c_str(), config::FormatSize(rss["create"]).c_str(),
                per_file);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  config::CommandLine cli(
      kProgram, "meta [--clients C] [--files N] [--master ENDPOINT | --config client.toml] [--json]",
      "Benchmarks a Bucket cluster. Without --master or --config it starts a local cluster\n"
      "(1 master + 3 chunkservers on loopback, in a temporary folder) for the run.\n\n"
      "  meta    C clients create, stat, list and delete N files; operations per second,\n"
      "          and the master's resident memory per file");
  cli.Option("--clients", "C", "concurrent clients", "8");
  cli.Option("--files", "N", "files to create (meta)", "20000");
  cli.Option("--master", "ENDPOINT", "use the running cluster whose master's rpc is ENDPOINT");
  cli.Option("--config", "FILE", "use the running cluster named by this client.toml");
  cli.Flag("--json", "one JSON object instead of a table");
  cli.Example("bucket-bench meta --clients 8 --files 20000");
  cli.ParseOrExit(argc, argv);
  if (cli.positional().empty()) config::ExitWithError(kProgram, "no benchmark given (try meta)", 2);
  const std::string which = cli.positional()[0];
  if (which != "meta") config::ExitWithError(kProgram, "unknown benchmark '" + which + "'", 2);

  std::optional<bench::BenchCluster> cluster;
  if (cli.Has("--config") || cli.Has("--master")) {
    config::ClientConfig client;
    if (cli.Has("--config")) {
      auto loaded = config::LoadClientConfig(cli.Get("--config"));
      if (!loaded.ok()) config::ExitWithError(kProgram, loaded.status().message());
      client = *loaded;
    }
    if (cli.Has("--master")) client.master_rpc = cli.Get("--master");
    cluster.emplace(bench::BenchCluster::Existing(client));
  } else {
    auto started = bench::BenchCluster::Start({});
    if (!started.ok()) config::ExitWithError(kProgram, started.status().ToString());
    cluster.emplace(std::move(*started));
  }
  return Meta(cli, *cluster);
}
