// PushBuffers: what a chunkserver holds of pushed data, and that its memory
// stays within the capacity whatever arrives.
#include <catch2/catch.hpp>

#include "actors/chunkserver/push_buffers.h"

namespace bucket::chunkserver {
namespace {

using actors::Millis;

Payload Bytes(std::size_t n) { return Payload::FromString(std::string(n, 'x')); }

TEST_CASE("push buffers: a push of one piece is reserved as it arrives, or refused holding nothing",
          "[chunkserver][push]") {
  PushBuffers buffers(100, Millis(1000));
  REQUIRE(buffers.AdmitUnreserved("a", 60, Millis(0)).ok());
  REQUIRE(buffers.Add("a", 0, 60, Bytes(60), {}, Millis(0)).value());
  CHECK(buffers.reserved_bytes() == 60);
  CHECK(buffers.Check("a", 60).ok());

  Status refused = buffers.AdmitUnreserved("b", 60, Millis(0));
  CHECK(refused.code() == Code::kBusy);
  CHECK(refused.message().find("push buffers full") != std::string::npos);
  // Its mutation fails at once with the same error, and its bytes are not kept.
  CHECK(buffers.Complete("b"));
  CHECK(buffers.Check("b", 60).code() == Code::kBusy);
  CHECK(buffers.Add("b", 0, 60, Bytes(60), {}, Millis(0)).value());
  CHECK(buffers.Pieces("b").pieces.empty());
  CHECK(buffers.reserved_bytes() == 60);

  buffers.Release("b");
  buffers.Release("a");
  CHECK(buffers.reserved_bytes() == 0);
}

TEST_CASE("push buffers: damaged data of an unreserved push keeps nothing, nor do later pieces",
          "[chunkserver][push]") {
  PushBuffers buffers(100, Millis(1000));
  buffers.MarkCorrupt("c", 80, "damaged in transit", Millis(0));
  CHECK(buffers.Complete("c"));
  CHECK(buffers.Check("c", 80).code() == Code::kCorruption);
  CHECK(buffers.Add("c", 0, 80, Bytes(40), {}, Millis(0)).value());
  CHECK(buffers.Add("c", 40, 80, Bytes(40), {}, Millis(0)).value());
  CHECK(buffers.Pieces("c").pieces.empty());
  CHECK(buffers.reserved_bytes() == 0);
  CHECK(buffers.Expire(Millis(2000)) == std::vector<std::string>{"c"});
}

TEST_CASE("push buffers: a piece whose offset runs past the push is refused, not wrapped",
          "[chunkserver][push]") {
  PushBuffers buffers(100, Millis(1000));
  REQUIRE(buffers.Reserve("d", 50, Millis(0)).ok());
  auto wrapped = buffers.Add("d", ~std::uint64_t{0} - 5, 50, Bytes(10), {}, Millis(0));
  CHECK(wrapped.status().code() == Code::kInvalidArgument);
  CHECK_FALSE(buffers.Complete("d"));
}

}  // namespace
}  // namespace bucket::chunkserver
