// CREATE access mapping and every FLUSH branch of the reference server (MS-SMB2 3.3.5.9, 3.3.5.11).
#include "smbserver/access.hpp"

#include "server_fixture.hpp"

namespace smb::server::test {
namespace {

namespace a = access;
constexpr std::uint32_t kDirectory = 0x1;

TEST(Create, DesiredAccessZeroIsAccessDenied) {
  Fixture f;
  f.logon();
  // SMB2-CREATE-01, 3.3.5.9: DesiredAccess 0 on a disk share -> STATUS_ACCESS_DENIED (SHOULD).
  EXPECT_EQ(f.create("a.txt", 0).status(), status::STATUS_ACCESS_DENIED);
}

TEST(Create, ShortCreateContextNameIsInvalidParameter) {
  Fixture f;
  f.logon();
  proto::CreateRequest c;
  c.name = "a.txt";
  c.desired_access = a::FILE_READ_DATA;
  c.create_disposition = kOpenIf;
  c.create_contexts.push_back({wire::Bytes{'M', 'x', 'A'}, 0, {}});
  // SMB2-CREATE-03(d), 3.3.5.9: a create context NameLength < 4 -> STATUS_INVALID_PARAMETER.
  EXPECT_EQ(f.request(proto::Command::CREATE, c).status(), status::STATUS_INVALID_PARAMETER);
}

TEST(Create, GenericRightsAreMappedIntoGrantedAccess) {
  Fixture f;
  f.logon();
  // SMB2-CREATE-08, 2.2.13.1: GENERIC_WRITE grants FILE_WRITE_DATA -> FLUSH succeeds; GENERIC_READ
  // does not -> FLUSH is denied (3.3.5.11).
  proto::FileId w = f.open("g.txt", a::GENERIC_WRITE, kOpenIf);
  EXPECT_EQ(f.flush(w).status(), status::STATUS_SUCCESS);
  auto ws = f.open_state(w);
  EXPECT_EQ(ws["granted_access"].get<std::uint32_t>() & (a::FILE_WRITE_DATA | a::FILE_APPEND_DATA),
            a::FILE_WRITE_DATA | a::FILE_APPEND_DATA);
  EXPECT_EQ(ws["granted_access"].get<std::uint32_t>() & a::GENERIC_WRITE, 0u);  // stored mapped, not raw
  proto::FileId r = f.open("g.txt", a::GENERIC_READ, kOpenIf);
  EXPECT_EQ(f.flush(r).status(), status::STATUS_ACCESS_DENIED);
  EXPECT_EQ(f.open_state(r)["granted_access"].get<std::uint32_t>() & a::FILE_READ_DATA, a::FILE_READ_DATA);
}

TEST(Create, MaximumAllowedResolvesToTheTreesMaximalAccess) {
  Fixture f;
  f.logon();
  proto::FileId m = f.open("m.txt", a::MAXIMUM_ALLOWED, kOpenIf);
  EXPECT_EQ(f.open_state(m)["granted_access"].get<std::uint32_t>(), a::FILE_ALL_ACCESS);
}

TEST(Create, ShareModeConflictIsSharingViolation) {
  Fixture f;
  f.logon();
  // SMB2-CREATE-02, MS-FSA 2.1.5.1.2: F open with ShareAccess 0; a second open asking
  // FILE_READ_DATA -> STATUS_SHARING_VIOLATION.
  Reply first = f.create("s.txt", a::FILE_READ_DATA, kOpenIf, 0, /*share_access=*/0);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.create("s.txt", a::FILE_READ_DATA, kOpenIf, 0, 7).status(), status::STATUS_SHARING_VIOLATION);
  ASSERT_EQ(f.close(first.as<proto::CreateResponse>().file_id).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.create("s.txt", a::FILE_READ_DATA, kOpenIf, 0, 7).status(), status::STATUS_SUCCESS);
}

TEST(Create, NewOpenStartsWithSpecDefaults) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("d.txt", a::FILE_READ_DATA, kOpenIf);
  auto o = f.open_state(id);
  // SMB2-CREATE-04, 3.3.5.9: LockCount 0, every LockSequenceArray entry Valid FALSE, not durable,
  // resilient or persistent; oplock NONE (no oplock granted by this server yet).
  EXPECT_EQ(o["lock_count"], 0);
  ASSERT_EQ(o["lock_sequence_array"].size(), 64u);
  for (const auto& e : o["lock_sequence_array"]) EXPECT_EQ(e["valid"], false);
  EXPECT_EQ(o["is_durable"], false);
  EXPECT_EQ(o["is_resilient"], false);
  EXPECT_EQ(o["is_persistent"], false);
  EXPECT_EQ(o["oplock_level"], 0);
  EXPECT_EQ(o["flush_count"], 0);
}

