// SMB1 oplock breaks from path operations and the shared create core (reference_server/src/smb1 on top of
// oplock.hpp / create.cpp): DELETE, TRANS2_SET_PATH_INFORMATION, attribute-only opens, LOCKING_ANDX and the
// delete-pending state. An in-process server, connections through fake transports, messages from the SMB1 codec.
// Expectations cite MS-FSA / MS-CIFS; where the model follows Samba (the smbtorture samba3 target), that is said.
#include <gtest/gtest.h>

#include <filesystem>

#include "server_fixture.hpp"
#include "smb1_peer.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbproto/smb1/trans2.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/oplock.hpp"
#include "smbserver/smb1.hpp"

namespace smb::server::test {
namespace {

namespace p = proto::smb1;

constexpr std::uint32_t kSharingViolation = 0xC0000043, kDeletePending = 0xC0000056;
constexpr std::uint32_t kReadAttributes = 0x80, kDelete = 0x00010000, kGenericRW = 0xC0000000;

/** One SMB1 client connection (the same shape as smb1_handlers_test.cpp's peer). */
const p::NtCreateAndxResponse& created(const std::vector<wire::Bytes>& r) {
  static p::NtCreateAndxResponse none;
  static std::optional<p::Smb1Response> keep;
  if (r.size() != 1) return none;
  auto d = p::decode_response(r[0]);
  if (!d || d->header.status != 0) return none;
  keep = *d;
  return std::get<p::NtCreateAndxResponse>(keep->bodies.front());
}

std::uint32_t status_of(const wire::Bytes& m) { return p::decode_response(m)->header.status; }

/** The oplock break notifications (LOCKING_ANDX requests from the server) in `msgs`: (fid, new level). */
std::vector<std::pair<std::uint16_t, std::uint8_t>> breaks_in(const std::vector<wire::Bytes>& msgs) {
  std::vector<std::pair<std::uint16_t, std::uint8_t>> out;
  for (const auto& m : msgs) {
    auto d = p::decode_request(m);
    if (!d || d->header.is_response()) continue;
    const auto& l = std::get<p::LockingAndxRequest>(d->bodies.front());
    out.emplace_back(l.fid, l.new_op_lock_level);
  }
  return out;
}

class Smb1OplockPaths : public Smb1ServerTest {
 protected:
  void SetUp() override {
    make();
    ASSERT_TRUE(server);
    a = std::make_unique<Smb1Peer>(*server);
    b = std::make_unique<Smb1Peer>(*server);
    ASSERT_EQ(a->logon("alice", "pass"), "");
    ASSERT_EQ(b->logon("bob", "pass2"), "");
  }
  std::vector<wire::Bytes> unlink(Smb1Peer& peer, const std::string& name) {
    p::DeleteRequest d;
    d.file_name = name;
    return peer.send(Smb1Peer::header(p::Command::SMB_COM_DELETE, 50), d);
  }
  std::unique_ptr<Smb1Peer> a, b;
};

constexpr std::uint32_t kBatch = p::NT_CREATE_REQUEST_OPLOCK | p::NT_CREATE_REQUEST_OPBATCH;

// SMB_COM_DELETE is an open for DELETE (MS-FSA 2.1.5.1): a BATCH holder is broken to LEVEL_II before the share check
// (MS-FSA 2.1.5.1.2.1 via 2.1.4.12), the delete waits for the acknowledgment (MS-CIFS 3.3.5.9 "MUST block"), and the
// holder's data access then conflicts with the delete's ShareAccess NONE -> STATUS_SHARING_VIOLATION. A second
// delete breaks nothing (the holder is at LEVEL_II; only an overwrite breaks LEVEL_II).
TEST_F(Smb1OplockPaths, DeleteBreaksBatchToLevelIIThenFailsSharingViolation) {
  dir.write_file("d.txt", "data");
  const auto& ca = created(a->create("d.txt", kGenericRW, 7, kBatch, 1));
  ASSERT_EQ(ca.op_lock_level, p::BATCH_OPLOCK);
  std::uint16_t fa = ca.fid;
  std::size_t a0 = a->sent_count();
  EXPECT_TRUE(unlink(*b, "d.txt").empty());  // waits for the break
  auto brk = breaks_in(a->since(a0));
  ASSERT_EQ(brk.size(), 1u);
  EXPECT_EQ(brk[0], std::make_pair(fa, p::OPLOCK_LEVEL_II));
  std::size_t b0 = b->sent_count();
  a->ack(fa, p::OPLOCK_LEVEL_II);
  server->clock.fire_due();
  auto done = b->since(b0);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(status_of(done[0]), kSharingViolation);
  a0 = a->sent_count();
  auto again = unlink(*b, "d.txt");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(status_of(again[0]), kSharingViolation);
  EXPECT_TRUE(breaks_in(a->since(a0)).empty());
  EXPECT_TRUE(std::filesystem::exists(dir.path / "d.txt"));
}

// The waiting delete re-runs when the holder closes instead of acknowledging, and then succeeds (smbtorture
// raw.oplock batch3's scenario; MS-CIFS 3.3.5.9).
TEST_F(Smb1OplockPaths, DeleteSucceedsWhenTheHolderClosesOnBreak) {
  dir.write_file("e.txt", "data");
  std::uint16_t fa = created(a->create("e.txt", kGenericRW, 7, kBatch, 1)).fid;
  EXPECT_TRUE(unlink(*b, "e.txt").empty());
  std::size_t b0 = b->sent_count();
  p::CloseRequest c;
  c.fid = fa;
  a->send(Smb1Peer::header(p::Command::SMB_COM_CLOSE, 60), c);
  server->clock.fire_due();
  auto done = b->since(b0);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(status_of(done[0]), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.path / "e.txt"));
}

// MS-FSA 2.1.5.1.2.2: an open asking only for FILE_READ_ATTRIBUTES takes no part in the share check, and MS-FSA
// 2.1.4.12 (OPEN) breaks nothing for it; it gets no oplock since another open holds an exclusive one (MS-FSA
// 2.1.5.18). A data open with ShareAccess NONE on the holder's side still fails without a break (EXCLUSIVE is
// not broken before the share check, MS-FSA 2.1.5.1.2.1).
TEST_F(Smb1OplockPaths, AttributeOnlyOpenIgnoresShareModesAndBreaksNothing) {
  dir.write_file("s.txt", "data");
  const auto& ca = created(a->create("s.txt", kGenericRW, 0, p::NT_CREATE_REQUEST_OPLOCK, 1));
  ASSERT_EQ(ca.op_lock_level, p::EXCLUSIVE_OPLOCK);
  std::size_t a0 = a->sent_count();
  const auto& cb = created(b->create("s.txt", kReadAttributes, 7, p::NT_CREATE_REQUEST_OPLOCK, 1));
  EXPECT_NE(cb.fid, 0u);
  EXPECT_EQ(cb.op_lock_level, p::NO_OPLOCK);
  auto data = b->create("s.txt", 0x1 /* FILE_READ_DATA */, 7, 0, 1);
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(status_of(data[0]), kSharingViolation);
  EXPECT_TRUE(breaks_in(a->since(a0)).empty());
}

// TRANS2_SET_PATH_INFORMATION with an end-of-file level opens the file for FILE_WRITE_DATA: the EXCLUSIVE holder is
// broken to LEVEL_II (MS-FSA 2.1.4.12 OPEN), and once acknowledged the size change breaks LEVEL_II to NONE (MS-FSA
// 2.1.5.15.4 -> 2.1.4.12 SET_INFORMATION). Two notifications, as smbtorture raw.oplock exclusive3 counts for Samba.
TEST_F(Smb1OplockPaths, SetPathEndOfFileBreaksToLevelIIThenToNone) {
  dir.write_file("f.txt", "data");
  std::uint16_t fa = created(a->create("f.txt", kGenericRW, 7, p::NT_CREATE_REQUEST_OPLOCK, 1)).fid;
  p::Trans2SetPathInformationRequest sp;
  sp.information_level = p::SMB_SET_FILE_END_OF_FILE_INFO;
  sp.file_name = "f.txt";
  sp.data = {100, 0, 0, 0, 0, 0, 0, 0};
  p::Context ctx;
  ctx.unicode = true;
  std::size_t a0 = a->sent_count();
  EXPECT_TRUE(b->send(Smb1Peer::header(p::Command::SMB_COM_TRANSACTION2, 70), p::to_transaction2(sp, ctx)).empty());
  auto first = breaks_in(a->since(a0));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0], std::make_pair(fa, p::OPLOCK_LEVEL_II));
  std::size_t b0 = b->sent_count();
  a0 = a->sent_count();
  a->ack(fa, p::OPLOCK_LEVEL_II);
  server->clock.fire_due();
  auto done = b->since(b0);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(status_of(done[0]), 0u);
  auto second = breaks_in(a->since(a0));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0], std::make_pair(fa, p::OPLOCK_LEVEL_NONE));
  EXPECT_EQ(std::filesystem::file_size(dir.path / "f.txt"), 100u);
}

