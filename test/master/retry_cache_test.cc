#include "actors/master/retry_cache.h"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

namespace bucket::master {
namespace {

using Entries = std::vector<std::tuple<std::string, std::uint64_t, std::int64_t>>;
// Inside every test's window.
constexpr std::int64_t kNow = 1000;

Entries All(const RetryCache& cache) {
  Entries all;
  cache.ForEach([&](const std::string& client, std::uint64_t request, std::int64_t ms) {
    all.emplace_back(client, request, ms);
  });
  return all;
}

TEST_CASE("retry cache: remembers each client's requests apart", "[unit][master]") {
  RetryCache cache;
  cache.Insert("a", 1, 100);
  cache.Insert("a", 2, 100);
  cache.Insert("b", 1, 100);
  CHECK(cache.Contains("a", 1, kNow));
  CHECK(cache.Contains("a", 2, kNow));
  CHECK(cache.Contains("b", 1, kNow));
  CHECK_FALSE(cache.Contains("b", 2, kNow));
  CHECK_FALSE(cache.Contains("c", 1, kNow));
  cache.Insert("a", 2, 200);  // a repeat is one entry, with its first time
  CHECK(cache.size() == 3);
  CHECK(All(cache) == Entries{{"a", 1, 100}, {"a", 2, 100}, {"b", 1, 100}});
}

TEST_CASE("retry cache: a request answered late is found among later ones", "[unit][master]") {
  RetryCache cache;
  for (std::uint64_t r : {5, 6, 9, 7, 2}) cache.Insert("a", r, 100);
  for (std::uint64_t r : {2, 5, 6, 7, 9}) CHECK(cache.Contains("a", r, kNow));
  for (std::uint64_t r : {1, 3, 4, 8, 10}) CHECK_FALSE(cache.Contains("a", r, kNow));
}

TEST_CASE("retry cache: forgets what is older than the window", "[unit][master]") {
  RetryCache cache(/*window_ms=*/1000, /*entries_max=*/100);
  cache.Insert("a", 1, 0);
  cache.Insert("a", 2, 500);
  CHECK(cache.Contains("a", 1, 1000));
  // Past the window it is not an answer any more, inserted after it or not.
  CHECK_FALSE(cache.Contains("a", 1, 1001));
  CHECK(cache.Contains("a", 2, 1001));
  cache.Insert("a", 3, 1200);  // and an insert drops it
  CHECK(cache.size() == 2);
  CHECK(All(cache) == Entries{{"a", 2, 500}, {"a", 3, 1200}});
}

TEST_CASE("retry cache: an idle client's entries go with the window too", "[unit][master]") {
  RetryCache cache(/*window_ms=*/1000, /*entries_max=*/1 << 20);
  for (std::uint64_t r = 1; r <= 100; ++r) cache.Insert("idle-" + std::to_string(r), 1, 10);
  cache.Insert("busy", 1, 2000);  // the others are past the window now
  CHECK(cache.size() == 1);
  CHECK(All(cache) == Entries{{"busy", 1, 2000}});
}

TEST_CASE("retry cache: stays within its bound by dropping the oldest", "[unit][master]") {
  RetryCache cache(/*window_ms=*/1000000, /*entries_max=*/3);
  cache.Insert("a", 1, 10);
  cache.Insert("b", 1, 20);
  cache.Insert("a", 2, 30);
  cache.Insert("a", 2, 35);  // a repeat at the bound evicts nothing
  CHECK(cache.Contains("a", 1, kNow));
  cache.Insert("b", 2, 40);  // over the bound: a#1 (time 10) goes
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.Contains("a", 1, kNow));
  CHECK(cache.Contains("b", 1, kNow));
  CHECK(cache.Contains("a", 2, kNow));
  CHECK(cache.Contains("b", 2, kNow));
}

TEST_CASE("retry cache: what ForEach gives back rebuilds the same cache", "[unit][master]") {
  RetryCache cache;
  for (std::uint64_t r = 1; r <= 50; ++r) cache.Insert("client-" + std::to_string(r % 7), r, 1000 + r);
  RetryCache rebuilt;
  for (const auto& [client, request, ms] : All(cache)) rebuilt.Insert(client, request, ms);
  CHECK(All(rebuilt) == All(cache));
}

}  // namespace
}  // namespace bucket::master
