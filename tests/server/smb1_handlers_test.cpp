// Unit tests of the SMB1 engine and handlers (reference_server/src/smb1): an in-process server with SMB1 enabled,
// connections fed through fake transports, messages built and decoded with the SMB1 codec. Expectations cite
// MS-CIFS / MS-SMB; internal state is read from the server's data model (what the control channel shows).
#include "smbserver/smb1.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "server_fixture.hpp"
#include "smb1_peer.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbserver/connection.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server::test {
namespace {

namespace p = proto::smb1;

class Smb1Handlers : public Smb1ServerTest {
 protected:
  void SetUp() override { make(); }
};

TEST_F(Smb1Handlers, NegotiateSelectsNtLm012WithExtendedSecurity) {
  Smb1Peer a(*server);
  p::NegotiateRequest n;
  n.dialects = {"PC NETWORK PROGRAM 1.0", "NT LM 0.12", "LANMAN1.0"};
  auto r = a.send(Smb1Peer::header(p::Command::SMB_COM_NEGOTIATE), n);
  ASSERT_EQ(r.size(), 1u);
  auto d = p::decode_response(r[0]);
  ASSERT_TRUE(d);
  const auto& resp = std::get<p::NegotiateResponse>(d->bodies.front());
  EXPECT_EQ(resp.word_count, 0x11);       // MS-CIFS 2.2.4.52.2
  EXPECT_EQ(resp.dialect_index, 1);       // index of "NT LM 0.12" in the request
  EXPECT_TRUE(resp.capabilities & p::CAP_EXTENDED_SECURITY);  // MS-SMB 2.2.4.5.2.1
  EXPECT_TRUE(resp.capabilities & p::CAP_STATUS32);
  EXPECT_FALSE(resp.security_blob.empty());
}

TEST_F(Smb1Handlers, NegotiateWithoutNtLm012AnswersDialectIndexFFFF) {
  Smb1Peer a(*server);
  p::NegotiateRequest n;
  n.dialects = {"PC NETWORK PROGRAM 1.0"};
  auto r = a.send(Smb1Peer::header(p::Command::SMB_COM_NEGOTIATE), n);
  ASSERT_EQ(r.size(), 1u);
  auto d = p::decode_response(r[0]);
  ASSERT_TRUE(d);
  const auto& resp = std::get<p::NegotiateResponse>(d->bodies.front());
  EXPECT_EQ(resp.word_count, 0x01);  // MS-CIFS 2.2.4.52.2: DialectIndex 0xFFFF, WordCount 1
  EXPECT_EQ(resp.dialect_index, 0xFFFF);
}

TEST_F(Smb1Handlers, Smb1OffWithoutTheOption) {
  server->config.smb1_enabled = false;
  Smb1Peer a(*server);
  p::NegotiateRequest n;
  n.dialects = {"NT LM 0.12"};
  auto r = a.send(Smb1Peer::header(p::Command::SMB_COM_NEGOTIATE), n);
  EXPECT_TRUE(r.empty());
  EXPECT_TRUE(a.closed());  // issue 6: SMB1 stays off unless enabled
}

TEST_F(Smb1Handlers, UnknownUidIsBadUidInBothStatusForms) {
  Smb1Peer a(*server);
  ASSERT_EQ(a.logon(), "");
  p::CloseRequest c;
  c.fid = 1;
  p::Header h = Smb1Peer::header(p::Command::SMB_COM_CLOSE);
  h.uid = static_cast<std::uint16_t>(a.uid + 50);
  auto r = a.send(h, c);
  ASSERT_EQ(r.size(), 1u);
  auto d = p::decode_response(r[0]);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->header.status, status::STATUS_SMB_BAD_UID.value);  // MS-CIFS 3.3.5.2
  EXPECT_TRUE(d->header.has_nt_status());
  h.flags2 &= static_cast<std::uint16_t>(~p::SMB_FLAGS2_NT_STATUS);
  r = a.send(h, c);
  d = p::decode_response(r.at(0));
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->header.has_nt_status());  // MS-CIFS 2.2.3.1: SMBSTATUS form when not asked for NT status
  EXPECT_EQ(d->header.dos_error(), (p::DosError{p::ERRSRV, 0, 0x005B}));  // ERRSRV/ERRbaduid
}