// MS-FSA 2.1.5.8 -> 2.1.4.12 (BYTE_RANGE_LOCK): taking a byte-range lock breaks every LEVEL_II holder to NONE, the
// locker's own open included (smbtorture raw.oplock brl1). While the lock exists a new LEVEL_II request is refused
// (MS-FSA 2.1.5.18, raw.oplock brl4).
TEST_F(Smb1OplockPaths, ByteRangeLockBreaksLevelIIAndBlocksNewLevelII) {
  dir.write_file("l.txt", "0123456789");
  std::uint16_t fa = created(a->create("l.txt", kGenericRW, 7, kBatch, 1)).fid;
  EXPECT_TRUE(b->create("l.txt", kGenericRW, 7, 0, 1).empty());  // breaks A to LEVEL_II
  std::size_t b0 = b->sent_count();
  a->ack(fa, p::OPLOCK_LEVEL_II);
  server->clock.fire_due();
  ASSERT_EQ(b->since(b0).size(), 1u);
  p::LockingAndxRequest lk;
  lk.fid = fa;
  lk.locks.push_back({0x0101, 0, 0, 4});
  std::size_t a0 = a->sent_count();
  auto r = a->send(Smb1Peer::header(p::Command::SMB_COM_LOCKING_ANDX, 80), lk);
  auto brk = breaks_in(r);
  ASSERT_EQ(brk.size(), 1u);
  EXPECT_EQ(brk[0], std::make_pair(fa, p::OPLOCK_LEVEL_NONE));
  (void)a0;
  const auto& c3 = created(b->create("l.txt", kGenericRW, 7, p::NT_CREATE_REQUEST_OPLOCK, 1));
  EXPECT_NE(c3.fid, 0u);
  EXPECT_EQ(c3.op_lock_level, p::NO_OPLOCK);
}

// MS-FSA 2.1.5.15.3 FileDispositionInformation sets the file's delete-pending state, so a later open fails
// STATUS_DELETE_PENDING (MS-FSA 2.1.5.1.2.1) without breaking the holder's oplock (smbtorture raw.oplock doc1).
TEST_F(Smb1OplockPaths, DispositionMakesLaterOpensDeletePending) {
  dir.write_file("p.txt", "data");
  std::uint16_t fa = created(a->create("p.txt", kGenericRW | kDelete, 7, kBatch, 1)).fid;
  p::Trans2SetFileInformationRequest sf;
  sf.fid = fa;
  sf.information_level = p::SMB_SET_FILE_DISPOSITION_INFO;
  sf.data = {1};
  p::Context ctx;
  ctx.unicode = true;
  auto r = a->send(Smb1Peer::header(p::Command::SMB_COM_TRANSACTION2, 90), p::to_transaction2(sf, ctx));
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(status_of(r[0]), 0u);
  std::size_t a0 = a->sent_count();
  auto o = b->create("p.txt", 0x1, 7, 0, 1);
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(status_of(o[0]), kDeletePending);
  EXPECT_TRUE(breaks_in(a->since(a0)).empty());
}

}  // namespace
}  // namespace smb::server::test
