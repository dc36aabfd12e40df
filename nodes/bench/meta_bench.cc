#include "nodes/bench/meta_bench.h"

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "client/bucket_client.h"

namespace bucket::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Runs `work(client_index, item)` for items [0, count) split over the clients,
// each client on its own thread; returns the phase's result.
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
  PhaseResult result;
  result.name = name;
  result.ops = static_cast<std::uint64_t>(per_client) * clients.size();
  result.errors = errors;
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
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
  results.push_back(RunPhase("create", clients, per_client,
                             [&](client::BucketClient& cl, int c, int i) {
                               return cl.Create(file(c, i));
                             }));
  between_phases("create");
  results.push_back(RunPhase("stat", clients, per_client,
                             [&](client::BucketClient& cl, int c, int i) {
                               return cl.Stat(file(c, i)).status();
                             }));
  between_phases("stat");
  results.push_back(RunPhase("list", clients, options.lists_per_client,
                             [&](client::BucketClient& cl, int c, int) {
                               return cl.List(dir(c)).status();
                             }));
  between_phases("list");
  client::RemoveOptions purge;
  purge.purge = true;
  results.push_back(RunPhase("delete", clients, per_client,
                             [&](client::BucketClient& cl, int c, int i) {
                               return cl.Remove(file(c, i), purge);
                             }));
  between_phases("delete");
  client::RemoveOptions recursive;
  recursive.recursive = true;
  recursive.purge = true;
  (void)clients[0]->Remove(root, recursive);
  return results;
}

}  // namespace bucket::bench
