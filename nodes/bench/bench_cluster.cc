#include "nodes/bench/bench_cluster.h"

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/load_config.h"
#include "nodes/launcher/cluster_layout.h"
#include "nodes/launcher/process_control.h"

namespace bucket::bench {
namespace {

std::string Run(const std::vector<std::string>& argv, int* exit_code) {
  std::string command;
  for (const auto& arg : argv) command += "'" + arg + "' ";
  command += "2>&1";
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *exit_code = -1;
    return "cannot run " + argv[0];
  }
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  *exit_code = WEXITSTATUS(::pclose(pipe));
  return output;
}

std::uint64_t StatusField(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream in(line.substr(field.size() + 1));
      std::uint64_t kib = 0;
      in >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace

std::uint64_t ResidentBytes(pid_t pid) { return StatusField(pid, "VmRSS"); }
std::uint64_t PeakResidentBytes(pid_t pid) { return StatusField(pid, "VmHWM"); }

Result<BenchCluster> BenchCluster::Start(const StartOptions& options) {
  std::string pattern = options.parent_dir + "/bucket-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::IoError("cannot make a folder in " + options.parent_dir + ": " +
                           std::strerror(errno));
  }
  BenchCluster cluster;
  cluster.dir_ = pattern + "/cluster";
  const std::string launcher = launcher::ProgramDirectory() + "/bucket-cluster";
  int code = 0;
  for (int attempt = 0;; ++attempt) {
    const int base = 20000 + static_cast<int>((::getpid() * 7919 + attempt * 1009) % 35000);
    std::vector<std::string> init = {launcher, "init", cluster.dir_, "--chunkservers",
                                     std::to_string(options.chunkservers), "--base-port",
                                     std::to_string(base), "--chunk-size", options.chunk_size,
                                     "--replication", std::to_string(options.replication)};
    if (options.secure) init.push_back("--secure");
    std::string out = Run(init, &code);
    if (code != 0) return Status::Internal("bucket-cluster init failed: " + out);
    if (!options.extra_master_settings.empty()) {
      std::ofstream master(cluster.dir_ + "/master.toml", std::ios::app);
      master << "\n" << options.extra_master_settings << "\n";
    }
    out = Run({launcher, "up", cluster.dir_, "--detach"}, &code);
    if (code == 0) break;
    std::filesystem::remove_all(cluster.dir_);
    if (attempt == 3) return Status::Unavailable("the benchmark cluster did not start: " + out);
  }
  auto client = config::LoadClientConfig(cluster.dir_ + "/client.toml");
  if (!client.ok()) return client.status();
  cluster.client_ = *client;
  return cluster;
}

BenchCluster BenchCluster::Existing(config::ClientConfig client) {
  BenchCluster cluster;
  cluster.client_ = std::move(client);
  return cluster;
}

BenchCluster::BenchCluster(BenchCluster&& other) noexcept
    : client_(std::move(other.client_)), dir_(std::exchange(other.dir_, "")) {}

BenchCluster::~BenchCluster() {
  if (dir_.empty()) return;
  int code = 0;
  Run({launcher::ProgramDirectory() + "/bucket-cluster", "down", dir_}, &code);
  std::filesystem::remove_all(std::filesystem::path(dir_).parent_path());
}

std::vector<std::pair<std::string, pid_t>> BenchCluster::Pids() const {
  std::vector<std::pair<std::string, pid_t>> pids;
  if (dir_.empty()) return pids;
  auto layout = launcher::LoadClusterLayout(dir_);
  if (!layout.ok()) return pids;
  for (const auto& node : layout->nodes) {
    pids.emplace_back(node.name, launcher::ReadPidFile(node.pid_file));
  }
  return pids;
}

}  // namespace bucket::bench