TEST(Flush, FileWithReadAccessOnlyIsAccessDenied) {
  Fixture f;
  f.logon();
  // SMB2-FLUSH-01, 3.3.5.11: file without FILE_WRITE_DATA and FILE_APPEND_DATA -> ACCESS_DENIED.
  proto::FileId id = f.open("r.txt", a::FILE_READ_DATA | a::FILE_READ_ATTRIBUTES, kOpenIf);
  EXPECT_EQ(f.flush(id).status(), status::STATUS_ACCESS_DENIED);
  EXPECT_EQ(f.open_state(id)["flush_count"], 0);
}

TEST(Flush, FileWithWriteDataOrAppendDataSucceeds) {
  Fixture f;
  f.logon();
  // SMB2-FLUSH-02/03, 3.3.5.11: either right is enough.
  proto::FileId w = f.open("w.txt", a::FILE_WRITE_DATA, kOpenIf);
  EXPECT_EQ(f.flush(w).status(), status::STATUS_SUCCESS);
  proto::FileId ap = f.open("ap.txt", a::FILE_APPEND_DATA, kOpenIf);
  EXPECT_EQ(f.flush(ap).status(), status::STATUS_SUCCESS);
}

TEST(Flush, DirectoryNeedsAddFileOrAddSubdirectory) {
  Fixture f;
  f.logon();
  // SMB2-FLUSH-04: LIST_DIRECTORY | READ_ATTRIBUTES -> ACCESS_DENIED; -05/-06: ADD_FILE or
  // ADD_SUBDIRECTORY -> SUCCESS (3.3.5.11).
  proto::FileId l = f.open("dir", a::FILE_LIST_DIRECTORY | a::FILE_READ_ATTRIBUTES, kCreate, kDirectory);
  EXPECT_EQ(f.flush(l).status(), status::STATUS_ACCESS_DENIED);
  proto::FileId af = f.open("dir", a::FILE_ADD_FILE | a::FILE_READ_ATTRIBUTES, 1, kDirectory);
  EXPECT_EQ(f.flush(af).status(), status::STATUS_SUCCESS);
  proto::FileId sd = f.open("dir", a::FILE_ADD_SUBDIRECTORY | a::FILE_READ_ATTRIBUTES, 1, kDirectory);
  EXPECT_EQ(f.flush(sd).status(), status::STATUS_SUCCESS);
}

TEST(Flush, EachFlushCallsTheStoreExactlyOnce) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("c.txt", a::GENERIC_WRITE | a::GENERIC_READ, kOpenIf);
  auto shares_flushes = [&] {
    auto st = handle_control(*f.server, R"({"op":"state"})");
    for (const auto& s : st["shares"])
      if (s["name"] == "share") return s["statistics"]["flushes"].get<std::uint64_t>();
    return std::uint64_t{999};
  };
  std::uint64_t before = shares_flushes();
  // SMB2-FLUSH-11, 3.3.5.11 (<358>): one object-store flush per FLUSH of a non-persistent open.
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(f.flush(id).status(), status::STATUS_SUCCESS);
    EXPECT_EQ(f.open_state(id)["flush_count"], i);
    EXPECT_EQ(shares_flushes(), before + i);
  }
  // SMB2-FLUSH-17, 2.2.18: response StructureSize 4, Command FLUSH.
  Reply r = f.flush(id);
  EXPECT_EQ(r.header.command, 0x0007);
  EXPECT_EQ(r.as<proto::FlushResponse>().structure_size, 4);
}

TEST(Flush, StoreStatusIsReturnedUnchanged) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("e.txt", a::GENERIC_WRITE, kOpenIf);
  auto rep = handle_control(*f.server, R"({"op":"fault","share":"share","operation":"flush","path":"e.txt","status":"STATUS_DISK_FULL","count":1})");
  ASSERT_EQ(rep["ok"], true) << rep.dump();
  // SMB2-FLUSH-12, 3.3.5.11: the object store's status is returned unchanged.
  EXPECT_EQ(f.flush(id).status(), status::STATUS_DISK_FULL);
  // count 1: another open's flush is clean (the failing open may keep its latched error,
  // object-store-flush.md rule 4).
  proto::FileId other = f.open("e2.txt", a::GENERIC_WRITE, kOpenIf);
  EXPECT_EQ(f.flush(other).status(), status::STATUS_SUCCESS);
  ASSERT_EQ(handle_control(*f.server, R"({"op":"volume","share":"share","read_only":true})")["ok"], true);
  // MS-FSA 2.1.5.7: a read-only volume -> STATUS_MEDIA_WRITE_PROTECTED.
  EXPECT_EQ(f.flush(other).status(), status::STATUS_MEDIA_WRITE_PROTECTED);
}

