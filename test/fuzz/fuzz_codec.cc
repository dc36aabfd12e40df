// libFuzzer target: the message codec. The first two bytes pick a kind, the
// rest is its body; the whole input is also tried as a header. Decoding must
// never crash or allocate without bound, and whatever decodes must re-encode
// to bytes that decode to the same bytes again (no value changes on a resend).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "messages/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bucket::messages;
  (void)DecodeHeader(data, size);
  if (size < 2) return 0;
  const auto kind = static_cast<Kind>(data[0] | (data[1] << 8));
  auto decoded = DecodeBody(kind, data + 2, size - 2);
  if (!decoded.ok()) return 0;
  if (KindOf(*decoded) != kind) std::abort();
  const std::string first(EncodeBody(*decoded).view());
  auto again = DecodeBody(kind, first.data(), first.size());
  if (!again.ok()) std::abort();  // what we encode, we must accept
  if (std::string(EncodeBody(*again).view()) != first) std::abort();
  return 0;
}
