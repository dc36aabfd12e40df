#include "nodes/bench/data_bench.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <future>
#include <random>
#include <thread>

#include "client/bucket_client.h"
#include "nodes/bench/machine_cpu.h"

namespace bucket::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Incompressible bytes, made once: the cost of making them is not measured.
std::shared_ptr<const std::string> RandomBlock(std::size_t size) {
  static std::shared_ptr<std::string> block = std::make_shared<std::string>();
  if (block->size() < size) {
    std::mt19937_64 random(42);
    auto made = std::make_shared<std::string>(size, '\0');
    for (std::size_t i = 0; i + 8 <= size; i += 8) {
      const std::uint64_t word = random();
      std::memcpy(made->data() + i, &word, 8);
    }
    block = std::move(made);
  }
  return block;
}

using ClientWork = std::function<Status(client::BucketClient&, int index)>;

struct Timed {
  double seconds = 0;      // from the start to the last finish
  double cpu_seconds = 0;  // the machine's busy CPU time meanwhile, all cores
  std::uint64_t local_read_bytes = 0;  // by short-circuit reads
};

// Runs `work` on `clients` threads, each with its own connection, all
// starting together.
Result<Timed> RunClients(const config::ClientConfig& config, int clients, const ClientWork& work) {
  std::vector<std::unique_ptr<client::BucketClient>> connections;
  for (int i = 0; i < clients; ++i) {
    auto connected = client::BucketClient::Connect(config);
    if (!connected.ok()) return connected.status();
    connections.push_back(std::move(*connected));
  }
  std::vector<std::future<Status>> done;
  auto busy_before = MachineBusySeconds();
  if (!busy_before.ok()) return busy_before.status();
  const auto start = Clock::now();
  for (int i = 0; i < clients; ++i) {
    done.push_back(std::async(std::launch::async,
                              [&, i] { return work(*connections[i], i); }));
  }
  Status first_error = Status::Ok();
  for (auto& d : done) {
    Status s = d.get();
    if (!s.ok() && first_error.ok()) first_error = s;
  }
  Timed timed;
  timed.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto busy_after = MachineBusySeconds();
  if (!first_error.ok()) return first_error;
  if (!busy_after.ok()) return busy_after.status();
  timed.cpu_seconds = *busy_after - *busy_before;
  for (const auto& c : connections) timed.local_read_bytes += c->LocalReadBytes();
  return timed;
}

std::string FilePath(const std::string& what, int replication, int run, int client) {
  return "/bench/" + what + "-r" + std::to_string(replication) + "-" + std::to_string(run) + "-" +
         std::to_string(client);
}

// Writes `size` bytes to a new file in chunk-sized calls, the next call's
// bytes prepared while the previous one is in flight (as `bucket put` does).
Status WriteFile(client::BucketClient& c, const std::string& path, std::uint64_t size,
                 const DataOptions& options, int replication) {
  client::CreateOptions create;
  create.replication = static_cast<std::uint32_t>(replication);
  create.chunk_size = options.chunk_size;
  create.parents = true;
  create.overwrite = true;
  BUCKET_RETURN_IF_ERROR(c.Create(path, create));
  const std::uint64_t step = options.chunk_size;
  // Every block is the same shared bytes, written without a copy (as a
  // program writing from its own buffers would).
  const auto source = RandomBlock(step);
  std::future<Status> in_flight;
  for (std::uint64_t offset = 0; offset < size; offset += step) {
    Payload block = Payload::Wrap(source, reinterpret_cast<const std::uint8_t*>(source->data()),
                                  std::min(step, size - offset));
    if (in_flight.valid()) BUCKET_RETURN_IF_ERROR(in_flight.get());
    in_flight = std::async(std::launch::async, [&c, path, offset, block]() {
      return c.Write(path, offset, block);
    });
  }
  return in_flight.valid() ? in_flight.get() : Status::Ok();
}

Status RemoveAll(const config::ClientConfig& config) {
  auto c = client::BucketClient::Connect(config);
  if (!c.ok()) return c.status();
  client::RemoveOptions options;
  options.recursive = true;
  options.purge = true;  // the benchmark's bytes need not wait in the trash
  Status removed = (*c)->Remove("/bench", options);
  return removed.code() == Code::kNotFound ? Status::Ok() : removed;
}

