// CREATE replay detection and Open.IsReplayEligible (MS-SMB2 3.3.5.9.10; resets in 3.3.5.11-3.3.5.14, v85 wording).
#include "smbserver/lock_hooks.hpp"

#include "server_fixture.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server::test {
namespace {

constexpr std::uint32_t kReadAttributes = 0x0080;

proto::Guid guid(std::uint8_t seed) {
  proto::Guid g;
  for (std::size_t i = 0; i < 16; ++i) g.bytes[i] = static_cast<std::uint8_t>(seed + i);
  return g;
}

proto::CreateRequest dh2q_create(const std::string& name, const proto::Guid& g, std::uint32_t flags = 0,
                                 std::uint32_t access = kReadWrite, std::uint8_t oplock = SMB2_OPLOCK_LEVEL_BATCH) {
  proto::CreateRequest c;
  c.name = name;
  c.desired_access = access;
  c.share_access = 7;
  c.create_disposition = 3;  // FILE_OPEN_IF
  c.impersonation_level = 2;
  c.requested_oplock_level = oplock;
  proto::DurableHandleRequestV2 d;
  d.flags = flags;
  d.create_guid = g;
  c.create_contexts.push_back(proto::make_create_context(d));
  return c;
}

Reply send_create(Fixture& f, const proto::CreateRequest& c, bool replay) {
  proto::Header h = f.header(proto::Command::CREATE);
  if (replay) h.flags |= proto::SMB2_FLAGS_REPLAY_OPERATION;
  return f.request(h, proto::RequestBody(c));
}

/** Logon on a 3.0.2 connection; `ca` makes the share continuously available (persistent handles). */
void logon(Fixture& f, bool ca = false) {
  if (ca)
    for (auto& [name, sh] : f.server->shares)
      if (sh->store) sh->config.continuously_available = true;
  f.logon();
}

TEST(CreateReplay, Dh2qOpenWithDataAccessIsReplayEligible) {
  Fixture f;
  logon(f);
  // 3.3.5.9.10: durable (BATCH requested) non-directory DH2Q open with data access -> IsReplayEligible TRUE,
  // Open.CreateGuid = the context's CreateGuid.
  Reply r = send_create(f, dh2q_create("a.txt", guid(0x10)), false);
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  auto st = f.open_state(r.as<proto::CreateResponse>().file_id);
  EXPECT_EQ(st["is_durable"], true);
  EXPECT_EQ(st["is_replay_eligible"], true);
  // Without data or delete access (FILE_READ_ATTRIBUTES only) the open is durable but not eligible.
  Reply attr = send_create(f, dh2q_create("b.txt", guid(0x20), 0, kReadAttributes), false);
  ASSERT_EQ(attr.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.open_state(attr.as<proto::CreateResponse>().file_id)["is_replay_eligible"], false);
  // No durability granted (no BATCH, not persistent): 3.3.5.9.10 skips the rest of the section.
  Reply nodur = send_create(f, dh2q_create("c.txt", guid(0x30), 0, kReadWrite, 0), false);
  ASSERT_EQ(nodur.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.open_state(nodur.as<proto::CreateResponse>().file_id)["is_replay_eligible"], false);
  // A plain open is never eligible.
  EXPECT_EQ(f.open_state(f.open("d.txt", kReadWrite))["is_replay_eligible"], false);
}

TEST(CreateReplay, Dh2qIgnoredBelow3x) {
  Fixture f;
  ASSERT_EQ(f.negotiate({0x0202, 0x0210}).status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.tree_connect().status(), status::STATUS_SUCCESS);
  // 3.3.5.9.10 applies to the SMB 3.x dialect family only.
  Reply r = send_create(f, dh2q_create("a.txt", guid(0x10)), false);
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.open_state(r.as<proto::CreateResponse>().file_id)["is_replay_eligible"], false);
}

