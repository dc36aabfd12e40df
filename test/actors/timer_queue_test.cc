#include "actors/core/timer_queue.h"

#include <catch2/catch.hpp>

namespace bucket::actors {
namespace {

TEST_CASE("timers fire in deadline order, ties in arming order", "[unit][runtime]") {
  TimerQueue q;
  q.Set(1, Millis(30));
  q.Set(2, Millis(10));
  q.Set(3, Millis(10));
  REQUIRE(q.NextDeadline() == Millis(10));
  CHECK(q.PopExpired(Millis(9)).empty());
  CHECK(q.PopExpired(Millis(10)) == std::vector<TimerId>{2, 3});
  CHECK(q.PopExpired(Millis(100)) == std::vector<TimerId>{1});
  CHECK_FALSE(q.NextDeadline().has_value());
}

TEST_CASE("re-arming moves a timer, cancel removes it", "[unit][runtime]") {
  TimerQueue q;
  q.Set(7, Millis(10));
  q.Set(7, Millis(50));
  CHECK(q.size() == 1);
  CHECK(q.PopExpired(Millis(20)).empty());
  q.Cancel(7);
  q.Cancel(99);  // unknown: no-op
  CHECK(q.PopExpired(Millis(100)).empty());
}

}  // namespace
}  // namespace bucket::actors
