#include "nodes/bench/meta_bench.h"

#include <atomic>
#include <algorithm>
#include <chrono>
#include <future>
#include <random>
#include <thread>

#include "client/bucket_client.h"

namespace bucket::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `work(client_index, item)` for items [0, count) split over the clients,
// each client on its own thread, one call at a time; returns the phase's result.
PhaseResult RunPhase(const std::string& name,
                     std::vector<std::unique_ptr<client::BucketClient>>& clients, int per_client,
                     const std::function<Status(client::BucketClient&, int, int)>& work) {
  std::atomic<std::uint64_t> errors{0};
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (std::size_t c = 0; c < clients.size(); ++c) {
    threads.emplace_back([&, c] {
      for (int i = 0; i < per_client; ++i) {
        if (!work(*clients[c], static_cast<int>(c), i).ok()) ++errors;
      }
    });
  }
  for (auto& t : threads) t.join();
  return PhaseResult{name, static_cast<std::uint64_t>(per_client) * clients.size(), errors,
                     std::chrono::duration<double>(Clock::now() - start).count()};
}

// Starts item `item` of client `client_index`; calls `done` with its outcome.
using AsyncWork =
    std::function<void(client::BucketClient&, int client_index, int item,
                       std::function<void(Status)> done)>;

// One client's share of a pipelined phase: keeps `depth` items in flight,
// starting the next from each completion (on the client's own thread).
class PipelinedRun {
 public:
  PipelinedRun(client::BucketClient& client, int client_index, int count, const AsyncWork& work,
               std::atomic<std::uint64_t>& errors)
      : client_(client), index_(client_index), count_(count), work_(work), errors_(errors) {}

  void Start(int depth) {
    if (count_ == 0) return finished_.set_value();
    for (int k = 0; k < depth; ++k) StartNext();
  }
  void Wait() { finished_.get_future().wait(); }

 private:
  void StartNext() {
    const int item = next_.fetch_add(1);
    if (item >= count_) return;
    work_(client_, index_, item, [this](const Status& status) {
      if (!status.ok()) ++errors_;
      if (done_.fetch_add(1) + 1 == count_) return finished_.set_value();
      StartNext();
    });
  }

  client::BucketClient& client_;
  const int index_;
  const int count_;
  const AsyncWork& work_;
  std::atomic<std::uint64_t>& errors_;
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::promise<void> finished_;
};

// The same phase with `depth` calls in flight per client.
PhaseResult RunPipelinedPhase(const std::string& name,
                              std::vector<std::unique_ptr<client::BucketClient>>& clients,
                              int per_client, int depth, const AsyncWork& work) {
  std::atomic<std::uint64_t> errors{0};
  std::vector<std::unique_ptr<PipelinedRun>> runs;
  for (std::size_t c = 0; c < clients.size(); ++c) {
    runs.push_back(std::make_unique<PipelinedRun>(*clients[c], static_cast<int>(c), per_client,
                                                  work, errors));
  }
  const auto start = Clock::now();
  for (auto& run : runs) run->Start(depth);
  for (auto& run : runs) run->Wait();
  return PhaseResult{name, static_cast<std::uint64_t>(per_client) * clients.size(), errors,
                     std::chrono::duration<double>(Clock::now() - start).count()};
}

}  // namespace

Result<std::vector<PhaseResult>> RunMetaBench(
    const config::ClientConfig& client_config, const MetaOptions& options,
    const std::function<void(const std::string&)>& between_phases) {
  std::vector<std::unique_ptr<client::BucketClient>> clients;
  for (int c = 0; c < options.clients; ++c) {
    auto client = client::BucketClient::Connect(client_config);
    if (!client.ok()) return client.status();
    clients.push_back(std::move(*client));
  }
  const std::string root = "/bench-" + std::to_string(std::random_device{}() % 1000000);
  auto dir = [&](int c) { return root + "/c" + std::to_string(c); };
  auto file = [&](int c, int i) { return dir(c) + "/f" + std::to_string(i); };
  BUCKET_RETURN_IF_ERROR(clients[0]->Mkdir(root, true));
  for (int c = 0; c < options.clients; ++c) BUCKET_RETURN_IF_ERROR(clients[0]->Mkdir(dir(c)));

  const int per_client = options.files / options.clients;
  std::vector<PhaseResult> results;
  between_phases("start");
  const int depth = std::max(1, options.depth);
  results.push_back(RunPipelinedPhase(
      "create", clients, per_client, depth,
      [&](client::BucketClient& cl, int c, int i, std::function<void(Status)> done) {
        cl.CreateAsync(file(c, i), {}, std::move(done));
      }));
  between_phases("create");
  results.push_back(RunPipelinedPhase(
      "stat", clients, per_client, depth,
      [&](client::BucketClient& cl, int c, int i, std::function<void(Status)> done) {
        cl.StatAsync(file(c, i), [done = std::move(done)](Result<client::FileStat> stat) {
          done(stat.status());
        });
      }));
  between_phases("stat");
  results.push_back(RunPhase("list", clients, options.lists_per_client,
                             [&](client::BucketClient& cl, int c, int) {
                               return cl.List(dir(c)).status();
                             }));
  between_phases("list");
  client::RemoveOptions purge;
  purge.purge = true;
  results.push_back(RunPipelinedPhase(
      "delete", clients, per_client, depth,
      [&](client::BucketClient& cl, int c, int i, std::function<void(Status)> done) {
        cl.RemoveAsync(file(c, i), purge, std::move(done));
      }));
  between_phases("delete");
  client::RemoveOptions recursive;
  recursive.recursive = true;
  recursive.purge = true;
  (void)clients[0]->Remove(root, recursive);
  return results;
}

}  // namespace bucket::bench
