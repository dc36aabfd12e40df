// What integration tests share: a client connected to a LocalCluster, and
// reproducible random bytes.
#pragma once

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <random>
#include <string>

#include "client/bucket_client.h"
#include "test/support/local_cluster.h"

namespace bucket::testing {

inline std::string Random(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; i += 8) {
    const std::uint64_t word = rng();
    std::memcpy(s.data() + i, &word, std::min<std::size_t>(8, n - i));
  }
  return s;
}

inline std::unique_ptr<client::BucketClient> Connect(const LocalCluster& cluster,
                                                     std::int64_t timeout_ms = 2000) {
  config::ClientConfig cc;
  cc.master_rpc = cluster.master_rpc();
  cc.request_timeout_ms = timeout_ms;
  auto client = client::BucketClient::Connect(cc);
  REQUIRE(client.ok());
  return std::move(*client);
}

}  // namespace bucket::testing
