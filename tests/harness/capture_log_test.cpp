// CaptureLog's bound on received frames (issue 9: a flooding peer must not grow the runner without bound).
#include "smbharness/capture.hpp"

#include <gtest/gtest.h>

namespace smb::harness {
namespace {

CaptureRecord frame(CaptureRecord::Direction d, std::size_t n) {
  CaptureRecord r{};
  r.direction = d;
  r.connection = "A";
  r.payload = wire::Bytes(n, 0xFE);
  return r;
}

TEST(CaptureLog, ReceivedFramesBeyondTheBudgetAreCountedNotKept) {
  CaptureLog log;
  constexpr std::size_t kMiB = 1u << 20;
  const std::size_t fit = CaptureLog::kMaxReceivedBytes / kMiB;
  for (std::size_t i = 0; i < fit + 3; ++i) log.add(frame(CaptureRecord::Direction::received, kMiB));
  EXPECT_EQ(log.records().size(), fit);
  EXPECT_EQ(log.dropped_frames(), 3u);
  EXPECT_EQ(log.dropped_bytes(), 3 * kMiB);
  // The scenario's own frames are always kept, also past the budget.
  log.add(frame(CaptureRecord::Direction::sent, kMiB));
  EXPECT_EQ(log.records().size(), fit + 1);
  EXPECT_EQ(log.records().back().direction, CaptureRecord::Direction::sent);
  // clear() frees the frames; the counts of what was not kept stay for the report.
  log.clear();
  EXPECT_TRUE(log.records().empty());
  EXPECT_EQ(log.dropped_frames(), 3u);
}

}  // namespace
}  // namespace smb::harness