// The chunks all chunkservers hold, as of their last heartbeats.
Result<std::uint64_t> HeldChunks(client::BucketClient& c) {
  auto state = c.ClusterStatus();
  if (!state.ok()) return state.status();
  std::uint64_t held = 0;
  for (const auto& node : state->chunkservers) held += node.load.chunk_count;
  return held;
}

// Waits until the chunkservers hold no more than `chunks_before` chunks, for at
// most kSettleBound. Removed files' chunks are deleted lazily, at the
// heartbeats after the remove: a run started before then would measure their
// deletion (gigabytes of pages freed) along with its own work, and write into
// fresh memory instead of memory just freed.
Status SettleDeletes(const config::ClientConfig& config, std::uint64_t chunks_before) {
  constexpr auto kSettleBound = std::chrono::seconds(20);
  const auto give_up = Clock::now() + kSettleBound;
  auto c = client::BucketClient::Connect(config);
  if (!c.ok()) return c.status();
  for (;;) {
    auto held = HeldChunks(**c);
    if (!held.ok()) return held.status();
    if (*held <= chunks_before) return Status::Ok();
    if (Clock::now() > give_up) {
      std::fprintf(stderr,
                   "bucket-bench: the chunkservers still hold %llu chunks (%llu before the "
                   "benchmark) after %llds; going on\n",
                   static_cast<unsigned long long>(*held),
                   static_cast<unsigned long long>(chunks_before),
                   static_cast<long long>(kSettleBound.count()));
      return Status::Ok();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polled: counts change at heartbeats
  }
}

// Measures one figure: `runs` times, `prepare` (untimed) then `work` on C clients.
Result<Figure> Measure(const config::ClientConfig& config, const DataOptions& options,
                       Figure figure, std::uint64_t bytes_per_run,
                       const std::function<Status(int run)>& prepare,
                       const std::function<ClientWork(int run)>& work) {
  double local_bytes = 0;
  for (int run = 0; run < options.runs; ++run) {
    BUCKET_RETURN_IF_ERROR(RemoveAll(config));
    BUCKET_RETURN_IF_ERROR(SettleDeletes(config, options.chunks_before));
    if (prepare) BUCKET_RETURN_IF_ERROR(prepare(run));
    auto timed = RunClients(config, figure.clients, work(run));
    if (!timed.ok()) {
      return Status(timed.status().code(),
                    figure.name + " with " + std::to_string(figure.clients) + " clients: " +
                        timed.status().message());
    }
    const double bytes = static_cast<double>(bytes_per_run);
    figure.bytes_per_s.push_back(bytes / timed->seconds);
    figure.cpu_seconds_per_gb.push_back(timed->cpu_seconds / (bytes / 1e9));
    local_bytes += static_cast<double>(timed->local_read_bytes);
  }
  figure.local_read_share = local_bytes / (static_cast<double>(bytes_per_run) * options.runs);
  BUCKET_RETURN_IF_ERROR(RemoveAll(config));
  return figure;
}

std::vector<int> ClientCounts(const DataOptions& options) {
  return options.clients > 1 ? std::vector<int>{1, options.clients} : std::vector<int>{1};
}

}  // namespace

Result<std::uint64_t> HeldChunks(const config::ClientConfig& config) {
  auto c = client::BucketClient::Connect(config);
  if (!c.ok()) return c.status();
  return HeldChunks(**c);
}

Result<std::vector<Figure>> BenchWrite(const config::ClientConfig& config,
                                       const DataOptions& options, int replication) {
  std::vector<Figure> figures;
  for (int clients : ClientCounts(options)) {
    const std::uint64_t share = options.file_size / clients;
    Figure figure{"write", clients, replication};
    auto measured = Measure(config, options, figure, share * clients, nullptr, [&](int run) {
      return [&, run](client::BucketClient& c, int i) {
        return WriteFile(c, FilePath("w", replication, run, i), share, options, replication);
      };
    });
    if (!measured.ok()) return measured.status();
    figures.push_back(std::move(*measured));
  }
  return figures;
}

