// SMB1 LOCKING_ANDX (MS-CIFS 3.3.5.30) on the shared byte-range lock manager: CANCEL_LOCK, CHANGE_LOCKTYPE,
// multi-range blocking requests granted as a unit, and the opt-in Windows/Samba error-code rules
// (--smb1-lock-retry-conflict, MS-CIFS 3.3.5.30 <291>). Table-level tests use LockManager directly; handler
// tests drive an in-process server over a fake transport (same pattern as smb1_handlers_test.cpp).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "server_fixture.hpp"
#include "smb1_peer.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/lock_manager.hpp"
#include "smbserver/smb1.hpp"

namespace smb::server::test {
namespace {

namespace p = proto::smb1;

constexpr std::uint32_t kFileLockConflict = 0xC0000054;
constexpr std::uint32_t kLockNotGranted = 0xC0000055;
constexpr std::uint32_t kRangeNotLocked = 0xC000007E;

// ---------------------------------------------------------------------------------------------
// LockManager: SMB1 retry rule (MS-CIFS 3.3.5.30 <291>, as Windows/Samba apply it; smbtorture raw.lock errorcode)

const LockOwner G = LockOwner::for_smb2(7);  // another open holding the ranges

std::uint32_t v(NtStatus s) { return s.value; }

TEST(Smb1LockRetryRule, PerOpenSameStartOffsetAnyPid) {
  LockManager m(LockManagerOptions{RetryConflict::smb1_only});
  const LockOwner f9 = LockOwner::for_smb1(1, 9), f10 = LockOwner::for_smb1(1, 10), g = LockOwner::for_smb1(2, 9);
  ASSERT_EQ(v(m.lock(G, 100, 10, true)), 0u);
  EXPECT_EQ(v(m.lock(f9, 100, 10, true)), kLockNotGranted);      // first failure of the FID
  EXPECT_EQ(v(m.lock(f10, 100, 5, true)), kFileLockConflict);    // same FID and start: any PID, any length
  EXPECT_EQ(v(m.lock(g, 100, 10, true)), kLockNotGranted);       // the cache is per FID
  EXPECT_EQ(v(m.lock(f9, 105, 10, true)), kLockNotGranted);      // another start offset starts over
  EXPECT_EQ(v(m.lock(f9, 100, 10, true)), kLockNotGranted);
  EXPECT_EQ(v(m.lock(f9, 100, 10, true)), kFileLockConflict);
  ASSERT_EQ(v(m.lock(f9, 200, 10, true)), 0u);                   // a granted lock does not reset the cache
  EXPECT_EQ(v(m.lock(f9, 100, 10, true)), kFileLockConflict);
  m.release_all(f9);                                             // CLOSE forgets the FID's failure
  EXPECT_EQ(v(m.lock(f9, 100, 10, true)), kLockNotGranted);
}

TEST(Smb1LockRetryRule, HighOffsetsAlwaysConflictBelowTwoToThe63) {
  LockManager m(LockManagerOptions{RetryConflict::smb1_only});
  const LockOwner f = LockOwner::for_smb1(1, 9);
  ASSERT_EQ(v(m.lock(G, 0xEEFFFFFF, 4000, true)), 0u);
  ASSERT_EQ(v(m.lock(G, (1ull << 63) - 1, 1, true)), 0u);
  ASSERT_EQ(v(m.lock(G, 1ull << 63, 1, true)), 0u);
  EXPECT_EQ(v(m.lock(f, 0xEEFFFFFF, 4000, true)), kLockNotGranted);  // below 0xEF000000
  EXPECT_EQ(v(m.lock(f, 0xEF000000, 1, true)), kFileLockConflict);   // first failure, offset >= 0xEF000000
  EXPECT_EQ(v(m.lock(f, (1ull << 63) - 1, 1, true)), kFileLockConflict);
  EXPECT_EQ(v(m.lock(f, 1ull << 63, 1, true)), kLockNotGranted);     // top bit set
}

TEST(Smb1LockRetryRule, OffByDefaultAndRecordFailure) {
  LockManager plain;
  const LockOwner f = LockOwner::for_smb1(1, 9);
  ASSERT_EQ(v(plain.lock(G, 0xEF000000, 10, true)), 0u);
  EXPECT_EQ(v(plain.lock(f, 0xEF000000, 10, true)), kLockNotGranted);  // MS-FSA 2.1.5.8
  EXPECT_EQ(v(plain.lock(f, 0xEF000000, 10, true)), kLockNotGranted);
  LockManager q(LockManagerOptions{RetryConflict::smb1_only});
  ASSERT_EQ(v(q.lock(G, 100, 10, true)), 0u);
  EXPECT_EQ(v(q.record_failure(f, 100, 10)), kLockNotGranted);  // e.g. an expired blocking lock
  EXPECT_EQ(v(q.lock(f, 100, 10, true)), kFileLockConflict);
}

// ---------------------------------------------------------------------------------------------
// LockManager: multi-range waiters (MS-CIFS 3.3.5.30: the request is atomic)

TEST(LockWaiterAll, GrantedAsAUnitNeverPartially) {
  LockManager m;
  const LockOwner f = LockOwner::for_smb1(1, 9);
  ASSERT_EQ(v(m.lock(G, 0, 10, true)), 0u);
  ASSERT_EQ(v(m.lock(G, 20, 10, true)), 0u);
  std::optional<NtStatus> done;
  LockWait w = m.add_waiter_all({{f, 0, 10, true}, {f, 20, 10, true}}, 0, [&](NtStatus s) { done = s; });
  ASSERT_EQ(v(w.status), status::STATUS_PENDING.value);
  ASSERT_EQ(v(m.unlock(G, 0, 10)), 0u);
  EXPECT_FALSE(done);                   // 20..29 still held
  EXPECT_EQ(m.lock_count(f), 0u);       // nothing granted partially
  EXPECT_EQ(v(m.lock(LockOwner::for_smb1(3, 1), 0, 10, true)), 0u);  // 0..9 is free for others meanwhile
  ASSERT_EQ(v(m.unlock(LockOwner::for_smb1(3, 1), 0, 10)), 0u);
  EXPECT_FALSE(done);
  ASSERT_EQ(v(m.unlock(G, 20, 10)), 0u);
  ASSERT_TRUE(done);
  EXPECT_EQ(v(*done), 0u);
  EXPECT_EQ(m.lock_count(f), 2u);
  EXPECT_EQ(m.waiter_count(), 0u);
}

TEST(LockWaiterAll, InvalidRangeAndImmediateGrant) {
  LockManager m;
  const LockOwner f = LockOwner::for_smb1(1, 9);
  EXPECT_EQ(v(m.add_waiter_all({{f, 0, 10, true}, {f, ~0ull, 2, true}}, 0, {}).status), status::STATUS_INVALID_LOCK_RANGE.value);
  EXPECT_EQ(m.lock_count(f), 0u);
  EXPECT_EQ(v(m.add_waiter_all({{f, 0, 10, true}, {f, 20, 10, true}}, 0, {}).status), 0u);
  EXPECT_EQ(m.lock_count(f), 2u);
}

TEST(LockWaiterAll, PrecedenceGroupKeepsArrivalOrder) {
  // smbtorture raw.lock.multilock2 (Samba keeps blocked requests per FID): (a) 100..109 and 120..129 granted;
  // (b) [100, 120] blocks; (c) 100 blocks; unlocking 100 must not grant (c) while (b) waits.
  LockManager m;
  const std::uint64_t grp = 5;
  const LockOwner b = LockOwner::for_smb1(1, 2), c = LockOwner::for_smb1(1, 3);
  ASSERT_EQ(v(m.lock(G, 100, 10, true)), 0u);
  ASSERT_EQ(v(m.lock(G, 120, 10, true)), 0u);
  std::optional<NtStatus> bd, cd;
  ASSERT_EQ(v(m.add_waiter_all({{b, 100, 10, true}, {b, 120, 10, true}}, grp, [&](NtStatus s) { bd = s; }).status),
            status::STATUS_PENDING.value);
  ASSERT_EQ(v(m.add_waiter_all({{c, 100, 10, true}}, grp, [&](NtStatus s) { cd = s; }).status), status::STATUS_PENDING.value);
  const ByteRangeLock probe{c, 105, 1, false};
  EXPECT_TRUE(m.blocked_by_waiters(std::span<const ByteRangeLock>(&probe, 1), grp));
  EXPECT_FALSE(m.blocked_by_waiters(std::span<const ByteRangeLock>(&probe, 1), 0));  // no group: no precedence
  ASSERT_EQ(v(m.unlock(G, 100, 10)), 0u);
  EXPECT_FALSE(bd);
  EXPECT_FALSE(cd);  // (b) came first
  ASSERT_EQ(v(m.unlock(G, 120, 10)), 0u);
  ASSERT_TRUE(bd);
  EXPECT_EQ(v(*bd), 0u);
  EXPECT_FALSE(cd);  // now blocked by (b)'s granted lock
  ASSERT_EQ(v(m.unlock(b, 100, 10)), 0u);
  ASSERT_TRUE(cd);
  EXPECT_EQ(v(*cd), 0u);
}

TEST(LockWaiterAll, CancellingTheEarlierRequestReleasesTheLaterOne) {
  LockManager m;
  const std::uint64_t grp = 5;
  const LockOwner b = LockOwner::for_smb1(1, 2), c = LockOwner::for_smb1(1, 3);
  ASSERT_EQ(v(m.lock(G, 120, 10, true)), 0u);
  std::optional<NtStatus> bd, cd;
  LockWait wb = m.add_waiter_all({{b, 100, 10, true}, {b, 120, 10, true}}, grp, [&](NtStatus s) { bd = s; });
  ASSERT_EQ(v(m.add_waiter_all({{c, 100, 10, true}}, grp, [&](NtStatus s) { cd = s; }).status), status::STATUS_PENDING.value);
  EXPECT_FALSE(cd);
  ASSERT_TRUE(m.cancel_waiter(wb.id, NtStatus{kFileLockConflict}));
  ASSERT_TRUE(bd);
  EXPECT_EQ(v(*bd), kFileLockConflict);
  ASSERT_TRUE(cd);  // nothing holds 100..109 and no earlier request waits for it
  EXPECT_EQ(v(*cd), 0u);
}

// ---------------------------------------------------------------------------------------------
// Handlers

/** One SMB1 client connection into an in-process server. */
/** LOCKING_ANDX with LARGE_FILES; returns the messages sent in reaction. */
std::vector<wire::Bytes> lockx(Smb1Peer& peer, std::uint16_t fid, std::uint8_t type, std::uint32_t timeout,
                               std::vector<p::LockingAndxRange> locks, std::vector<p::LockingAndxRange> unlocks = {},
                               std::uint16_t mid = 50) {
  p::LockingAndxRequest l;
  l.fid = fid;
  l.type_of_lock = static_cast<std::uint8_t>(type | p::LARGE_FILES);
  l.timeout = timeout;
  l.locks = std::move(locks);
  l.unlocks = std::move(unlocks);
  return peer.send(Smb1Peer::header(p::Command::SMB_COM_LOCKING_ANDX, mid), l);
}

p::LockingAndxRange range(std::uint64_t off, std::uint64_t len, std::uint16_t pid = 0x0101) {
  return p::LockingAndxRange{pid, 0, off, len};
}

/** Status and whether the response used the 32-bit form; the MID tells responses apart. */
struct Answer {
  std::uint32_t status;
  bool nt;
  std::uint16_t mid;
};
Answer answer(const wire::Bytes& m) {
  auto d = p::decode_response(m);
  EXPECT_TRUE(d);
  return Answer{d->header.status, d->header.has_nt_status(), d->header.mid};
}

class Smb1Locking : public Smb1ServerTest {
 protected:
  void start(bool quirk) {
    a.reset();
    make([&](ServerConfig& cfg) { cfg.smb1_lock_retry_conflict = quirk; });
    ASSERT_TRUE(server);
    a.emplace(*server);
    ASSERT_EQ(a->logon(), "");
  }
  std::optional<Smb1Peer> a;
};

TEST_F(Smb1Locking, CancelWithNoPendingLockIsCancelViolation) {
  // SMB1-LOCK-04: MS-CIFS 2.2.4.32.1 / 2.2.2.4 ERRDOS/ERRcancelviolation (STATUS_OS2_CANCEL_VIOLATION 0x00AD0001).
  for (bool quirk : {false, true}) {
    start(quirk);
    std::uint16_t f = fid_of(a->open(quirk ? "c1.txt" : "c0.txt"));
    ASSERT_EQ(answer(lockx(*a, f, 0, 0, {range(100, 10)}).at(0)).status, 0u);
    auto r = lockx(*a, f, p::CANCEL_LOCK, 0, {range(100, 10)});
    ASSERT_EQ(r.size(), 1u);
    Answer x = answer(r[0]);
    EXPECT_EQ(x.status, 0x00AD0001u);  // ERRDOS (0x01) / 0x00AD, same bytes in both forms
    // Default: the form the client asked for (MS-CIFS 2.2.3.1); opt-in: the SMBSTATUS form like Windows/Samba.
    EXPECT_EQ(x.nt, !quirk);
  }
}

TEST_F(Smb1Locking, ChangeLocktypeIsNoAtomicLocksAndKeepsTheLock) {
  // SMB1-LOCK-05: MS-CIFS 2.2.4.32.1 <39>, 2.2.2.4 ERRDOS/ERRnoatomiclocks (0x00AE).
  start(false);
  std::uint16_t f = fid_of(a->open("t.txt"));
  ASSERT_EQ(answer(lockx(*a, f, p::SHARED_LOCK, 0, {range(100, 10)}).at(0)).status, 0u);
  EXPECT_EQ(answer(lockx(*a, f, p::SHARED_LOCK | p::CHANGE_LOCKTYPE, 0, {range(100, 10)}).at(0)).status, 0x00AE0001u);
  // Still shared: an exclusive lock by another PID of the same FID fails (MS-FSA 2.1.4.10).
  EXPECT_EQ(answer(lockx(*a, f, 0, 0, {range(100, 10, 0x0202)}).at(0)).status, kLockNotGranted);
}

TEST_F(Smb1Locking, MultiRangeBlockingRequestIsGrantedAsAUnit) {
  // SMB1-LOCK-06: MS-CIFS 3.3.5.30 (atomic request) with MS-FSA 2.1.5.8 FailImmediately FALSE.
  start(false);
  std::uint16_t f = fid_of(a->open("m.txt")), g = fid_of(a->open("m.txt"));
  ASSERT_EQ(answer(lockx(*a, g, 0, 0, {range(0, 10), range(20, 10)}).at(0)).status, 0u);
  EXPECT_TRUE(lockx(*a, f, 0, 0xFFFFFFFF, {range(0, 10), range(20, 10)}, {}, 77).empty());  // waits
  auto r = lockx(*a, g, 0, 0, {}, {range(0, 10)}, 78);
  ASSERT_EQ(r.size(), 1u);  // only G's unlock response: F still waits for 20..29
  EXPECT_EQ(answer(r[0]).mid, 78);
  // Meanwhile 0..9 is not held by F: the waiting request holds nothing (atomic).
  ASSERT_EQ(answer(lockx(*a, g, 0, 0, {range(0, 10)}, {}, 79).at(0)).status, 0u);
  ASSERT_EQ(answer(lockx(*a, g, 0, 0, {}, {range(0, 10)}, 80).at(0)).status, 0u);
  r = lockx(*a, g, 0, 0, {}, {range(20, 10)}, 81);
  ASSERT_EQ(r.size(), 2u);  // G's unlock response and F's granted request
  Answer granted = answer(r[0]).mid == 77 ? answer(r[0]) : answer(r[1]);
  EXPECT_EQ(granted.mid, 77);
  EXPECT_EQ(granted.status, 0u);
  EXPECT_EQ(answer(lockx(*a, g, 0, 0, {range(0, 10)}, {}, 82).at(0)).status, kLockNotGranted);
  EXPECT_EQ(answer(lockx(*a, g, 0, 0, {range(20, 10)}, {}, 83).at(0)).status, kLockNotGranted);
}

TEST_F(Smb1Locking, CancelLockEndsThePendingRequestNamedByAnyOfItsRanges) {
  // SMB1-LOCK-07: MS-CIFS 2.2.4.32.1 CANCEL_LOCK; the cancelled request fails (ERRDOS/ERRlock) and locks nothing.
  start(false);
  std::uint16_t f = fid_of(a->open("p.txt")), g = fid_of(a->open("p.txt"));
  ASSERT_EQ(answer(lockx(*a, g, 0, 0, {range(20, 10)}).at(0)).status, 0u);
  EXPECT_TRUE(lockx(*a, f, 0, 0xFFFFFFFF, {range(0, 10), range(20, 10)}, {}, 60).empty());
  auto r = lockx(*a, f, p::CANCEL_LOCK, 0, {range(20, 10)}, {}, 61);
  ASSERT_EQ(r.size(), 2u);
  for (const auto& m : r) {
    Answer x = answer(m);
    EXPECT_EQ(x.status, x.mid == 60 ? kFileLockConflict : 0u);
  }
  ASSERT_EQ(answer(lockx(*a, g, 0, 0, {range(0, 10)}, {}, 62).at(0)).status, 0u);  // F got nothing
}

TEST_F(Smb1Locking, ExpiredTimeoutCountsAsAFailedAttemptWithTheQuirk) {
  // <291> rule with Samba's timeout handling (smbtorture raw.lock errorcode): after an expired blocking lock of
  // 100..109 the next fail-immediately attempt at 100 gets FILE_LOCK_CONFLICT; without the option MS-FSA 2.1.5.8.
  for (bool quirk : {false, true}) {
    start(quirk);
    std::uint16_t f = fid_of(a->open(quirk ? "e1.txt" : "e0.txt"));
    ASSERT_EQ(answer(lockx(*a, f, 0, 0, {range(100, 10)}).at(0)).status, 0u);
    std::size_t before = a->sent_count();
    EXPECT_TRUE(lockx(*a, f, 0, 1000, {range(100, 10)}, {}, 70).empty());
    now += std::chrono::milliseconds(1000);
    server->clock.fire_due();
    auto done = a->since(before);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(answer(done[0]).status, kFileLockConflict);
    EXPECT_EQ(answer(lockx(*a, f, 0, 0, {range(100, 10)}).at(0)).status, quirk ? kFileLockConflict : kLockNotGranted);
  }
}

TEST_F(Smb1Locking, ClosingTheFidEndsItsPendingLock) {
  // The status of a blocking lock whose FID is closed is not given by MS-CIFS: FILE_LOCK_CONFLICT by default,
  // RANGE_NOT_LOCKED with the Windows/Samba option (smbtorture raw.lock async "cancel by close").
  for (bool quirk : {false, true}) {
    start(quirk);
    std::uint16_t f = fid_of(a->open(quirk ? "x1.txt" : "x0.txt"));
    ASSERT_EQ(answer(lockx(*a, f, 0, 0, {range(100, 10)}).at(0)).status, 0u);
    EXPECT_TRUE(lockx(*a, f, 0, 10000, {range(110, 10), range(100, 10)}, {}, 90).empty());
    p::CloseRequest c;
    c.fid = f;
    auto r = a->send(Smb1Peer::header(p::Command::SMB_COM_CLOSE, 91), c);
    ASSERT_EQ(r.size(), 2u);
    for (const auto& m : r) {
      Answer x = answer(m);
      if (x.mid == 90) EXPECT_EQ(x.status, quirk ? kRangeNotLocked : kFileLockConflict);
      else EXPECT_EQ(x.status, 0u);
    }
  }
}

/** SMB_COM_NT_CANCEL (MS-CIFS 2.2.4.65.1) naming the request with these UID, TID, MID and PID. */
wire::Bytes nt_cancel(std::uint16_t uid, std::uint16_t tid, std::uint16_t mid, std::uint16_t pid = 0x0101) {
  p::Header h = Smb1Peer::header(p::Command::SMB_COM_NT_CANCEL, uid, tid, mid);
  h.pid_low = pid;
  return p::encode_message(h, std::vector<p::RequestBody>{p::NtCancelRequest{}});
}

TEST_F(Smb1Locking, NtCancelEndsThePendingRequestWithTheSameIdsAndIsNeverAnswered) {
  // MS-CIFS 3.3.5.52 matches UID, TID, PID and MID; the cancelled command completes with an error (MS-FSA
  // 2.1.5.20: STATUS_CANCELLED) and NT_CANCEL itself MUST NOT be answered (2.2.4.65). No requirement ID yet:
  // scenarios cannot send NT_CANCEL (not a codec message).
  start(false);
  std::uint16_t f = fid_of(a->open("n.txt")), g = fid_of(a->open("n.txt"));
  ASSERT_EQ(answer(lockx(*a, g, 0, 0, {range(0, 10)}).at(0)).status, 0u);
  EXPECT_TRUE(lockx(*a, f, 0, 0xFFFFFFFF, {range(0, 10)}, {}, 80).empty());  // waits
  // Another MID, another PID: nothing is cancelled and nothing is sent.
  EXPECT_TRUE(a->send_raw(nt_cancel(a->uid, a->tid, 81)).empty());
  EXPECT_TRUE(a->send_raw(nt_cancel(a->uid, a->tid, 80, 0x0202)).empty());
  // The same UID, TID, PID and MID: the blocking lock ends with STATUS_CANCELLED, the only message sent.
  auto r = a->send_raw(nt_cancel(a->uid, a->tid, 80));
  ASSERT_EQ(r.size(), 1u);
  Answer x = answer(r[0]);
  EXPECT_EQ(x.mid, 80);
  EXPECT_EQ(x.status, 0xC0000120u);  // STATUS_CANCELLED
  // It locked nothing: after G unlocks, F's range is free for another PID of G's FID.
  ASSERT_EQ(answer(lockx(*a, g, 0, 0, {}, {range(0, 10)}, 82).at(0)).status, 0u);
  EXPECT_EQ(answer(lockx(*a, g, 0, 0, {range(0, 10, 0x0303)}, {}, 83).at(0)).status, 0u);
}

TEST_F(Smb1Locking, QueuedRequestOfTheFidKeepsPrecedenceWithTheOption) {
  // smbtorture raw.lock multilock2 (Samba, opt-in): (b) [100, 120] blocks, (c) 100 with a 2 s Timeout blocks;
  // unlocking 100 grants nothing, (c) times out; unlocking 120 grants (b).
  start(true);
  std::uint16_t f = fid_of(a->open("q.txt"));
  ASSERT_EQ(answer(lockx(*a, f, 0, 0, {range(100, 10), range(120, 10)}).at(0)).status, 0u);
  EXPECT_TRUE(lockx(*a, f, 0, 20000, {range(100, 10, 0x0202), range(120, 10, 0x0202)}, {}, 100).empty());
  EXPECT_TRUE(lockx(*a, f, 0, 2000, {range(100, 10, 0x0303)}, {}, 101).empty());
  auto r = lockx(*a, f, 0, 0, {}, {range(100, 10)}, 102);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(answer(r[0]).mid, 102);
  std::size_t before = a->sent_count();
  now += std::chrono::milliseconds(2000);
  server->clock.fire_due();
  auto t = a->since(before);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(answer(t[0]).mid, 101);
  EXPECT_EQ(answer(t[0]).status, kFileLockConflict);
  r = lockx(*a, f, 0, 0, {}, {range(120, 10)}, 103);
  ASSERT_EQ(r.size(), 2u);
  for (const auto& m : r) EXPECT_EQ(answer(m).status, 0u);
}

}  // namespace
}  // namespace smb::server::test
