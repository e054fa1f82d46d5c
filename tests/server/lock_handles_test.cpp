// Open kinds that LOCK's LockSequence rules depend on: resiliency (MS-SMB2 3.3.5.15.9) and durability grants (3.3.5.9.6, 3.3.5.9.10).
#include "smbserver/lock_hooks.hpp"

#include "server_fixture.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server::test {
namespace {


Reply resiliency(Fixture& f, const proto::FileId& fid, wire::Bytes input) {
  proto::IoctlRequest io;
  io.ctl_code = proto::FSCTL_LMR_REQUEST_RESILIENCY;
  io.file_id = fid;
  io.flags = proto::SMB2_0_IOCTL_IS_FSCTL;
  io.input = std::move(input);
  return f.request(proto::Command::IOCTL, io);
}

wire::Bytes resiliency_input(std::uint32_t timeout_ms) {
  return proto::encode_payload(proto::NetworkResiliencyRequest{timeout_ms, 0});
}

Reply create_with(Fixture& f, const std::string& name, std::uint8_t oplock, proto::CreateContext ctx) {
  proto::CreateRequest c;
  c.name = name;
  c.desired_access = kReadWrite;
  c.share_access = 7;
  c.create_disposition = 3;
  c.impersonation_level = 2;
  c.requested_oplock_level = oplock;
  c.create_contexts.push_back(std::move(ctx));
  return f.request(proto::Command::CREATE, c);
}

bool has_context(const Reply& r, std::string_view tag) {
  return proto::find_create_context(r.as<proto::CreateResponse>().create_contexts, tag) != nullptr;
}

TEST(LockResiliency, GrantsResiliencyAndClearsDurability) {
  Fixture f;
  f.logon();
  proto::FileId fid = f.open("r.txt", kReadWrite);
  Reply r = resiliency(f, fid, resiliency_input(1000));
  // 3.3.5.15.9: success response with CtlCode FSCTL_LMR_REQUEST_RESILIENCY and the request's FileId.
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::IoctlResponse>().ctl_code, proto::FSCTL_LMR_REQUEST_RESILIENCY);
  EXPECT_EQ(r.as<proto::IoctlResponse>().file_id, fid);
  // "Open.IsDurable MUST be set to FALSE. Open.IsResilient MUST be set to TRUE."
  auto st = f.open_state(fid);
  EXPECT_EQ(st["is_resilient"], true);
  EXPECT_EQ(st["is_durable"], false);
}

TEST(LockResiliency, ShortInputOrLongTimeoutIsInvalidParameter) {
  Fixture f;
  f.logon();
  proto::FileId fid = f.open("r.txt", kReadWrite);
  // 3.3.5.15.9: InputCount smaller than NETWORK_RESILIENCY_REQUEST (8 bytes) -> STATUS_INVALID_PARAMETER.
  EXPECT_EQ(resiliency(f, fid, wire::Bytes{0xe8, 0x03, 0, 0}).status(), status::STATUS_INVALID_PARAMETER);
  // Timeout (in seconds) above MaxResiliencyTimeout -> STATUS_INVALID_PARAMETER; the limit itself is fine.
  EXPECT_EQ(resiliency(f, fid, resiliency_input(kMaxResiliencyTimeoutMs + 1000)).status(), status::STATUS_INVALID_PARAMETER);
  EXPECT_EQ(f.open_state(fid)["is_resilient"], false);
  EXPECT_EQ(resiliency(f, fid, resiliency_input(kMaxResiliencyTimeoutMs)).status(), status::STATUS_SUCCESS);
}

TEST(LockResiliency, UnknownFileIdIsFileClosed) {
  Fixture f;
  f.logon();
  // 3.3.5.15: the FSCTL is on an open; no open -> STATUS_FILE_CLOSED.
  EXPECT_EQ(resiliency(f, proto::FileId{77, 78}, resiliency_input(1000)).status(), status::STATUS_FILE_CLOSED);
}

TEST(LockResiliency, Dialect202IsInvalidDeviceRequest) {
  Fixture f;
  ASSERT_EQ(f.negotiate({0x0202}).status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.tree_connect().status(), status::STATUS_SUCCESS);
  proto::FileId fid = f.open("r.txt", kReadWrite);
  // 3.3.5.15.9: "If Open.Connection.Dialect is "2.0.2", the server MAY<388> fail the request with
  // STATUS_INVALID_DEVICE_REQUEST" (the reference server takes the MAY).
  EXPECT_EQ(resiliency(f, fid, resiliency_input(1000)).status(), status::STATUS_INVALID_DEVICE_REQUEST);
}

TEST(LockDurability, DurableV1NeedsBatchRequest) {
  Fixture f;
  f.logon();
  // 3.3.5.9.6: without a BATCH oplock request (or a handle-caching lease) the DHnQ context is ignored.
  Reply plain = create_with(f, "d1.txt", 0, proto::make_create_context(proto::DurableHandleRequest{}));
  ASSERT_EQ(plain.status(), status::STATUS_SUCCESS);
  EXPECT_FALSE(has_context(plain, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST));
  EXPECT_EQ(f.open_state(plain.as<proto::CreateResponse>().file_id)["is_durable"], false);
  // With BATCH requested: Open.IsDurable TRUE and a DHnQ response context (2.2.14.2.3).
  Reply batch = create_with(f, "d2.txt", SMB2_OPLOCK_LEVEL_BATCH, proto::make_create_context(proto::DurableHandleRequest{}));
  ASSERT_EQ(batch.status(), status::STATUS_SUCCESS);
  EXPECT_TRUE(has_context(batch, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST));
  EXPECT_EQ(f.open_state(batch.as<proto::CreateResponse>().file_id)["is_durable"], true);
}

