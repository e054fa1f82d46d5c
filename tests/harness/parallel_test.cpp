// Tests of harness/src/parallel.cpp: every index exactly once, on the caller's thread too, errors carried back.
#include "smbharness/parallel.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

namespace smb::harness {
namespace {

TEST(Parallel, EveryIndexExactlyOnceForAnyWidth) {
  for (int threads : {-1, 0, 1, 2, 3, 16}) {
    for (std::size_t n : {0u, 1u, 2u, 5u, 1000u}) {
      std::vector<int> hits(n, 0);
      std::mutex mu;
      std::set<std::thread::id> ids;
      parallel_for(n, threads, [&](std::size_t k) {
        std::lock_guard lock(mu);
        ++hits[k];
        ids.insert(std::this_thread::get_id());
      });
      EXPECT_EQ(std::count(hits.begin(), hits.end(), 1), static_cast<std::ptrdiff_t>(n)) << threads << " threads, " << n;
      EXPECT_LE(ids.size(), static_cast<std::size_t>(std::max(threads, 1)));
      EXPECT_LE(ids.size(), std::max<std::size_t>(n, 1));
    }
  }
}

TEST(Parallel, WorkerZeroIsTheCallersThreadAndAllWorkersRun) {
  std::mutex mu;
  std::vector<int> seen;
  std::thread::id zero;
  on_threads(3, [&](int w) {
    std::lock_guard lock(mu);
    seen.push_back(w);
    if (w == 0) zero = std::this_thread::get_id();
  });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(zero, std::this_thread::get_id());
}

TEST(Parallel, TheLowestWorkersExceptionIsRethrownAfterAllStop) {
  std::atomic<int> finished{0};
  try {
    on_threads(3, [&](int w) {
      if (w >= 1) {
        ++finished;
        throw std::runtime_error("worker " + std::to_string(w));
      }
      ++finished;
    });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "worker 1");
  }
  EXPECT_EQ(finished.load(), 3);
  EXPECT_THROW(parallel_for(10, 2, [](std::size_t k) {
                 if (k == 7) throw std::out_of_range("seven");
               }),
               std::out_of_range);
}

}  // namespace
}  // namespace smb::harness
