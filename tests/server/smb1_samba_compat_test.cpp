// Opt-in Samba models of two SMB1 behaviours the spec words differently (smbtorture raw.lock --target=samba3):
//   * --smb1-unlock-oldest-first: which of several matching locks an unlock removes (spec: MS-FSA 2.1.5.9).
//   * --smb1-logoff-keeps-trees: whether LOGOFF_ANDX disconnects the UID's tree connects (spec: MS-CIFS 2.2.4.54,
//     3.3.5.44).
// Each behaviour is tested both ways: the default must follow the spec, the option the Samba model.
#include <gtest/gtest.h>

#include <optional>

#include <nlohmann/json.hpp>

#include "server_fixture.hpp"
#include "smb1_peer.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbserver/config.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/lock_manager.hpp"
#include "smbserver/smb1.hpp"

namespace smb::server::test {
namespace {

namespace p = proto::smb1;

constexpr std::uint32_t kRangeNotLocked = 0xC000007E;
constexpr std::uint32_t kSmbBadTid = 0x00050002;  // ERRSRV/ERRinvtid (MS-CIFS 2.2.2.4), NT-status form identical

// ---------------------------------------------------------------------------------------------
// LockManager::unlock order (MS-FSA 2.1.5.9)

/** A shared and an exclusive zero-length lock on the same offset by the same owner (smbtorture raw.lock "unlock"). */
void stack_zero_byte_locks(LockManager& m, const LockOwner& f) {
  EXPECT_EQ(m.lock(f, 10, 0, false).value, 0u);  // shared first
  EXPECT_EQ(m.lock(f, 10, 0, true).value, 0u);   // zero-length ranges overlap nothing (MS-FSA 2.1.4.10)
}

TEST(Smb1UnlockOrder, DefaultRemovesTheExclusiveLockFirst) {
  // MS-FSA 2.1.5.9 [Processing]: the scan stops at the first matching exclusive lock; a shared match is removed
  // only when no exclusive one matches.
  const LockOwner f = LockOwner::for_smb1(1, 9);
  LockManager m;
  stack_zero_byte_locks(m, f);
  ASSERT_EQ(m.unlock(f, 10, 0).value, 0u);
  ASSERT_EQ(m.locks().size(), 1u);
  EXPECT_FALSE(m.locks()[0].exclusive);
  ASSERT_EQ(m.unlock(f, 10, 0).value, 0u);
  EXPECT_TRUE(m.locks().empty());
  EXPECT_EQ(m.unlock(f, 10, 0).value, kRangeNotLocked);  // 2.1.5.9: no match -> STATUS_RANGE_NOT_LOCKED
}

TEST(Smb1UnlockOrder, OldestFirstRemovesTheEarliestGrantedLock) {
  // Samba model (brl_unlock_windows_default without ZERO_ZERO): the first matching lock in grant order.
  const LockOwner f = LockOwner::for_smb1(1, 9);
  LockManager m;
  stack_zero_byte_locks(m, f);
  ASSERT_EQ(m.unlock(f, 10, 0, /*oldest_first=*/true).value, 0u);
  ASSERT_EQ(m.locks().size(), 1u);
  EXPECT_TRUE(m.locks()[0].exclusive);  // the shared lock (granted first) went
  // Grant order, not mode: exclusive granted before shared -> the exclusive goes first.
  LockManager n;
  ASSERT_EQ(n.lock(f, 10, 0, true).value, 0u);
  ASSERT_EQ(n.lock(f, 10, 0, false).value, 0u);
  ASSERT_EQ(n.unlock(f, 10, 0, true).value, 0u);
  ASSERT_EQ(n.locks().size(), 1u);
  EXPECT_FALSE(n.locks()[0].exclusive);
  // Owner and exact range still have to match (MS-FSA 2.1.5.9).
  EXPECT_EQ(n.unlock(LockOwner::for_smb1(1, 10), 10, 0, true).value, kRangeNotLocked);
  EXPECT_EQ(n.unlock(f, 10, 1, true).value, kRangeNotLocked);
}

TEST(Smb1SambaCompatConfig, OffByDefaultAndConfigKeys) {
  ServerConfig d;
  EXPECT_FALSE(d.smb1_unlock_oldest_first);  // defaults follow MS-FSA 2.1.5.9 / MS-CIFS 3.3.5.44
  EXPECT_FALSE(d.smb1_logoff_keeps_trees);
  ServerConfig c;
  ASSERT_FALSE(apply_config_json(nlohmann::json{{"smb1_unlock_oldest_first", true}, {"smb1_logoff_keeps_trees", true}}, c));
  EXPECT_TRUE(c.smb1_unlock_oldest_first);
  EXPECT_TRUE(c.smb1_logoff_keeps_trees);
}

// ---------------------------------------------------------------------------------------------
// Handlers

/** NT_CREATE_ANDX (open-if, share all) under explicit UID/TID; the response status, and the FID in `fid`. */
std::uint32_t create(Smb1Peer& peer, std::uint16_t uid, std::uint16_t tid, const std::string& name,
                     std::uint16_t* fid = nullptr) {
  p::NtCreateAndxRequest c;
  c.file_name = name;
  c.desired_access = 0xC0000000;
  c.share_access = 7;
  c.create_disposition = 3;
  c.impersonation_level = 2;
  auto r = peer.send(Smb1Peer::header(p::Command::SMB_COM_NT_CREATE_ANDX, uid, tid, 20), c);
  EXPECT_EQ(r.size(), 1u);
  auto d = p::decode_response(r.at(0));
  EXPECT_TRUE(d);
  if (d->header.status == 0 && fid) *fid = std::get<p::NtCreateAndxResponse>(d->bodies.front()).fid;
  return d->header.status;
}
std::uint32_t logoff(Smb1Peer& peer, std::uint16_t uid) {
  auto r = peer.send(Smb1Peer::header(p::Command::SMB_COM_LOGOFF_ANDX, uid, 0, 30), p::LogoffAndxRequest{});
  EXPECT_EQ(r.size(), 1u);
  return p::decode_response(r.at(0))->header.status;
}
std::uint32_t lockx(Smb1Peer& peer, std::uint16_t uid, std::uint16_t tid, std::uint16_t fid, std::uint8_t type,
                    std::vector<p::LockingAndxRange> locks, std::vector<p::LockingAndxRange> unlocks) {
  p::LockingAndxRequest l;
  l.fid = fid;
  l.type_of_lock = static_cast<std::uint8_t>(type | p::LARGE_FILES);
  l.locks = std::move(locks);
  l.unlocks = std::move(unlocks);
  auto r = peer.send(Smb1Peer::header(p::Command::SMB_COM_LOCKING_ANDX, uid, tid, 50), l);
  EXPECT_EQ(r.size(), 1u);
  return p::decode_response(r.at(0))->header.status;
}

class Smb1SambaCompat : public Smb1ServerTest {
 protected:
  void start(bool unlock_oldest_first, bool logoff_keeps_trees) {
    peer.reset();
    make([&](ServerConfig& cfg) {
      cfg.smb1_unlock_oldest_first = unlock_oldest_first;
      cfg.smb1_logoff_keeps_trees = logoff_keeps_trees;
    });
    ASSERT_TRUE(server);
    peer.emplace(*server);
    ASSERT_TRUE(peer->negotiate());
  }
  std::optional<Smb1Peer> peer;
};

p::LockingAndxRange range(std::uint64_t off, std::uint64_t len) { return p::LockingAndxRange{0x0101, 0, off, len}; }

TEST_F(Smb1SambaCompat, UnlockOrderOverLockingAndx) {
  // MS-CIFS 3.3.5.30 -> MS-FSA 2.1.5.9. After the shared and the exclusive zero-byte lock at 10 and one unlock, a
  // shared lock by another FID on [5, 15) is granted only if the exclusive lock went (a zero-length exclusive lock
  // inside the range conflicts, MS-FSA 2.1.4.10; smbtorture raw.lock "unlock" "test contention").
  for (bool oldest_first : {false, true}) {
    start(oldest_first, false);
    std::uint16_t uid = peer->session_setup();
    ASSERT_NE(uid, 0);
    std::uint16_t tid = peer->tree_connect(uid);
    ASSERT_NE(tid, 0);
    std::uint16_t f1 = 0, f2 = 0;
    ASSERT_EQ(create(*peer, uid, tid, "u.txt", &f1), 0u);
    ASSERT_EQ(create(*peer, uid, tid, "u.txt", &f2), 0u);
    ASSERT_EQ(lockx(*peer, uid, tid, f1, p::SHARED_LOCK, {range(10, 0)}, {}), 0u);
    ASSERT_EQ(lockx(*peer, uid, tid, f1, 0, {range(10, 0)}, {}), 0u);
    ASSERT_NE(lockx(*peer, uid, tid, f2, p::SHARED_LOCK, {range(5, 10)}, {}), 0u);  // contention while exclusive held
    ASSERT_EQ(lockx(*peer, uid, tid, f1, 0, {}, {range(10, 0)}), 0u);
    std::uint32_t probe = lockx(*peer, uid, tid, f2, p::SHARED_LOCK, {range(5, 10)}, {});
    if (oldest_first) EXPECT_NE(probe, 0u) << "the shared lock should have gone, the exclusive one still blocks";
    else EXPECT_EQ(probe, 0u) << "MS-FSA 2.1.5.9: the exclusive lock is removed first";
  }
}

TEST_F(Smb1SambaCompat, LogoffAndTheUidsTreeConnects) {
  // Two UIDs on one connection; the second connects a tree, then logs off; the first keeps using that TID
  // (smbtorture raw.lock "async", last step).
  for (bool keep : {false, true}) {
    start(false, keep);
    std::uint16_t uid1 = peer->session_setup(), uid2 = peer->session_setup();
    ASSERT_NE(uid1, 0);
    ASSERT_NE(uid2, 0);
    ASSERT_NE(uid1, uid2);
    std::uint16_t tid2 = peer->tree_connect(uid2);
    ASSERT_NE(tid2, 0);
    std::uint16_t fid2 = 0;
    ASSERT_EQ(create(*peer, uid2, tid2, "a.txt", &fid2), 0u);
    ASSERT_EQ(lockx(*peer, uid2, tid2, fid2, 0, {range(0, 10)}, {}), 0u);
    ASSERT_EQ(logoff(*peer, uid2), 0u);
    std::uint16_t fid1 = 0;
    std::uint32_t st = create(*peer, uid1, tid2, "a.txt", &fid1);
    if (!keep) {
      // MS-CIFS 3.3.5.44 / 2.2.4.54: LOGOFF_ANDX disconnects every tree connect of the UID -> ERRSRV/ERRinvtid
      // (MS-CIFS 3.3.5.2).
      EXPECT_EQ(st, kSmbBadTid);
      continue;
    }
    ASSERT_EQ(st, 0u) << "the tree connect should survive LOGOFF_ANDX with the option";
    // The logged-off UID's opens are still closed (and their locks released: MS-CIFS 3.3.5.44 / Samba alike).
    EXPECT_EQ(lockx(*peer, uid1, tid2, fid1, 0, {range(0, 10)}, {}), 0u);
    // MS-CIFS 3.3.5.30: an unknown FID -> STATUS_INVALID_HANDLE (ERRDOS/ERRbadfid).
    if (fid2 != fid1) {
      EXPECT_EQ(lockx(*peer, uid1, tid2, fid2, 0, {range(20, 10)}, {}), 0xC0000008u);
    }
  }
}

}  // namespace
}  // namespace smb::server::test