TEST(LockDurability, DurableV1IsNeverGrantedOnADirectory) {
  Fixture f;
  f.logon();
  proto::CreateRequest c;
  c.name = "dir";
  c.desired_access = 0x0001 | 0x0080;
  c.share_access = 7;
  c.create_disposition = 3;
  c.create_options = 0x1;  // FILE_DIRECTORY_FILE
  c.impersonation_level = 2;
  c.requested_oplock_level = SMB2_OPLOCK_LEVEL_BATCH;
  c.create_contexts.push_back(proto::make_create_context(proto::DurableHandleRequest{}));
  Reply r = f.request(proto::Command::CREATE, c);
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_FALSE(has_context(r, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST));
  EXPECT_EQ(f.open_state(r.as<proto::CreateResponse>().file_id)["is_durable"], false);
}

proto::DurableHandleRequestV2 dh2q(std::uint32_t flags) {
  proto::DurableHandleRequestV2 d;
  d.flags = flags;
  for (std::size_t i = 0; i < 16; ++i) d.create_guid.bytes[i] = static_cast<std::uint8_t>(0xA0 + i);
  return d;
}

TEST(LockDurability, DurableV2OnlyFor3xAndWithBatchUnlessPersistent) {
  {
    Fixture f;
    ASSERT_EQ(f.negotiate({0x0202, 0x0210}).status(), status::STATUS_SUCCESS);
    ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
    ASSERT_EQ(f.tree_connect().status(), status::STATUS_SUCCESS);
    // 3.3.5.9.10 "applies only to servers that implement the SMB 3.x dialect family": ignored on 2.1.
    Reply r = create_with(f, "v.txt", SMB2_OPLOCK_LEVEL_BATCH, proto::make_create_context(dh2q(0)));
    ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
    EXPECT_FALSE(has_context(r, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2));
    EXPECT_EQ(f.open_state(r.as<proto::CreateResponse>().file_id)["is_durable"], false);
  }
  Fixture f;
  f.logon();  // 3.0.2
  // Not a CA share: PERSISTENT asked but not grantable, and no BATCH -> no durability at all.
  Reply none = create_with(f, "v1.txt", 0, proto::make_create_context(dh2q(kDurableHandleFlagPersistent)));
  ASSERT_EQ(none.status(), status::STATUS_SUCCESS);
  EXPECT_FALSE(has_context(none, proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2));
  // BATCH requested: durable (not persistent), DH2Q response with Flags 0 (2.2.14.2.12).
  Reply durable = create_with(f, "v2.txt", SMB2_OPLOCK_LEVEL_BATCH, proto::make_create_context(dh2q(kDurableHandleFlagPersistent)));
  ASSERT_EQ(durable.status(), status::STATUS_SUCCESS);
  const auto* ctx = proto::find_create_context(durable.as<proto::CreateResponse>().create_contexts,
                                               proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2);
  ASSERT_NE(ctx, nullptr);
  proto::DurableHandleResponseV2 resp;
  ASSERT_TRUE(proto::parse_create_context(*ctx, resp));
  EXPECT_EQ(resp.flags, 0u);
  auto st = f.open_state(durable.as<proto::CreateResponse>().file_id);
  EXPECT_EQ(st["is_durable"], true);
  EXPECT_EQ(st["is_persistent"], false);
}

TEST(LockDurability, PersistentOnContinuouslyAvailableShare) {
  Fixture f;
  // A CA share: the server advertises SMB2_GLOBAL_CAP_PERSISTENT_HANDLES on 3.x (2.2.4) and grants
  // persistent handles for DH2Q with SMB2_DHANDLE_FLAG_PERSISTENT (3.3.5.9.10).
  for (auto& [name, sh] : f.server->shares)
    if (sh->store) sh->config.continuously_available = true;
  Reply n = f.negotiate();
  ASSERT_EQ(n.status(), status::STATUS_SUCCESS);
  EXPECT_NE(n.as<proto::NegotiateResponse>().capabilities & kGlobalCapPersistentHandles, 0u);
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.tree_connect().status(), status::STATUS_SUCCESS);
  Reply r = create_with(f, "p.txt", 0, proto::make_create_context(dh2q(kDurableHandleFlagPersistent)));
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  const auto* ctx = proto::find_create_context(r.as<proto::CreateResponse>().create_contexts,
                                               proto::SMB2_CREATE_DURABLE_HANDLE_REQUEST_V2);
  ASSERT_NE(ctx, nullptr);
  proto::DurableHandleResponseV2 resp;
  ASSERT_TRUE(proto::parse_create_context(*ctx, resp));
  EXPECT_EQ(resp.flags, kDurableHandleFlagPersistent);
  auto st = f.open_state(r.as<proto::CreateResponse>().file_id);
  EXPECT_EQ(st["is_persistent"], true);
  EXPECT_EQ(st["is_durable"], true);
}

TEST(LockDurability, NoPersistentHandlesCapabilityWithoutCaShare) {
  Fixture f;
  Reply n = f.negotiate();
  ASSERT_EQ(n.status(), status::STATUS_SUCCESS);
  // 2.2.4: the capability is only offered when the server can grant persistent handles.
  EXPECT_EQ(n.as<proto::NegotiateResponse>().capabilities & kGlobalCapPersistentHandles, 0u);
}

}  // namespace
}  // namespace smb::server::test
