// bucket-bench write, read and append: the data path of a real cluster, as a
// client program sees it, for one client and for C at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/client_config.h"
#include "messages/status.h"
#include "nodes/bench/figure.h"

namespace bucket::bench {

struct DataOptions {
  int clients = 4;                          // the "C" of the many-client figures
  std::uint64_t file_size = 1ull << 30;     // bytes moved per run, split among the clients
  std::uint64_t chunk_size = 64ull << 20;
  std::uint64_t read_size = 4ull << 20;     // one random read
  std::uint64_t record_size = 64ull << 10;  // one record append
  int runs = 3;
  // Chunks the chunkservers held before the benchmark wrote any: after each
  // run's files are removed, the next run waits until they hold no more.
  std::uint64_t chunks_before = 0;
};

// The chunks all chunkservers hold, as of their last heartbeats.
Result<std::uint64_t> HeldChunks(const config::ClientConfig& client);

// Sequential write of new files at `replication`: 1 client, then C.
Result<std::vector<Figure>> BenchWrite(const config::ClientConfig& client,
                                       const DataOptions& options, int replication);
// Sequential and random reads of files written first: 1 client, then C. With
// short-circuit reads on in `client`, again with them off ("read-net"...): the
// first as a client on the chunkservers' host reads, the second as one on
// another host.
Result<std::vector<Figure>> BenchRead(const config::ClientConfig& client,
                                      const DataOptions& options, int replication);
// Record append of fixed-size records to one file: 1 client, then C.
Result<std::vector<Figure>> BenchAppend(const config::ClientConfig& client,
                                        const DataOptions& options, int replication);

}  // namespace bucket::bench