TEST_F(Smb1Handlers, WriteAndCloseWritesClosesAndUpdatesCounters) {
  Smb1Peer a(*server);
  ASSERT_EQ(a.logon(), "");
  std::uint16_t fid = fid_of(a.open("w.txt"));
  TreeConnect* tree = nullptr;
  for (auto& [id, s] : a.connection().session_table) tree = s->tree_connect_table.begin()->second.get();
  ASSERT_NE(tree, nullptr);
  ASSERT_EQ(tree->open_count, 1u);
  auto fopens = server->statistics.sts0_fopens;
  p::WriteAndCloseRequest w;
  w.fid = fid;
  w.count_of_bytes_to_write = 3;
  w.write_offset_in_bytes = 2;
  w.data = {'a', 'b', 'c'};
  auto r = a.send(Smb1Peer::header(p::Command::SMB_COM_WRITE_AND_CLOSE), w);
  auto d = p::decode_response(r.at(0));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->header.status, 0u);
  EXPECT_EQ(std::get<p::WriteAndCloseResponse>(d->bodies.front()).count_of_bytes_written, 3);  // 3.3.5.34
  // 3.3.5.34: OpenCount and sts0_fopens decreased by 1; the FID is invalid.
  EXPECT_EQ(tree->open_count, 0u);
  EXPECT_EQ(server->statistics.sts0_fopens, fopens - 1);
  std::ifstream in(dir.path / "w.txt", std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, std::string("\0\0abc", 5));
  p::CloseRequest c;
  c.fid = fid;
  d = p::decode_response(a.send(Smb1Peer::header(p::Command::SMB_COM_CLOSE), c).at(0));
  EXPECT_EQ(d->header.status, status::STATUS_INVALID_HANDLE.value);
}

// MS-CIFS 3.3.5.10 / 3.3.5.53: RENAME and NT_RENAME (RENAME_FILE) rename by name through the typed codec; NT_RENAME's
// own status rules: wildcards -> STATUS_OBJECT_PATH_SYNTAX_BAD, an InformationLevel other than RENAME_FILE/SET_LINK_INFO
// -> STATUS_INVALID_SMB (SHOULD, <319>); the response carries the request's command code.
TEST_F(Smb1Handlers, RenameAndNtRenameByName) {
  Smb1Peer a(*server);
  ASSERT_EQ(a.logon(), "");
  { std::ofstream(dir.path / "r1.txt") << "x"; }
  auto status_of = [](const std::vector<wire::Bytes>& r) {
    EXPECT_EQ(r.size(), 1u);
    auto d = p::decode_response(r.at(0));
    EXPECT_TRUE(d);
    return d ? d->header.status : 0xFFFFFFFFu;
  };
  p::RenameRequest rn;
  rn.old_file_name = "\\r1.txt";
  rn.new_file_name = "\\r2.txt";
  auto r = a.send(Smb1Peer::header(p::Command::SMB_COM_RENAME), rn);
  EXPECT_EQ(status_of(r), 0u);
  EXPECT_EQ(r.at(0)[4], 0x07);  // Command of the response = SMB_COM_RENAME
  EXPECT_FALSE(std::filesystem::exists(dir.path / "r1.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir.path / "r2.txt"));

  p::NtRenameRequest nr;
  nr.old_file_name = "\\r2.txt";
  nr.new_file_name = "\\r3.txt";
  r = a.send(Smb1Peer::header(p::Command::SMB_COM_NT_RENAME), nr);
  EXPECT_EQ(status_of(r), 0u);
  EXPECT_EQ(r.at(0)[4], 0xA5);  // 3.3.5.53: "MUST be SMB_COM_NT_RENAME (0xA5)"
  EXPECT_TRUE(std::filesystem::exists(dir.path / "r3.txt"));

  nr.old_file_name = "\\r*.txt";
  EXPECT_EQ(status_of(a.send(Smb1Peer::header(p::Command::SMB_COM_NT_RENAME), nr)), status::STATUS_OBJECT_PATH_SYNTAX_BAD.value);
  nr.old_file_name = "\\r3.txt";
  nr.information_level = p::SMB_NT_RENAME_MOVE_FILE;
  EXPECT_EQ(status_of(a.send(Smb1Peer::header(p::Command::SMB_COM_NT_RENAME), nr)), status::STATUS_INVALID_SMB.value);
  EXPECT_TRUE(std::filesystem::exists(dir.path / "r3.txt"));
}

TEST_F(Smb1Handlers, WriteAndCloseWithoutWriteAccessCountsPermError) {
  dir.write_file("ro.txt", "x");
  Smb1Peer a(*server);
  ASSERT_EQ(a.logon(), "");
  std::uint16_t fid = fid_of(a.open("ro.txt", 0x00000001 /* FILE_READ_DATA */, 0, 1));
  auto perm = server->statistics.sts0_permerrors;
  p::WriteAndCloseRequest w;
  w.fid = fid;
  w.count_of_bytes_to_write = 1;
  w.data = {'z'};
  auto d = p::decode_response(a.send(Smb1Peer::header(p::Command::SMB_COM_WRITE_AND_CLOSE), w).at(0));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->header.status, status::STATUS_ACCESS_DENIED.value);  // 3.3.5.34
  EXPECT_EQ(server->statistics.sts0_permerrors, perm + 1);           // "MUST increase sts0_permerrors by 1"
}

TEST_F(Smb1Handlers, WriteAndCloseZeroCountTruncatesToOffset) {
  dir.write_file("t.txt", "hello");
  Smb1Peer a(*server);
  ASSERT_EQ(a.logon(), "");
  std::uint16_t fid = fid_of(a.open("t.txt", 0xC0000000, 0, 1));
  p::WriteAndCloseRequest w;
  w.fid = fid;
  w.count_of_bytes_to_write = 0;
  w.write_offset_in_bytes = 2;
  auto d = p::decode_response(a.send(Smb1Peer::header(p::Command::SMB_COM_WRITE_AND_CLOSE), w).at(0));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->header.status, 0u);
  EXPECT_EQ(std::filesystem::file_size(dir.path / "t.txt"), 2u);  // 2.2.4.40.1: truncated to WriteOffsetInBytes
}