TEST(CreateReplay, ReplayIsAnsweredFromTheEligibleOpen) {
  Fixture f;
  logon(f);
  proto::CreateRequest c = dh2q_create("a.txt", guid(0x10));
  Reply first = send_create(f, c, false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  const auto& r1 = first.as<proto::CreateResponse>();
  ASSERT_EQ(r1.oplock_level, SMB2_OPLOCK_LEVEL_BATCH);
  std::size_t opens = f.server->global_open_table.size();
  // 3.3.5.9.10: same CreateGuid, same ClientGuid, IsReplayEligible -> the response comes from that Open:
  // same FileId, Open.OplockLevel (no break of its own BATCH oplock), durable context; no new open.
  Reply again = send_create(f, c, true);
  ASSERT_EQ(again.status(), status::STATUS_SUCCESS);
  const auto& r2 = again.as<proto::CreateResponse>();
  EXPECT_EQ(r2.file_id, r1.file_id);
  EXPECT_EQ(r2.oplock_level, SMB2_OPLOCK_LEVEL_BATCH);
  EXPECT_EQ(r2.end_of_file, r1.end_of_file);
  // The original CreateAction (FILE_CREATED: FILE_OPEN_IF on a new file) is repeated, not FILE_OPENED
  // (smbtorture smb2.replay.replay-dhv2-oplock1 checks the same).
  EXPECT_EQ(r1.create_action, 2u);
  EXPECT_EQ(r2.create_action, r1.create_action);
  EXPECT_NE(proto::find_create_context(r2.create_contexts, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2), nullptr);
  EXPECT_EQ(f.server->global_open_table.size(), opens);  // request() also checked: one response, no OPLOCK_BREAK
}

TEST(CreateReplay, WithoutTheReplayFlagOrWithAnotherGuidItIsANewOpen) {
  Fixture f;
  logon(f);
  Reply first = send_create(f, dh2q_create("a.txt", guid(0x10)), false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  proto::FileId fid = first.as<proto::CreateResponse>().file_id;
  // Replay detection needs SMB2_FLAGS_REPLAY_OPERATION: the same CreateGuid without it (on another file, so
  // no oplock break is involved) is an ordinary new open.
  Reply plain = send_create(f, dh2q_create("b.txt", guid(0x10)), false);
  ASSERT_EQ(plain.status(), status::STATUS_SUCCESS);
  EXPECT_NE(plain.as<proto::CreateResponse>().file_id, fid);
  // With the flag but another CreateGuid the 3.3.5.9.10 lookup finds nothing: a new open too.
  Reply other = send_create(f, dh2q_create("c.txt", guid(0x70)), true);
  ASSERT_EQ(other.status(), status::STATUS_SUCCESS);
  EXPECT_NE(other.as<proto::CreateResponse>().file_id, fid);
  EXPECT_EQ(f.open_state(fid)["is_replay_eligible"], true);
}

TEST(CreateReplay, FlushClearsEligibilityOfANonPersistentOpen) {
  Fixture f;
  logon(f);
  proto::CreateRequest c = dh2q_create("a.txt", guid(0x10));
  Reply first = send_create(f, c, false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  proto::FileId fid = first.as<proto::CreateResponse>().file_id;
  // 3.3.5.11 (v85): "If Open.IsPersistent is FALSE and Open.IsReplayEligible is TRUE, the server MUST set
  // Open.IsReplayEligible to FALSE".
  ASSERT_EQ(f.flush(fid).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.open_state(fid)["is_replay_eligible"], false);
  // The replay now finds no eligible Open; a non-persistent match is not FILE_NOT_AVAILABLE. It is processed
  // as a new open of the file, which breaks the first open's BATCH oplock (MS-FSA 2.1.5.1.2.1): the server
  // sends an OPLOCK_BREAK and the CREATE goes async, so it is not answered with the first FileId.
  auto replies = f.send_raw(f.encode([&] {
    proto::Header h = f.header(proto::Command::CREATE);
    h.flags |= proto::SMB2_FLAGS_REPLAY_OPERATION;
    return h;
  }(), proto::RequestBody(c)));
  ASSERT_FALSE(replies.empty());
  bool broke = false;
  for (const auto& r : replies) {
    if (r.header.command == static_cast<std::uint16_t>(proto::Command::OPLOCK_BREAK)) broke = true;
    if (const auto* cr = std::get_if<proto::CreateResponse>(&r.body)) {
      EXPECT_NE(cr->file_id, fid);
    }
  }
  EXPECT_TRUE(broke) << "processed as a new open: the first open's BATCH oplock is broken";
}

TEST(CreateReplay, WriteClearsEligibility) {
  Fixture f;
  logon(f);
  Reply first = send_create(f, dh2q_create("a.txt", guid(0x10)), false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  proto::FileId fid = first.as<proto::CreateResponse>().file_id;
  // 3.3.5.13 (v85 wording): a WRITE on a non-persistent eligible open clears IsReplayEligible.
  proto::WriteRequest w;
  w.file_id = fid;
  w.offset = 0;
  w.data = wire::Bytes{'x'};
  ASSERT_EQ(f.request(proto::Command::WRITE, w).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.open_state(fid)["is_replay_eligible"], false);
}

TEST(CreateReplay, PersistentOpenStaysEligibleAfterFlushAndReplayReturnsIt) {
  Fixture f;
  logon(f, /*ca=*/true);
  // Persistent (CA share, PERSISTENT flag): eligible even without an oplock (3.3.5.9.10).
  proto::CreateRequest c = dh2q_create("p.txt", guid(0x50), kDurableHandleFlagPersistent, kReadWrite, SMB2_OPLOCK_LEVEL_BATCH);
  Reply first = send_create(f, c, false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  proto::FileId fid = first.as<proto::CreateResponse>().file_id;
  ASSERT_EQ(f.open_state(fid)["is_persistent"], true);
  ASSERT_EQ(f.open_state(fid)["is_replay_eligible"], true);
  // 3.3.5.11 v85: only non-persistent opens lose eligibility on FLUSH.
  ASSERT_EQ(f.flush(fid).status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.open_state(fid)["is_replay_eligible"], true);
  Reply again = send_create(f, c, true);
  ASSERT_EQ(again.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(again.as<proto::CreateResponse>().file_id, fid);
  const auto* ctx = proto::find_create_context(again.as<proto::CreateResponse>().create_contexts,
                                               proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2);
  ASSERT_NE(ctx, nullptr);
  proto::DurableHandleResponseV2 d;
  ASSERT_TRUE(proto::parse_create_context(*ctx, d));
  EXPECT_EQ(d.flags, kDurableHandleFlagPersistent);  // 2.2.14.2.12 from Open.IsPersistent
}

TEST(CreateReplay, IneligiblePersistentOpenStillConnectedIsFileNotAvailable) {
  Fixture f;
  logon(f, /*ca=*/true);
  proto::CreateRequest c = dh2q_create("p.txt", guid(0x50), kDurableHandleFlagPersistent, kReadWrite, SMB2_OPLOCK_LEVEL_BATCH);
  Reply first = send_create(f, c, false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  proto::FileId fid = first.as<proto::CreateResponse>().file_id;
  // Make the persistent open ineligible (what the v84 FLUSH rule would do) through the state model.
  f.server->global_open_table.at(fid.persistent)->is_replay_eligible = false;
  // Replay with the CreateGuid of a persistent open still attached to a connection -> STATUS_FILE_NOT_AVAILABLE
  // (3.3.5.9.10 as digested in smb2-processing.md §4 step 5; SMB2-FLUSH-09 v84 outcome).
  EXPECT_EQ(send_create(f, c, true).status(), status::STATUS_FILE_NOT_AVAILABLE);
}

TEST(CreateReplay, MismatchedReplayOfAPersistentOpenIsContextMismatch) {
  Fixture f;
  logon(f, /*ca=*/true);
  proto::CreateRequest c = dh2q_create("p.txt", guid(0x50), kDurableHandleFlagPersistent, kReadWrite, SMB2_OPLOCK_LEVEL_BATCH);
  ASSERT_EQ(send_create(f, c, false).status(), status::STATUS_SUCCESS);
  // Persistent open: a replay with another DesiredAccess, ShareAccess or CreateOptions -> STATUS_CONTEXT_MISMATCH
  // (3.3.5.9.10, smb2-processing.md §4 step 5).
  proto::CreateRequest access = c;
  access.desired_access = 0x0001 | 0x0080;
  EXPECT_EQ(send_create(f, access, true).status(), status::STATUS_CONTEXT_MISMATCH);
  proto::CreateRequest share = c;
  share.share_access = 1;
  EXPECT_EQ(send_create(f, share, true).status(), status::STATUS_CONTEXT_MISMATCH);
  proto::CreateRequest options = c;
  options.create_options = 0x40;  // FILE_NON_DIRECTORY_FILE
  EXPECT_EQ(send_create(f, options, true).status(), status::STATUS_CONTEXT_MISMATCH);
}

TEST(CreateReplay, OtherShareAccessOnANonPersistentReplayIsTheOriginalResponse) {
  Fixture f;
  logon(f);
  proto::CreateRequest c = dh2q_create("a.txt", guid(0x10));
  c.share_access = 0;
  Reply first = send_create(f, c, false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  proto::FileId fid = first.as<proto::CreateResponse>().file_id;
  // smbtorture smb2.replay.replay-dhv2-oplock3 (Windows): replayed with ShareAccess RWD -> the original open,
  // whose share mode is unchanged.
  proto::CreateRequest rwd = c;
  rwd.share_access = 7;
  Reply again = send_create(f, rwd, true);
  ASSERT_EQ(again.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(again.as<proto::CreateResponse>().file_id, fid);
  EXPECT_EQ(f.open_state(fid)["share_access"], 0);
}

TEST(CreateReplay, AnotherSessionOfTheSameUserIsDuplicateObjectId) {
  Fixture f;
  logon(f);
  proto::CreateRequest c = dh2q_create("a.txt", guid(0x10));
  ASSERT_EQ(send_create(f, c, false).status(), status::STATUS_SUCCESS);
  // A second session of the same user on the same connection (same ClientGuid): Open.Session differs from
  // the request's session -> STATUS_DUPLICATE_OBJECTID (3.3.5.9.10).
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.tree_connect().status(), status::STATUS_SUCCESS);
  EXPECT_EQ(send_create(f, c, true).status(), status::STATUS_DUPLICATE_OBJECTID);
}

TEST(CreateReplay, AnotherUserIsAccessDenied) {
  Fixture f;
  f.server->config.users["bob"] = "pw";
  logon(f);
  proto::CreateRequest c = dh2q_create("a.txt", guid(0x10));
  ASSERT_EQ(send_create(f, c, false).status(), status::STATUS_SUCCESS);
  // The open's durable owner is alice: bob's replay with the same CreateGuid -> STATUS_ACCESS_DENIED (3.3.5.9.10).
  ASSERT_EQ(f.session_setup("bob", "pw").status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.tree_connect().status(), status::STATUS_SUCCESS);
  EXPECT_EQ(send_create(f, c, true).status(), status::STATUS_ACCESS_DENIED);
}

TEST(CreateReplay, AnotherClientGuidFindsNothing) {
  Fixture f;
  logon(f);
  // A durable BATCH open whose recorded ClientGuid is then changed (another client's open, same CreateGuid).
  proto::CreateRequest b = dh2q_create("b.txt", guid(0x60));
  Reply first = send_create(f, b, false);
  ASSERT_EQ(first.status(), status::STATUS_SUCCESS);
  proto::FileId fid = first.as<proto::CreateResponse>().file_id;
  f.server->global_open_table.at(fid.persistent)->client_guid = guid(0x99);
  // 3.3.5.9.10: "Open.ClientGuid matches the ClientGuid of the connection" is part of the lookup: no match,
  // the CREATE is processed as a new open (BATCH of the first open broken -> async), never the first FileId.
  auto replies = f.send_raw(f.encode([&] {
    proto::Header h = f.header(proto::Command::CREATE);
    h.flags |= proto::SMB2_FLAGS_REPLAY_OPERATION;
    return h;
  }(), proto::RequestBody(b)));
  ASSERT_FALSE(replies.empty());
  bool broke = false;
  for (const auto& r : replies) {
    if (r.header.command == static_cast<std::uint16_t>(proto::Command::OPLOCK_BREAK)) broke = true;
    if (const auto* cr = std::get_if<proto::CreateResponse>(&r.body)) {
      EXPECT_NE(cr->file_id, fid);
    }
  }
  EXPECT_TRUE(broke) << "processed as a new open: the first open's BATCH oplock is broken";
}

}  // namespace
}  // namespace smb::server::test
