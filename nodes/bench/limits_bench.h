// bucket-bench limits: what this machine can move without Bucket, measured in
// the same run, so that each data figure can be given as a share of its limit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "messages/status.h"
#include "nodes/bench/figure.h"

namespace bucket::bench {

struct LimitOptions {
  std::uint64_t bytes = 1ull << 30;       // moved per measurement
  std::uint64_t piece_size = 1ull << 20;  // the data path's piece size
  std::vector<int> chain_hops = {1, 3};   // one per replication factor
  std::string file_dir = "/tmp";          // where the file limits write (the cluster's disk)
  int runs = 3;
  bool curve = false;  // also the chains with CurveZMQ on every link
};

// Figures named: "zmq-chain-<H>" (PUSH/PULL over loopback TCP through H hops,
// each middle hop forwarding as it receives), "zmq-chain-crc-<H>" (the same
// with a CRC32C of each piece at every hop), "zmq-chain-curve-<H>" (encrypted
// with CurveZMQ, if asked), "memcpy", "crc32c",
// "file-write-<H>" (H buffered writers at once, bytes per writer per second)
// and "file-read".
Result<std::vector<Figure>> MeasureLimits(const LimitOptions& options);

// The figure named `name`, or nullptr.
const Figure* FindFigure(const std::vector<Figure>& figures, const std::string& name);

}  // namespace bucket::bench
