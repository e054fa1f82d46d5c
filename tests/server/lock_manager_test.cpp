// Byte-range lock table tests: MS-FSA 2.1.4.10 / 2.1.5.8 / 2.1.5.9 range algebra, owners, rollback, waiters, I/O checks.
#include "smbserver/lock_manager.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace smb::server::test {
namespace {

using namespace smb::status;
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
constexpr bool kExcl = true, kShared = false;

/** Statuses compare as "NAME (0x...)" strings so a failure names both values. */
std::string s(NtStatus v) { return smb::to_string(v); }

const LockOwner F = LockOwner::for_smb2(1);
const LockOwner G = LockOwner::for_smb2(2);
const LockOwner H = LockOwner::for_smb2(3);

// ---------------------------------------------------------------------------------------------
// Owners

TEST(LockOwner, Smb2OwnerIsTheOpenAndIgnoresPid) {
  // MS-SMB2 3.3.5.14.2 <375>: SMB2 passes LockKey 0, so the owner is the open alone.
  EXPECT_EQ((LockOwner{5, 1, false}), (LockOwner{5, 2, false}));
  EXPECT_FALSE((LockOwner::for_smb2(5) == LockOwner::for_smb2(6)));
}

TEST(LockOwner, Smb1OwnerIsOpenAndPid) {
  // MS-CIFS 3.3.5.30 / 2.2.4.32: SMB1 locks belong to (FID, PID); MS-FSA LockKey = PID.
  EXPECT_EQ(LockOwner::for_smb1(5, 7), LockOwner::for_smb1(5, 7));
  EXPECT_FALSE(LockOwner::for_smb1(5, 7) == LockOwner::for_smb1(5, 8));
  EXPECT_TRUE(LockOwner::for_smb1(5, 7).same_open(LockOwner::for_smb1(5, 8)));
  // Separate name spaces: an SMB1 open and an SMB2 open with the same numeric id are different opens.
  EXPECT_FALSE(LockOwner::for_smb1(5, 0) == LockOwner::for_smb2(5));
  EXPECT_FALSE(LockOwner::for_smb1(5, 0).same_open(LockOwner::for_smb2(5)));
}

// ---------------------------------------------------------------------------------------------
// Range algebra: G holds EXCLUSIVE (100, 100) = bytes 100..199; F asks for EXCLUSIVE ranges.

struct RangeCase {
  const char* what;
  std::uint64_t offset;
  std::uint64_t length;
  NtStatus expected;
};

TEST(LockRangeAlgebra, ExclusiveRequestsAgainstAnotherOpensExclusiveLock) {
  // Overlap per MS-FSA 2.1.4.10: off1 <= last2 and last1 >= off2, last = off + len - 1 (unsigned);
  // a conflicting fail-immediately request -> STATUS_LOCK_NOT_GRANTED (2.1.5.8).
  const RangeCase cases[] = {
      {"adjacent before (0..99)", 0, 100, STATUS_SUCCESS},
      {"one byte before (99)", 99, 1, STATUS_SUCCESS},
      {"straddles the start (99..100)", 99, 2, STATUS_LOCK_NOT_GRANTED},
      {"first byte (100)", 100, 1, STATUS_LOCK_NOT_GRANTED},
      {"contained (120..129)", 120, 10, STATUS_LOCK_NOT_GRANTED},
      {"identical", 100, 100, STATUS_LOCK_NOT_GRANTED},
      {"containing (50..349)", 50, 300, STATUS_LOCK_NOT_GRANTED},
      {"partial overlap (150..249)", 150, 100, STATUS_LOCK_NOT_GRANTED},
      {"last byte (199)", 199, 1, STATUS_LOCK_NOT_GRANTED},
      {"adjacent after (200..209)", 200, 10, STATUS_SUCCESS},
      {"far past any EOF (2^40)", std::uint64_t{1} << 40, 10, STATUS_SUCCESS},
      // Zero-length ranges (2.1.4.10: {0,0} never conflicts; at X > 0 last1 = X - 1).
      {"zero length at 0", 0, 0, STATUS_SUCCESS},
      {"zero length at 100 (the lock's start)", 100, 0, STATUS_SUCCESS},
      {"zero length at 101", 101, 0, STATUS_LOCK_NOT_GRANTED},
      {"zero length at 199", 199, 0, STATUS_LOCK_NOT_GRANTED},
      {"zero length at 200 (one past the end)", 200, 0, STATUS_SUCCESS},
      // Whole 64-bit space from 0 (last = 2^64 - 2): overlaps.
      {"0 .. 2^64-2", 0, kMax, STATUS_LOCK_NOT_GRANTED},
  };
  for (const RangeCase& c : cases) {
    LockManager m;
    ASSERT_EQ(s(m.lock(G, 100, 100, kExcl)), s(STATUS_SUCCESS));
    EXPECT_EQ(s(m.lock(F, c.offset, c.length, kExcl)), s(c.expected)) << c.what;
    EXPECT_EQ(m.lock_count(G), 1u) << c.what;
  }
}

TEST(LockRangeAlgebra, WrapCheck) {
  // MS-FSA 2.1.5.8 [Validation]: Length != 0 and Offset + Length - 1 < Offset -> INVALID_LOCK_RANGE.
  const RangeCase cases[] = {
      {"max offset, length 1 (last byte of the space)", kMax, 1, STATUS_SUCCESS},       // SMB2-LOCK-18
      {"max offset, length 0", kMax, 0, STATUS_SUCCESS},                                 // SMB2-LOCK-18
      {"max offset, length 2", kMax, 2, STATUS_INVALID_LOCK_RANGE},                      // SMB2-LOCK-17
      {"offset 1, length 2^64-1 (ends at 2^64-1)", 1, kMax, STATUS_SUCCESS},
      {"offset 2, length 2^64-1", 2, kMax, STATUS_INVALID_LOCK_RANGE},
      {"max offset, max length", kMax, kMax, STATUS_INVALID_LOCK_RANGE},
      {"offset 0, length 2^64-1", 0, kMax, STATUS_SUCCESS},
  };
  for (const RangeCase& c : cases) {
    LockManager m;
    EXPECT_EQ(s(m.lock(F, c.offset, c.length, kExcl)), s(c.expected)) << c.what;
    EXPECT_EQ(m.lock_count(F), c.expected == STATUS_SUCCESS ? 1u : 0u) << c.what;
    EXPECT_EQ(LockManager::range_wraps(c.offset, c.length), c.expected == STATUS_INVALID_LOCK_RANGE) << c.what;
  }
}

TEST(LockRangeAlgebra, ConflictAtTheTopOfTheSpace) {
  // 2.1.4.10 arithmetic at 2^64-1: G's (max, 1) covers byte 2^64-1; F's (max-1, 2) covers it too.
  LockManager m;
  ASSERT_EQ(s(m.lock(G, kMax, 1, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, kMax - 1, 2, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.lock(F, kMax - 1, 1, kExcl)), s(STATUS_SUCCESS));
}

TEST(LockRangeAlgebra, ZeroZeroNeverConflicts) {
  // SMB2-LOCK-19, MS-FSA 2.1.4.10: {0,0} does not conflict with anything, and a {0,0} lock overlaps
  // nothing "by definition".
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 0, 0, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(G, 0, 0, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(H, 0, 1, kShared)), s(STATUS_LOCK_NOT_GRANTED));  // G's (0,10) still there
  LockManager n;
  ASSERT_EQ(s(n.lock(G, 0, 0, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(n.lock(F, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(n.check_write(F, 0, 0)), s(STATUS_SUCCESS));
}

TEST(LockRangeAlgebra, HeldZeroLengthLockAtNonZeroOffset) {
  // 2.1.4.10 with the held lock at (100, 0): LastByteOffset2 = 99, so it overlaps a request iff
  // request.offset <= 99 and request.last >= 100, i.e. the request strictly contains offset 100.
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 100, 0, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 50, 100, kExcl)), s(STATUS_LOCK_NOT_GRANTED));  // 50..149
  EXPECT_EQ(s(m.lock(F, 100, 10, kExcl)), s(STATUS_SUCCESS));           // starts at 100
  EXPECT_EQ(s(m.lock(F, 90, 10, kExcl)), s(STATUS_SUCCESS));            // 90..99 ends before 100
}

// ---------------------------------------------------------------------------------------------
// Shared / exclusive matrix

TEST(LockModes, DifferentOpensMatrix) {
  // SMB2-LOCK-15, MS-FSA 2.1.4.10 / MS-SMB2 3.3.5.14.2: shared allows other shared locks; every
  // other combination between two opens conflicts.
  struct M {
    bool held_exclusive, req_exclusive;
    NtStatus expected;
  } cases[] = {
      {kShared, kShared, STATUS_SUCCESS},
      {kShared, kExcl, STATUS_LOCK_NOT_GRANTED},
      {kExcl, kShared, STATUS_LOCK_NOT_GRANTED},
      {kExcl, kExcl, STATUS_LOCK_NOT_GRANTED},
  };
  for (const M& c : cases) {
    LockManager m;
    ASSERT_EQ(s(m.lock(G, 0, 10, c.held_exclusive)), s(STATUS_SUCCESS));
    EXPECT_EQ(s(m.lock(F, 5, 10, c.req_exclusive)), s(c.expected))
        << "held " << c.held_exclusive << " requested " << c.req_exclusive;
  }
}

TEST(LockModes, SameOpen) {
  // SMB2-LOCK-16, MS-FSA 2.1.4.10: an open's own exclusive lock conflicts with its own overlapping
  // exclusive request (a) but not with a shared one inside it (b); its own shared lock conflicts
  // with its own exclusive request (c); its shared locks stack (SMB2-LOCK-08).
  LockManager m;
  ASSERT_EQ(s(m.lock(F, 0, 100, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 50, 100, kExcl)), s(STATUS_LOCK_NOT_GRANTED));  // (a)
  EXPECT_EQ(s(m.lock(F, 10, 10, kShared)), s(STATUS_SUCCESS));          // (b)
  ASSERT_EQ(s(m.lock(F, 1000, 10, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 1000, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED)); // (c)
  EXPECT_EQ(s(m.lock(F, 1000, 10, kShared)), s(STATUS_SUCCESS));        // stacked shared
  EXPECT_EQ(m.lock_count(F), 4u);
}

TEST(LockModes, SharedLockOfOneOpenBlocksAnotherOpensExclusiveButNotShared) {
  // 3.3.5.14.2: a shared lock "allows read operations and other shared lock operations from other
  // opens"; an exclusive request conflicts with it (2.1.4.10).
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 0, 10, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 9, 1, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(H, 9, 5, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
}

// ---------------------------------------------------------------------------------------------
// Unlock (MS-FSA 2.1.5.9)

TEST(LockUnlock, MustMatchRangeAndOwnerExactly) {
  // SMB2-LOCK-06: F holds (100,100), G holds (500,10). Every one of these unlocks by F returns
  // STATUS_RANGE_NOT_LOCKED (2.1.5.9: offset, length and OwnerOpen must all match).
  LockManager m;
  ASSERT_EQ(s(m.lock(F, 100, 100, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.lock(G, 500, 10, kExcl)), s(STATUS_SUCCESS));
  const std::pair<std::uint64_t, std::uint64_t> attempts[] = {
      {300, 10}, {100, 50}, {150, 50}, {99, 101}, {100, 101}, {500, 10}};
  for (auto [off, len] : attempts) {
    EXPECT_EQ(s(m.unlock(F, off, len)), s(STATUS_RANGE_NOT_LOCKED)) << off << "," << len;
  }
  // Both locks are intact: other opens still conflict with them, and F's exact unlock works.
  EXPECT_EQ(s(m.lock(H, 100, 1, kShared)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.lock(H, 505, 1, kShared)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.unlock(F, 100, 100)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.unlock(G, 500, 10)), s(STATUS_SUCCESS));
  EXPECT_TRUE(m.locks().empty());
}

TEST(LockUnlock, DoubleSharedLockThenThreeUnlocks) {
  // SMB2-LOCK-08, MS-FSA 2.1.5.8 / 2.1.5.9: two identical shared locks; each unlock removes one.
  LockManager m;
  EXPECT_EQ(s(m.lock(F, 0, 10, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 0, 10, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.unlock(F, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(m.lock_count(F), 1u);
  EXPECT_EQ(s(m.unlock(F, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.unlock(F, 0, 10)), s(STATUS_RANGE_NOT_LOCKED));
}

TEST(LockUnlock, PrefersTheExclusiveLockAmongIdenticalRanges) {
  // MS-FSA 2.1.5.9: the scan stops at the first matching exclusive lock ("If
  // (LockToRemove.ExclusiveLock == TRUE) then break"), so it is removed before a shared twin.
  LockManager m;
  ASSERT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.lock(F, 0, 10, kShared)), s(STATUS_SUCCESS));  // shared inside own exclusive
  EXPECT_EQ(s(m.lock(G, 0, 10, kShared)), s(STATUS_LOCK_NOT_GRANTED));
  ASSERT_EQ(s(m.unlock(F, 0, 10)), s(STATUS_SUCCESS));
  ASSERT_EQ(m.held(F).size(), 1u);
  EXPECT_FALSE(m.held(F)[0].exclusive);
  // Only F's shared lock remains, which allows G's shared lock (2.1.4.10).
  EXPECT_EQ(s(m.lock(G, 0, 10, kShared)), s(STATUS_SUCCESS));
}

TEST(LockUnlock, WrappingRangeIsInvalidLockRange) {
  // SMB2-LOCK-17, MS-FSA 2.1.5.9 [Validation].
  LockManager m;
  EXPECT_EQ(s(m.unlock(F, kMax, 2)), s(STATUS_INVALID_LOCK_RANGE));
  ASSERT_EQ(s(m.lock(F, kMax, 1, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.unlock(F, kMax, 1)), s(STATUS_SUCCESS));
}

TEST(LockUnlock, ZeroLengthLocksUnlockByExactMatch) {
  // 2.1.5.9 matches LockOffset and LockLength exactly, zero lengths included.
  LockManager m;
  ASSERT_EQ(s(m.lock(F, 0, 0, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.lock(F, 7, 0, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.unlock(F, 7, 1)), s(STATUS_RANGE_NOT_LOCKED));
  EXPECT_EQ(s(m.unlock(F, 7, 0)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.unlock(F, 0, 0)), s(STATUS_SUCCESS));
}

// ---------------------------------------------------------------------------------------------
// Atomic multi-element requests

TEST(LockAll, ConflictRollsBackTheLocksThisRequestGranted) {
  // SMB2-LOCK-14, MS-SMB2 3.3.5.14.2: G holds EXCL R2; F: [EXCL|FI R1, EXCL|FI R2] ->
  // LOCK_NOT_GRANTED and R1 is unlocked again, so G can lock R1.
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 100, 10, kExcl)), s(STATUS_SUCCESS));
  const LockElementRequest req[] = {{0, 10, kExcl}, {100, 10, kExcl}};
  MultiLockResult r = m.lock_all(F, req);
  EXPECT_EQ(s(r.status), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(r.failed_index, 1u);
  EXPECT_EQ(r.granted, 0u);
  EXPECT_EQ(m.lock_count(F), 0u);
  EXPECT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
}

TEST(LockAll, RollbackKeepsAnIdenticalLockHeldBefore) {
  // 3.3.5.14.2 rolls back only "ranges locked as part of processing the previous entries of this
  // request": F's earlier shared lock on the same range survives.
  LockManager m;
  ASSERT_EQ(s(m.lock(F, 0, 10, kShared)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.lock(G, 100, 10, kExcl)), s(STATUS_SUCCESS));
  const LockElementRequest req[] = {{0, 10, kShared}, {100, 10, kExcl}};
  EXPECT_EQ(s(m.lock_all(F, req).status), s(STATUS_LOCK_NOT_GRANTED));
  ASSERT_EQ(m.held(F).size(), 1u);
  EXPECT_EQ(m.held(F)[0], (ByteRangeLock{F, 0, 10, kShared}));
}

TEST(LockAll, ElementsConflictWithEarlierElementsOfTheSameRequest) {
  // 2.1.4.10 sees the locks granted for earlier elements: two overlapping exclusive elements of one
  // open conflict (own exclusive vs own exclusive), and the first is rolled back (3.3.5.14.2).
  LockManager m;
  const LockElementRequest req[] = {{0, 10, kExcl}, {5, 10, kExcl}};
  MultiLockResult r = m.lock_all(F, req);
  EXPECT_EQ(s(r.status), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(r.failed_index, 1u);
  EXPECT_TRUE(m.locks().empty());
}

TEST(LockAll, InvalidRangeFailsAndRollsBack) {
  // 2.1.5.8 [Validation] on the second element; the first is undone like any failed element.
  LockManager m;
  const LockElementRequest req[] = {{0, 10, kExcl}, {kMax, 2, kExcl}, {20, 10, kExcl}};
  MultiLockResult r = m.lock_all(F, req);
  EXPECT_EQ(s(r.status), s(STATUS_INVALID_LOCK_RANGE));
  EXPECT_EQ(r.failed_index, 1u);
  EXPECT_TRUE(m.locks().empty());
}

TEST(LockAll, SuccessGrantsEveryElement) {
  // 3.3.5.14.2: each success increments Open.LockCount; all elements granted.
  LockManager m;
  const LockElementRequest req[] = {{0, 10, kExcl}, {10, 10, kShared}, {10, 10, kShared}};
  MultiLockResult r = m.lock_all(F, req);
  EXPECT_EQ(s(r.status), s(STATUS_SUCCESS));
  EXPECT_EQ(r.granted, 3u);
  EXPECT_EQ(m.lock_count(F), 3u);
}

// ---------------------------------------------------------------------------------------------
// Blocking locks (MS-FSA 2.1.5.8 FailImmediately FALSE; MS-SMB2 3.3.5.14.2 step 5, 3.3.5.16, 3.3.4.17)

struct Recorder {
  std::vector<std::string> events;
  WaiterCallback cb(std::string name) {
    return [this, name](NtStatus st) { events.push_back(name + ":" + std::string(status_name(st))); };
  }
};

TEST(LockWaiters, GrantedWhenTheConflictingLockIsUnlocked) {
  // SMB2-LOCK-23/24(a): G holds EXCL R; F's blocking EXCL R pends; G's unlock grants it.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  LockWait w = m.add_waiter(F, 0, 10, kExcl, rec.cb("F"));
  EXPECT_EQ(s(w.status), s(STATUS_PENDING));
  EXPECT_NE(w.id, 0u);
  EXPECT_EQ(m.waiter_count(), 1u);
  EXPECT_TRUE(rec.events.empty());
  ASSERT_EQ(s(m.unlock(G, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_SUCCESS"}));
  EXPECT_EQ(m.waiter_count(), 0u);
  EXPECT_EQ(m.lock_count(F), 1u);  // F now holds R: G conflicts
  EXPECT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_FALSE(m.cancel_waiter(w.id));  // already granted: a late CANCEL does nothing
  EXPECT_EQ(rec.events.size(), 1u);
}

TEST(LockWaiters, GrantedWhenTheConflictingOpenCloses) {
  // SMB2-LOCK-24(b), MS-FSA 2.1.5.5 / 2.1.5.8: closing G removes its locks and grants F.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 5, 10, kShared, rec.cb("F")).status), s(STATUS_PENDING));
  EXPECT_EQ(m.release_all(G), 1u);
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_SUCCESS"}));
  EXPECT_EQ(m.held(F), (std::vector<ByteRangeLock>{{F, 5, 10, kShared}}));
}

TEST(LockWaiters, GrantableAtOnceIsGrantedWithoutCallback) {
  // 2.1.5.8: a blocking request that does not conflict is granted immediately.
  LockManager m;
  Recorder rec;
  LockWait w = m.add_waiter(F, 0, 10, kExcl, rec.cb("F"));
  EXPECT_EQ(s(w.status), s(STATUS_SUCCESS));
  EXPECT_EQ(w.id, 0u);
  EXPECT_EQ(m.lock_count(F), 1u);
  EXPECT_EQ(m.waiter_count(), 0u);
  EXPECT_TRUE(rec.events.empty());
}

TEST(LockWaiters, WrappingRangeIsRejectedNotQueued) {
  // 2.1.5.8 [Validation] comes before any wait.
  LockManager m;
  EXPECT_EQ(s(m.add_waiter(F, kMax, 2, kExcl, nullptr).status), s(STATUS_INVALID_LOCK_RANGE));
  EXPECT_EQ(m.waiter_count(), 0u);
}

TEST(LockWaiters, FifoOrderForTheSameExclusiveRange) {
  // Waiters are retried in arrival order against the locks as they stand; the first grant blocks
  // the second until it is unlocked in turn.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 0, 10, kExcl, rec.cb("F")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.add_waiter(H, 0, 10, kExcl, rec.cb("H")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.unlock(G, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_SUCCESS"}));
  ASSERT_EQ(m.waiters().size(), 1u);
  EXPECT_EQ(m.waiters()[0].owner, H);
  ASSERT_EQ(s(m.unlock(F, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_SUCCESS", "H:STATUS_SUCCESS"}));
}

TEST(LockWaiters, SharedWaitersAreGrantedTogether) {
  // Shared locks do not conflict with each other (2.1.4.10), so one release grants both.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 0, 10, kShared, rec.cb("F")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.add_waiter(H, 0, 10, kShared, rec.cb("H")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.unlock(G, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_SUCCESS", "H:STATUS_SUCCESS"}));
}

TEST(LockWaiters, NoHeadOfLineBlocking) {
  // A waiter still blocked does not hold back a later waiter whose conflict went away.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.lock(G, 100, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 0, 10, kExcl, rec.cb("F")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.add_waiter(H, 100, 10, kExcl, rec.cb("H")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.unlock(G, 100, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"H:STATUS_SUCCESS"}));
  EXPECT_EQ(m.waiter_count(), 1u);
}

TEST(LockWaiters, CancelCompletesWithCancelledAndGrantsNothing) {
  // SMB2-LOCK-25, MS-SMB2 3.3.5.16: CANCEL -> STATUS_CANCELLED; F does not get R afterwards.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  LockWait w = m.add_waiter(F, 0, 10, kExcl, rec.cb("F"));
  ASSERT_EQ(s(w.status), s(STATUS_PENDING));
  EXPECT_TRUE(m.cancel_waiter(w.id));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_CANCELLED"}));
  EXPECT_FALSE(m.cancel_waiter(w.id));
  ASSERT_EQ(s(m.unlock(G, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(m.lock_count(F), 0u);
  EXPECT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));  // G can relock
}

TEST(LockWaiters, CancelWithAnotherReason) {
  // An SMB1 LOCKING_ANDX timeout ends the wait with a status the server chooses.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  LockWait w = m.add_waiter(F, 0, 10, kExcl, rec.cb("F"));
  EXPECT_TRUE(m.cancel_waiter(w.id, STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_LOCK_NOT_GRANTED"}));
}

TEST(LockWaiters, ClosingTheWaitingOpenCancelsItsWaiters) {
  // SMB2-LOCK-26, MS-SMB2 3.3.4.17: CLOSE cancels the open's pending requests (STATUS_CANCELLED).
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 0, 10, kExcl, rec.cb("F1")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.add_waiter(H, 0, 10, kExcl, rec.cb("H")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.add_waiter(F, 5, 1, kShared, rec.cb("F2")).status), s(STATUS_PENDING));
  EXPECT_EQ(m.release_all(F), 0u);
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F1:STATUS_CANCELLED", "F2:STATUS_CANCELLED"}));
  EXPECT_EQ(m.waiter_count(), 1u);
  EXPECT_EQ(m.lock_count(G), 1u);
}

TEST(LockWaiters, ClosingOwnerIsNotGrantedByItsOwnRelease) {
  // F holds EXCL R and waits for an overlapping EXCL (its own exclusive lock blocks it, 2.1.4.10).
  // CLOSE of F cancels the wait before the locks go (3.3.4.17), so it is never granted.
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 5, 10, kExcl, rec.cb("F")).status), s(STATUS_PENDING));
  EXPECT_EQ(m.release_all(F), 1u);
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_CANCELLED"}));
  EXPECT_TRUE(m.empty());
}

TEST(LockWaiters, CancelWaitersOfAnOwner) {
  LockManager m;
  Recorder rec;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 0, 10, kExcl, rec.cb("F")).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m.add_waiter(H, 0, 10, kExcl, rec.cb("H")).status), s(STATUS_PENDING));
  EXPECT_EQ(m.cancel_waiters(F), 1u);
  EXPECT_EQ(rec.events, (std::vector<std::string>{"F:STATUS_CANCELLED"}));
  EXPECT_EQ(m.lock_count(G), 1u);  // cancelling waiters releases no lock
}

TEST(LockWaiters, CallbackMayReenterTheTable) {
  // Callbacks run after the table is consistent: F's grant callback unlocks at once, which grants H.
  LockManager m;
  std::vector<std::string> events;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.add_waiter(F, 0, 10, kExcl, [&](NtStatus st) {
                 events.push_back("F:" + std::string(status_name(st)));
                 EXPECT_EQ(s(m.unlock(F, 0, 10)), s(STATUS_SUCCESS));
               }).status),
            s(STATUS_PENDING));
  ASSERT_EQ(s(m.add_waiter(H, 0, 10, kExcl, [&](NtStatus st) { events.push_back("H:" + std::string(status_name(st))); })
                .status),
            s(STATUS_PENDING));
  ASSERT_EQ(s(m.unlock(G, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(events, (std::vector<std::string>{"F:STATUS_SUCCESS", "H:STATUS_SUCCESS"}));
  EXPECT_EQ(m.held(H), (std::vector<ByteRangeLock>{{H, 0, 10, kExcl}}));
  EXPECT_EQ(m.waiter_count(), 0u);
}

TEST(LockWaiters, CallbackMayDestroyTheTable) {
  // The server's file object (and its table) may die inside a completion; the table must not touch
  // itself after invoking callbacks.
  auto m = std::make_unique<LockManager>();
  int calls = 0;
  ASSERT_EQ(s(m->lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m->add_waiter(F, 0, 10, kExcl, [&](NtStatus) { ++calls; m.reset(); }).status), s(STATUS_PENDING));
  ASSERT_EQ(s(m->unlock(G, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(m, nullptr);
}

// ---------------------------------------------------------------------------------------------
// READ / WRITE against locks (MS-FSA 2.1.5.3 / 2.1.5.4 -> 2.1.4.10 with LockIntent FALSE)

TEST(LockIo, ReadInsideAnotherOpensExclusiveLockConflicts) {
  // SMB2-LOCK-28: READ inside G's exclusive lock -> STATUS_FILE_LOCK_CONFLICT; outside it is fine.
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 100, 100, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_read(F, 150, 10)), s(STATUS_FILE_LOCK_CONFLICT));
  EXPECT_EQ(s(m.check_read(F, 0, 101)), s(STATUS_FILE_LOCK_CONFLICT));
  EXPECT_EQ(s(m.check_read(F, 0, 100)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_read(F, 200, 50)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_write(F, 199, 1)), s(STATUS_FILE_LOCK_CONFLICT));
}

TEST(LockIo, AnotherOpensSharedLockBlocksWriteNotRead) {
  // SMB2-LOCK-29, MS-SMB2 3.3.5.14.2: a shared lock "allows read operations ... but disallows writes".
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 0, 10, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_write(F, 5, 1)), s(STATUS_FILE_LOCK_CONFLICT));
  EXPECT_EQ(s(m.check_read(F, 5, 1)), s(STATUS_SUCCESS));
}

TEST(LockIo, OwnSharedLockBlocksOwnWrite) {
  // SMB2-LOCK-30, MS-FSA 2.1.4.10: a shared lock conflicts with exclusive (write) intent whoever owns it.
  LockManager m;
  ASSERT_EQ(s(m.lock(F, 0, 10, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_write(F, 0, 10)), s(STATUS_FILE_LOCK_CONFLICT));
  EXPECT_EQ(s(m.check_read(F, 0, 10)), s(STATUS_SUCCESS));
}

TEST(LockIo, OwnExclusiveLockAllowsOwnReadAndWrite) {
  // SMB2-LOCK-31, MS-FSA 2.1.4.10: the owner's exclusive lock does not block its own I/O.
  LockManager m;
  ASSERT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_read(F, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_write(F, 0, 10)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_read(G, 0, 10)), s(STATUS_FILE_LOCK_CONFLICT));
  EXPECT_EQ(s(m.check_write(G, 9, 100)), s(STATUS_FILE_LOCK_CONFLICT));
}

TEST(LockIo, ZeroZeroIoNeverConflicts) {
  // 2.1.4.10: the {0,0} range does not conflict with any byte-range lock.
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_read(F, 0, 0)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_write(F, 0, 0)), s(STATUS_SUCCESS));
}

TEST(LockIo, WrappingIoRangeReachesTheTopOfTheSpace) {
  // An I/O range running past 2^64-1 is checked up to 2^64-1 (it still overlaps a lock up there).
  LockManager m;
  ASSERT_EQ(s(m.lock(G, kMax, 1, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.check_read(F, kMax - 5, 100)), s(STATUS_FILE_LOCK_CONFLICT));
  EXPECT_EQ(s(m.check_read(F, 0, 100)), s(STATUS_SUCCESS));
}

// ---------------------------------------------------------------------------------------------
// SMB1 owners and SMB1/SMB2 interplay (MS-CIFS 3.3.5.30)

TEST(LockSmb1, OwnerIsFidAndPid) {
  // MS-CIFS 3.3.5.15: locks prevent lock/read/write "by other clients or PIDs from the same client";
  // MS-FSA 2.1.4.10 compares LockKey (= PID for SMB1).
  const LockOwner p1 = LockOwner::for_smb1(10, 100), p2 = LockOwner::for_smb1(10, 200);
  LockManager m;
  ASSERT_EQ(s(m.lock(p1, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(p2, 0, 10, kShared)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.check_read(p2, 0, 10)), s(STATUS_FILE_LOCK_CONFLICT));
  EXPECT_EQ(s(m.check_read(p1, 0, 10)), s(STATUS_SUCCESS));
  // SMB1-LOCK-02, 3.3.5.30: "MUST NOT allow a range to be unlocked by any PID other than the one
  // that locked it" -> STATUS_RANGE_NOT_LOCKED.
  EXPECT_EQ(s(m.unlock(p2, 0, 10)), s(STATUS_RANGE_NOT_LOCKED));
  EXPECT_EQ(s(m.unlock(p1, 0, 10)), s(STATUS_SUCCESS));
}

TEST(LockSmb1, Smb1AndSmb2LocksOnTheSameFileConflict) {
  // One ByteRangeLockList per stream (MS-FSA 2.1.1.4): an SMB1 lock conflicts with an SMB2 lock on
  // the same file, even when the two open ids happen to be equal numbers.
  const LockOwner smb1 = LockOwner::for_smb1(1, 55);
  const LockOwner smb2 = LockOwner::for_smb2(1);
  LockManager m;
  ASSERT_EQ(s(m.lock(smb1, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(smb2, 5, 10, kShared)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.check_write(smb2, 0, 1)), s(STATUS_FILE_LOCK_CONFLICT));
  ASSERT_EQ(s(m.lock(smb2, 100, 10, kShared)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(smb1, 105, 1, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.unlock(smb1, 100, 10)), s(STATUS_RANGE_NOT_LOCKED));
}

TEST(LockSmb1, LockingAndXIsAtomic) {
  // SMB1-LOCK-03, MS-CIFS 3.3.5.30: G holds R2; F locks [R1, R2] with Timeout 0 -> failure and R1
  // is not locked afterwards.
  const LockOwner f = LockOwner::for_smb1(1, 7), g = LockOwner::for_smb1(2, 7);
  LockManager m;
  ASSERT_EQ(s(m.lock(g, 50, 10, kExcl)), s(STATUS_SUCCESS));
  const LockElementRequest req[] = {{0, 10, kExcl}, {55, 1, kExcl}};
  EXPECT_EQ(s(m.lock_all(f, req).status), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(m.lock_count(f), 0u);
  EXPECT_EQ(s(m.lock(g, 0, 10, kExcl)), s(STATUS_SUCCESS));
}

TEST(LockSmb1, CloseReleasesEveryPidProcessExitOnlyOne) {
  // MS-FSA 2.1.5.5: closing the open removes all its locks (every PID); a PID-scoped release
  // (SMB_COM_PROCESS_EXIT) removes only that PID's locks.
  const LockOwner p1 = LockOwner::for_smb1(10, 1), p2 = LockOwner::for_smb1(10, 2);
  LockManager m;
  ASSERT_EQ(s(m.lock(p1, 0, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.lock(p2, 20, 10, kExcl)), s(STATUS_SUCCESS));
  ASSERT_EQ(s(m.lock(G, 40, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(m.lock_count(p1), 2u);  // scope open: both PIDs
  EXPECT_EQ(m.lock_count(p1, ReleaseScope::owner), 1u);
  EXPECT_EQ(m.release_all(p1, ReleaseScope::owner), 1u);
  EXPECT_EQ(m.held(p2), (std::vector<ByteRangeLock>{{p2, 20, 10, kExcl}}));
  EXPECT_EQ(m.release_all(p2), 1u);
  EXPECT_EQ(m.locks(), (std::vector<ByteRangeLock>{{G, 40, 10, kExcl}}));
}

// ---------------------------------------------------------------------------------------------
// Retry quirk (MS-CIFS 3.3.5.30 <291>; SMB1-LOCK-01, SMB2-LOCK-22; profile flag lock_retry_conflict)

TEST(LockRetryConflict, OffByDefault) {
  // SMB2-LOCK-22 / MS-FSA 2.1.5.8: both attempts LOCK_NOT_GRANTED.
  LockManager m;
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
}

TEST(LockRetryConflict, Smb1RetryGetsFileLockConflict) {
  // SMB1-LOCK-01: PID p holds EXCL R through F; the same PID asks again for an overlapping exclusive
  // lock with Timeout 0 -> LOCK_NOT_GRANTED; the same request again -> FILE_LOCK_CONFLICT (Windows).
  const LockOwner p = LockOwner::for_smb1(1, 9);
  LockManager m(LockManagerOptions{RetryConflict::smb1_only});
  ASSERT_EQ(s(m.lock(p, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(p, 5, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.lock(p, 5, 10, kExcl)), s(STATUS_FILE_LOCK_CONFLICT));
  // A failure on an unrelated range starts over.
  ASSERT_EQ(s(m.lock(G, 100, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(p, 100, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  // smb1_only: SMB2 owners keep LOCK_NOT_GRANTED (MS-SMB2 documents no such quirk).
  EXPECT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
}

TEST(LockRetryConflict, AlwaysAppliesToSmb2AndCloseForgetsTheFailure) {
  LockManager m(LockManagerOptions{RetryConflict::always});
  ASSERT_EQ(s(m.lock(G, 0, 10, kExcl)), s(STATUS_SUCCESS));
  EXPECT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  EXPECT_EQ(s(m.lock(F, 2, 3, kShared)), s(STATUS_FILE_LOCK_CONFLICT));  // overlapping retry
  // Another open's first failure is its own.
  EXPECT_EQ(s(m.lock(H, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
  m.release_all(F);
  EXPECT_EQ(s(m.lock(F, 0, 10, kExcl)), s(STATUS_LOCK_NOT_GRANTED));
}

}  // namespace
}  // namespace smb::server::test
