#include "messages/codec.h"

#include <catch2/catch.hpp>
#include <random>
#include <set>

#include "test/support/sample_messages.h"

namespace bucket::messages {
namespace {

using testing::OneOfEach;
using testing::SomeAddress;

Message RoundTrip(const Message& message) {
  Header header;
  header.kind = KindOf(message);
  header.request_id = 77;
  header.sender = "tester";
  EncodedMessage encoded = Encode(header, message);
  auto decoded_header = DecodeHeader(encoded.header.data(), encoded.header.size());
  REQUIRE(decoded_header.ok());
  CHECK(decoded_header->request_id == 77);
  CHECK(decoded_header->sender == "tester");
  CHECK(decoded_header->kind == header.kind);
  auto decoded = DecodeBody(decoded_header->kind, encoded.body.data(), encoded.body.size());
  REQUIRE(decoded.ok());
  return std::move(*decoded);
}

TEST_CASE("every message kind is unique", "[unit][messages]") {
  std::set<Kind> kinds;
  for (const Message& m : OneOfEach()) kinds.insert(KindOf(m));
  CHECK(kinds.size() == std::variant_size_v<Message>);
}

TEST_CASE("every message round-trips through the codec", "[unit][messages]") {
  const auto all = OneOfEach();
  REQUIRE(all.size() == std::variant_size_v<Message>);  // a new message needs a line above
  for (const Message& original : all) {
    INFO(KindName(KindOf(original)));
    const Message copy = RoundTrip(original);
    REQUIRE(copy.index() == original.index());
    // Re-encoding the copy must give identical bytes.
    CHECK(EncodeBody(copy).view() == EncodeBody(original).view());
  }
}

TEST_CASE("round-tripped fields keep their values", "[unit][messages]") {
  auto copy = std::get<RegisterRequest>(RoundTrip(OneOfEach()[3]));
  CHECK(copy.address.node_id == "chunkserver-1");
  CHECK(copy.address.rack == "rack-a");
  CHECK(copy.incarnation == 42);
  REQUIRE(copy.replicas.size() == 2);
  CHECK(copy.replicas[1].version == 5);
  CHECK(copy.load.free_bytes == 60);
}

TEST_CASE("a wrong protocol major is refused with ProtocolMismatch", "[unit][messages]") {
  Header header;
  header.protocol_major = kProtocolMajor + 1;
  Payload bytes = EncodeHeader(header);
  auto decoded = DecodeHeader(bytes.data(), bytes.size());
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kProtocolMismatch);
}

TEST_CASE("an unknown kind is refused", "[unit][messages]") {
  Payload body = EncodeBody(ClusterStatusRequest{});
  auto decoded = DecodeBody(static_cast<Kind>(9999), body.data(), body.size());
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kUnsupported);
}

TEST_CASE("truncated bodies are errors, never crashes", "[unit][messages]") {
  for (const Message& m : OneOfEach()) {
    Payload body = EncodeBody(m);
    for (std::size_t n = 0; n < body.size(); ++n) {
      // The outer array header promises more than a strict prefix holds.
      auto decoded = DecodeBody(KindOf(m), body.data(), n);
      CHECK_FALSE(decoded.ok());
    }
  }
}

TEST_CASE("trailing bytes are refused", "[unit][messages]") {
  Payload body = EncodeBody(ReregisterCommand{"x"});
  std::string bytes(body.view());
  bytes.push_back('\0');
  auto decoded = DecodeBody(Kind::kReregisterCommand, bytes.data(), bytes.size());
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kCorruption);
}

TEST_CASE("a tiny message claiming a huge array is refused without allocating it",
          "[unit][messages]") {
  // array32 header claiming 0xFFFFFFFF elements: msgpack would allocate ~100 GB.
  const unsigned char bomb[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
  auto decoded = DecodeBody(Kind::kRegisterRequest, bomb, sizeof(bomb));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kCorruption);
  const unsigned char str_bomb[] = {0x91, 0xdb, 0xff, 0xff, 0xff, 0xff};
  CHECK_FALSE(DecodeBody(Kind::kReregisterCommand, str_bomb, sizeof(str_bomb)).ok());
  auto header = DecodeHeader(bomb, sizeof(bomb));
  CHECK_FALSE(header.ok());
}

TEST_CASE("wrong field types are refused", "[unit][messages]") {
  // ReregisterCommand{reason: string} given an integer.
  const unsigned char wrong[] = {0x91, 0x05};
  auto decoded = DecodeBody(Kind::kReregisterCommand, wrong, sizeof(wrong));
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kCorruption);
}

TEST_CASE("validation runs on decode: a bad node id is refused", "[unit][messages]") {
  Heartbeat hb{SomeAddress(), {}, 1, 1};
  hb.address.node_id = "bad id with spaces";
  Payload body = EncodeBody(hb);
  auto decoded = DecodeBody(Kind::kHeartbeat, body.data(), body.size());
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().code() == Code::kInvalidArgument);
  hb.address.node_id = "cs";
  hb.address.rpc_endpoint = "http://x";
  body = EncodeBody(hb);
  CHECK_FALSE(DecodeBody(Kind::kHeartbeat, body.data(), body.size()).ok());
}

TEST_CASE("random bytes never crash the decoder", "[unit][messages]") {
  std::mt19937_64 rng(1234);
  const auto all = OneOfEach();
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(rng() % 64, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    // Also mutate real encodings, which reach deeper into the decoders.
    if (round % 2 == 0) {
      bytes = std::string(EncodeBody(all[rng() % all.size()]).view());
      if (!bytes.empty()) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    }
    const Kind kind = KindOf(all[rng() % all.size()]);
    auto body = DecodeBody(kind, bytes.data(), bytes.size());
    auto header = DecodeHeader(bytes.data(), bytes.size());
    (void)body;
    (void)header;
  }
  SUCCEED("20000 hostile inputs decoded without a crash");
}

TEST_CASE("an old peer's shorter struct decodes with defaults, extra fields are ignored",
          "[unit][messages]") {
  // An older RegisterResponse without heartbeat_interval_ms: [code, detail].
  msgpack::sbuffer old;
  msgpack::pack(old, std::make_tuple(0, std::string("hi")));
  auto decoded = DecodeBody(Kind::kRegisterResponse, old.data(), old.size());
  REQUIRE(decoded.ok());
  CHECK(std::get<RegisterResponse>(*decoded).heartbeat_interval_ms == 1000);
  // A newer one with an extra trailing field.
  msgpack::sbuffer newer;
  msgpack::pack(newer, std::make_tuple(0, std::string("hi"), 250, std::vector<int>{}, 3000,
                                       std::string("a field from the future")));
  decoded = DecodeBody(Kind::kRegisterResponse, newer.data(), newer.size());
  REQUIRE(decoded.ok());
  CHECK(std::get<RegisterResponse>(*decoded).heartbeat_interval_ms == 250);
  // A client that does not say how long it waits for a write's answer.
  msgpack::sbuffer unsaid;
  msgpack::pack(unsaid, std::make_tuple(5, 6, 0, std::string("c-1"), 4096));
  decoded = DecodeBody(Kind::kWriteRequest, unsaid.data(), unsaid.size());
  REQUIRE(decoded.ok());
  CHECK(std::get<WriteRequest>(*decoded).length == 4096);
  CHECK(std::get<WriteRequest>(*decoded).answer_within_ms == 0);
}

}  // namespace
}  // namespace bucket::messages