TEST_F(Smb1Handlers, OplockBreakIsTheExact51ByteRequestAndTimeoutKeepsAnnouncedLevel) {
  dir.write_file("x.txt", "data");
  Smb1Peer a(*server), b(*server);
  ASSERT_EQ(a.logon(), "");
  ASSERT_EQ(b.logon("bob", "pass2"), "");
  auto ra = a.open("x.txt", 0xC0000000, p::NT_CREATE_REQUEST_OPLOCK | p::NT_CREATE_REQUEST_OPBATCH, 1);
  ASSERT_EQ(std::get<p::NtCreateAndxResponse>(ra.bodies.front()).op_lock_level, p::BATCH_OPLOCK);
  std::uint16_t fa = fid_of(ra);
  std::size_t a_before = a.sent_count();
  p::NtCreateAndxRequest c;
  c.file_name = "x.txt";
  c.desired_access = 0xC0000000;
  c.share_access = 7;
  c.create_disposition = 1;
  auto rb = b.send(Smb1Peer::header(p::Command::SMB_COM_NT_CREATE_ANDX, 30), c);
  EXPECT_TRUE(rb.empty());  // B waits for the break (MS-CIFS 3.3.4.2)
  auto breaks = a.since(a_before);
  ASSERT_EQ(breaks.size(), 1u);
  const wire::Bytes& m = breaks[0];
  EXPECT_EQ(m.size(), 51u);  // 32 + 1 + 16 + 2
  auto d = p::decode_request(m);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->header.is_response());
  EXPECT_EQ(d->header.mid, 0xFFFF);
  EXPECT_EQ(d->header.pid_low, 0xFFFF);
  const auto& l = std::get<p::LockingAndxRequest>(d->bodies.front());
  EXPECT_EQ(l.fid, fa);
  EXPECT_TRUE(l.type_of_lock & p::OPLOCK_RELEASE);
  EXPECT_EQ(l.new_op_lock_level, p::OPLOCK_LEVEL_II);  // batch -> level II for a non-overwriting open
  EXPECT_EQ(l.timeout, 0u);
  server->clock.fire_due();  // the zero-delay switch to the SMB1 timer (smb1.hpp)
  Open* open = nullptr;
  for (auto& [id, s] : a.connection().session_table) open = s->open_table.at(fa).get();
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->oplock_state, OplockState::breaking);  // 3.3.4.2
  EXPECT_EQ(open->oplock_timeout, now + std::chrono::seconds(35));
  std::size_t b_before = b.sent_count();
  server->clock.advance(std::chrono::seconds(35));  // 3.3.2.1 / 3.3.6.1
  server->clock.fire_due();
  EXPECT_EQ(open->oplock_level, 0x01);  // 3.3.6.1: the level announced in the break (II), not NONE
  EXPECT_NE(open->oplock_state, OplockState::breaking);
  auto done = b.since(b_before);
  ASSERT_EQ(done.size(), 1u);  // B's open completed
  EXPECT_EQ(p::decode_response(done[0])->header.status, 0u);
}

