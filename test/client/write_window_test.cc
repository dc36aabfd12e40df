// WriteWindow: the writers of one process share their mutations in flight.
#include <catch2/catch.hpp>

#include "client/write_window.h"

namespace bucket::client {
namespace {

TEST_CASE("write window: writers share the total, never below the minimum each",
          "[client]") {
  WriteWindow window(8, 2);
  CHECK(window.PerWriter() == 8);  // nobody writing: a first writer gets it all
  window.Join();
  CHECK(window.PerWriter() == 8);
  window.Join();
  CHECK(window.PerWriter() == 4);
  window.Join();
  CHECK(window.PerWriter() == 2);  // 8 / 3, rounded down
  window.Join();
  window.Join();
  CHECK(window.writers() == 5);
  CHECK(window.PerWriter() == 2);  // the minimum, though 5 x 2 > 8
  for (int i = 0; i < 4; ++i) window.Leave();
  CHECK(window.PerWriter() == 8);
  window.Leave();
  CHECK(window.writers() == 0);
}

TEST_CASE("write window: a minimum above the total is the total", "[client]") {
  WriteWindow window(3, 10);
  window.Join();
  window.Join();
  CHECK(window.PerWriter() == 3);
  WriteWindow empty(0, 0);  // a window always lets one mutation through
  empty.Join();
  CHECK(empty.PerWriter() == 1);
}

}  // namespace
}  // namespace bucket::client
