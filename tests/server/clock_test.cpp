// Tests of the controllable protocol clock (reference_server/include/smbserver/clock.hpp).
#include "smbserver/clock.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace smb::server {
namespace {

using namespace std::chrono_literals;

/** A fake real-time source the test moves by hand (no sleeping). */
struct FakeReal {
  Clock::TimePoint t{std::chrono::hours(1)};
  Clock::RealSource source() {
    return [this] { return t; };
  }
};

TEST(Clock, NowIsRealTimePlusOffset) {
  FakeReal real;
  Clock c(real.source());
  EXPECT_EQ(c.now(), real.t);
  c.advance(5s);
  EXPECT_EQ(c.now(), real.t + 5s);
  EXPECT_EQ(c.offset(), Clock::Duration(5s));
  real.t += 1s;
  EXPECT_EQ(c.now(), real.t + 5s);
}

TEST(Clock, AdvanceBy35sFiresA35sTimerAtOnce) {
  // MS-SMB2 3.3.2.1 <217>: the oplock break acknowledgment timer is 35 s on Windows.
  FakeReal real;
  Clock c(real.source());
  int fired = 0;
  c.schedule_after(35s, [&] { ++fired; });
  EXPECT_EQ(c.advance(34999ms), 0u);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(c.advance(1ms), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_EQ(c.pending(), 0u);
}

TEST(Clock, RealTimePassingFiresTimers) {
  FakeReal real;
  Clock c(real.source());
  int fired = 0;
  c.schedule_after(2s, [&] { ++fired; });
  real.t += 1s;
  EXPECT_EQ(c.fire_due(), 0u);
  ASSERT_TRUE(c.time_until_next().has_value());
  EXPECT_EQ(*c.time_until_next(), Clock::Duration(1s));
  real.t += 1s;
  EXPECT_EQ(c.fire_due(), 1u);
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(c.time_until_next().has_value());
}

TEST(Clock, FiresInDeadlineOrderThenSchedulingOrder) {
  FakeReal real;
  Clock c(real.source());
  std::vector<int> order;
  c.schedule_after(3s, [&] { order.push_back(3); });
  c.schedule_after(1s, [&] { order.push_back(1); });
  c.schedule_after(1s, [&] { order.push_back(2); });
  c.advance(10s);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(Clock, CancelledTimerNeverFires) {
  FakeReal real;
  Clock c(real.source());
  int fired = 0;
  auto id = c.schedule_after(1s, [&] { ++fired; });
  EXPECT_TRUE(c.cancel(id));
  EXPECT_FALSE(c.cancel(id));
  c.advance(2s);
  EXPECT_EQ(fired, 0);
}

TEST(Clock, CallbackMaySchedulePastAndFutureTimers) {
  FakeReal real;
  Clock c(real.source());
  std::vector<int> order;
  c.schedule_after(1s, [&] {
    order.push_back(1);
    c.schedule_after(0s, [&] { order.push_back(2); });     // due now: fires in the same call
    c.schedule_after(100s, [&] { order.push_back(3); });   // not due
  });
  EXPECT_EQ(c.advance(1s), 2u);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(c.pending(), 1u);
}

TEST(Clock, NegativeAdvanceIsIgnored) {
  FakeReal real;
  Clock c(real.source());
  c.advance(-5s);
  EXPECT_EQ(c.offset(), Clock::Duration(0));
}

}  // namespace
}  // namespace smb::server