TEST_F(Smb1Handlers, BareOplockAckGetsNoResponse) {
  dir.write_file("y.txt", "data");
  Smb1Peer a(*server), b(*server);
  ASSERT_EQ(a.logon(), "");
  ASSERT_EQ(b.logon("bob", "pass2"), "");
  std::uint16_t fa = fid_of(a.open("y.txt", 0xC0000000, p::NT_CREATE_REQUEST_OPLOCK | p::NT_CREATE_REQUEST_OPBATCH, 1));
  p::NtCreateAndxRequest c;
  c.file_name = "y.txt";
  c.desired_access = 0xC0000000;
  c.share_access = 7;
  c.create_disposition = 1;
  std::size_t b_before = b.sent_count();
  b.send(Smb1Peer::header(p::Command::SMB_COM_NT_CREATE_ANDX, 30), c);
  p::LockingAndxRequest ack;
  ack.fid = fa;
  ack.type_of_lock = p::OPLOCK_RELEASE;
  auto r = a.send(Smb1Peer::header(p::Command::SMB_COM_LOCKING_ANDX, 40), ack);
  EXPECT_TRUE(r.empty());  // MS-CIFS 3.3.5.30: MUST NOT send a response
  server->clock.fire_due();  // waiters re-run after the acknowledgment
  auto done = b.since(b_before);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(p::decode_response(done[0])->header.status, 0u);
}

TEST_F(Smb1Handlers, LockRetryQuirkOnlyWhenConfigured) {
  for (bool quirk : {false, true}) {
    server->config.smb1_lock_retry_conflict = quirk;
    Smb1Peer a(*server);
    ASSERT_EQ(a.logon(), "");
    std::string name = quirk ? "q1.txt" : "q0.txt";
    std::uint16_t fid = fid_of(a.open(name));
    p::LockingAndxRequest l;
    l.fid = fid;
    l.locks = {p::LockingAndxRange{0x0101, 0, 0, 10}};
    ASSERT_EQ(p::decode_response(a.send(Smb1Peer::header(p::Command::SMB_COM_LOCKING_ANDX), l).at(0))->header.status, 0u);
    l.locks = {p::LockingAndxRange{0x0101, 0, 5, 10}};
    auto first = p::decode_response(a.send(Smb1Peer::header(p::Command::SMB_COM_LOCKING_ANDX), l).at(0))->header.status;
    auto second = p::decode_response(a.send(Smb1Peer::header(p::Command::SMB_COM_LOCKING_ANDX), l).at(0))->header.status;
    EXPECT_EQ(first, status::STATUS_LOCK_NOT_GRANTED.value);  // MS-CIFS 3.3.5.30
    // <291>: Windows answers the retry with FILE_LOCK_CONFLICT; the MS-FSA default keeps LOCK_NOT_GRANTED.
    EXPECT_EQ(second, quirk ? NtStatus{0xC0000054}.value : status::STATUS_LOCK_NOT_GRANTED.value);
  }
}

TEST_F(Smb1Handlers, FlushAllFlushesEveryFileOfThePid) {
  Smb1Peer a(*server);
  ASSERT_EQ(a.logon(), "");
  std::uint16_t f1 = fid_of(a.open("f1.txt"));
  std::uint16_t f2 = fid_of(a.open("f2.txt"));
  p::FlushRequest fl;
  fl.fid = 0xFFFF;
  auto d = p::decode_response(a.send(Smb1Peer::header(p::Command::SMB_COM_FLUSH), fl).at(0));
  EXPECT_EQ(d->header.status, 0u);  // MS-CIFS 3.3.5.8
  for (auto& [id, s] : a.connection().session_table) {
    EXPECT_EQ(s->open_table.at(f1)->flush_count, 1u);
    EXPECT_EQ(s->open_table.at(f2)->flush_count, 1u);
  }
}

}  // namespace
}  // namespace smb::server::test