namespace {

// BenchRead's figures for one client configuration, named with `suffix`.
Result<std::vector<Figure>> BenchReadWith(const config::ClientConfig& config,
                                          const DataOptions& options, int replication,
                                          const std::string& suffix) {
  std::vector<Figure> figures;
  const std::uint64_t read_size = std::min(options.read_size, options.file_size);
  for (int clients : ClientCounts(options)) {
    const std::uint64_t share = options.file_size / clients / read_size * read_size;
    // The files are written (untimed) before each run's reads.
    auto prepare = [&, clients](int run) -> Status {
      auto seconds = RunClients(config, clients, [&](client::BucketClient& c, int i) {
        return WriteFile(c, FilePath("r", replication, run, i), share, options, replication);
      });
      return seconds.ok() ? Status::Ok() : seconds.status();
    };
    Figure sequential{"read" + suffix, clients, replication};
    auto measured = Measure(config, options, sequential, share * clients, prepare, [&](int run) {
      return [&, run](client::BucketClient& c, int i) -> Status {
        const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        Status got = c.Get(FilePath("r", replication, run, i), null_fd);
        ::close(null_fd);
        return got;
      };
    });
    if (!measured.ok()) return measured.status();
    figures.push_back(std::move(*measured));

    Figure random{"read-random" + suffix, clients, replication};
    const std::uint64_t reads = share / read_size;
    measured = Measure(config, options, random, reads * read_size * clients, prepare,
                       [&](int run) {
      return [&, run](client::BucketClient& c, int i) -> Status {
        std::mt19937_64 pick(1000 * run + i);
        const std::string path = FilePath("r", replication, run, i);
        for (std::uint64_t n = 0; n < reads; ++n) {
          const std::uint64_t offset = (pick() % reads) * read_size;
          auto bytes = c.Read(path, offset, read_size);
          if (!bytes.ok()) return bytes.status();
          if (bytes->size() != read_size) {
            return Status::Internal("short read at " + std::to_string(offset) + ": " +
                                    std::to_string(bytes->size()) + " bytes");
          }
        }
        return Status::Ok();
      };
    });
    if (!measured.ok()) return measured.status();
    figures.push_back(std::move(*measured));
  }
  return figures;
}

}  // namespace

Result<std::vector<Figure>> BenchRead(const config::ClientConfig& config,
                                      const DataOptions& options, int replication) {
  auto figures = BenchReadWith(config, options, replication, "");
  if (!figures.ok() || !config.short_circuit_reads) return figures;
  // And through the chunkservers, as a client on another host reads.
  config::ClientConfig through = config;
  through.short_circuit_reads = false;
  auto net = BenchReadWith(through, options, replication, "-net");
  if (!net.ok()) return net.status();
  figures->insert(figures->end(), net->begin(), net->end());
  return figures;
}

Result<std::vector<Figure>> BenchAppend(const config::ClientConfig& config,
                                        const DataOptions& options, int replication) {
  std::vector<Figure> figures;
  const std::string record = RandomBlock(options.record_size)->substr(0, options.record_size);
  for (int clients : ClientCounts(options)) {
    const std::uint64_t records = options.file_size / options.record_size / clients;
    auto prepare = [&](int run) -> Status {
      auto c = client::BucketClient::Connect(config);
      if (!c.ok()) return c.status();
      client::CreateOptions create;
      create.replication = static_cast<std::uint32_t>(replication);
      create.chunk_size = options.chunk_size;
      create.parents = true;
      return (*c)->Create(FilePath("a", replication, run, 0), create);
    };
    Figure figure{"append", clients, replication};
    auto measured = Measure(config, options, figure, records * clients * options.record_size,
                            prepare, [&](int run) {
      return [&, run](client::BucketClient& c, int) -> Status {
        const std::string path = FilePath("a", replication, run, 0);  // one file for all
        for (std::uint64_t n = 0; n < records; ++n) {
          auto offset = c.Append(path, record);
          if (!offset.ok()) return offset.status();
        }
        return Status::Ok();
      };
    });
    if (!measured.ok()) return measured.status();
    figures.push_back(std::move(*measured));
  }
  return figures;
}

}  // namespace bucket::bench