TEST(Flush, LookupOrderSessionThenTreeThenOpen) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("o.txt", a::GENERIC_WRITE, kOpenIf);
  proto::FileId bogus{id.persistent + 100, id.volatile_ + 100};
  // SMB2-COMMON-09, 3.3.5.11: bad TreeId and bad FileId -> NETWORK_NAME_DELETED (tree first).
  auto h = f.header(proto::Command::FLUSH);
  h.tree_id = 0xBAD;
  proto::FlushRequest fr;
  fr.file_id = bogus;
  EXPECT_EQ(f.request(h, proto::RequestBody(fr)).status(), status::STATUS_NETWORK_NAME_DELETED);
  // SMB2-COMMON-11: bad SessionId too -> USER_SESSION_DELETED (session first).
  h = f.header(proto::Command::FLUSH);
  h.tree_id = 0xBAD;
  h.session_id = 0xBAD;
  EXPECT_EQ(f.request(h, proto::RequestBody(fr)).status(), status::STATUS_USER_SESSION_DELETED);
  // SMB2-COMMON-06/07: unknown volatile, or persistent part off by one -> FILE_CLOSED.
  EXPECT_EQ(f.flush(bogus).status(), status::STATUS_FILE_CLOSED);
  EXPECT_EQ(f.flush({id.persistent ^ 1, id.volatile_}).status(), status::STATUS_FILE_CLOSED);
  EXPECT_EQ(f.flush(id).status(), status::STATUS_SUCCESS);
}

TEST(Close, ChecksTheOpenBeforeTheTree) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("c2.txt", a::GENERIC_WRITE, kOpenIf);
  proto::CloseRequest c;
  c.file_id = {id.persistent + 100, id.volatile_ + 100};
  auto h = f.header(proto::Command::CLOSE);
  h.tree_id = 0xBAD;
  // SMB2-COMMON-10(a), 3.3.5.10: bad TreeId + bad FileId -> FILE_CLOSED (open checked first).
  EXPECT_EQ(f.request(h, proto::RequestBody(c)).status(), status::STATUS_FILE_CLOSED);
  // (b): bad TreeId + valid FileId -> NETWORK_NAME_DELETED, and the open stays.
  c.file_id = id;
  h = f.header(proto::Command::CLOSE);
  h.tree_id = 0xBAD;
  EXPECT_EQ(f.request(h, proto::RequestBody(c)).status(), status::STATUS_NETWORK_NAME_DELETED);
  EXPECT_EQ(f.close(id).status(), status::STATUS_SUCCESS);
  // SMB2-COMMON-06: a second CLOSE -> FILE_CLOSED.
  EXPECT_EQ(f.close(id).status(), status::STATUS_FILE_CLOSED);
}

TEST(Flush, ExpiredSessionIsNetworkSessionExpiredButCloseProceeds) {
  Fixture f;
  f.logon();
  proto::FileId id = f.open("x.txt", a::GENERIC_WRITE, kOpenIf);
  auto rep = handle_control(*f.server, nlohmann::json{{"op", "expire_session"}, {"session_id", f.session_id}}.dump());
  ASSERT_EQ(rep["ok"], true);
  // SMB2-COMMON-02, 3.3.5.2.9: Expired -> FLUSH fails NETWORK_SESSION_EXPIRED (SHOULD).
  EXPECT_EQ(f.flush(id).status(), status::STATUS_NETWORK_SESSION_EXPIRED);
  // SMB2-COMMON-03: CLOSE and LOGOFF still proceed.
  EXPECT_EQ(f.close(id).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.request(proto::Command::LOGOFF, proto::LogoffRequest{}).status(), status::STATUS_SUCCESS);
}

TEST(TreeDisconnect, ClosesTheTreesOpens) {
  Fixture f;
  f.logon();
  std::uint32_t t1 = f.tree_id;
  proto::FileId id = f.open("t.txt", a::GENERIC_WRITE, kOpenIf);
  ASSERT_EQ(f.tree_connect().status(), status::STATUS_SUCCESS);
  std::uint32_t t2 = f.tree_id;
  f.tree_id = t1;
  ASSERT_EQ(f.request(proto::Command::TREE_DISCONNECT, proto::TreeDisconnectRequest{}).status(), status::STATUS_SUCCESS);
  // SMB2-COMMON-04: the disconnected TreeId -> NETWORK_NAME_DELETED.
  EXPECT_EQ(f.flush(id).status(), status::STATUS_NETWORK_NAME_DELETED);
  // SMB2-COMMON-05, 3.3.5.8: F was closed by the disconnect -> FILE_CLOSED through T2.
  f.tree_id = t2;
  EXPECT_EQ(f.flush(id).status(), status::STATUS_FILE_CLOSED);
}

}  // namespace
}  // namespace smb::server::test
