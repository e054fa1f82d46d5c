// SESSION_SETUP, signing and TREE_CONNECT of the reference server (MS-SMB2 3.3.5.5, 3.3.5.2.4, 3.3.5.7).
#include "server_fixture.hpp"

namespace smb::server::test {
namespace {

TEST(SessionSetup, RightPasswordSucceeds) {
  Fixture f;
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  Reply r = f.session_setup("alice", "pass");
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::SessionSetupResponse>().session_flags, 0);  // neither guest nor null (2.2.6)
  EXPECT_FALSE(f.signing_key.empty());
  auto st = handle_control(*f.server, R"({"op":"state"})");
  ASSERT_EQ(st["sessions"].size(), 1u);
  EXPECT_EQ(st["sessions"][0]["state"], "Valid");
  EXPECT_EQ(st["sessions"][0]["user"], "alice");
}

TEST(SessionSetup, WrongPasswordIsLogonFailure) {
  Fixture f;
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  // 3.3.5.5.3: bad credentials -> STATUS_LOGON_FAILURE; the session is not kept.
  EXPECT_EQ(f.session_setup("alice", "wrong").status(), status::STATUS_LOGON_FAILURE);
  auto st = handle_control(*f.server, R"({"op":"state"})");
  EXPECT_TRUE(st["sessions"].empty());
  EXPECT_EQ(st["server"]["statistics"]["sts0_pwerrors"], 1);
}

TEST(SessionSetup, UnknownUserBecomesGuestWhenAllowed) {
  Fixture f({.guest = true});
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  Reply r = f.session_setup("nobody", "whatever");
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  // 2.2.6 SMB2_SESSION_FLAG_IS_GUEST.
  EXPECT_EQ(r.as<proto::SessionSetupResponse>().session_flags & 0x0001, 0x0001);
  auto st = handle_control(*f.server, R"({"op":"state"})");
  EXPECT_EQ(st["sessions"][0]["is_guest"], true);
  EXPECT_EQ(st["sessions"][0]["signing_required"], false);  // 3.3.5.5.3: never for guest
}

TEST(SessionSetup, UnknownUserIsLogonFailureWithoutGuest) {
  Fixture f;
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  EXPECT_EQ(f.session_setup("nobody", "whatever").status(), status::STATUS_LOGON_FAILURE);
}

TEST(SessionSetup, Smb311FinalResponseIsSignedWithPreauthDerivedKey) {
  Fixture f;
  ASSERT_EQ(f.negotiate({0x0311}).status(), status::STATUS_SUCCESS);
  Reply r = f.session_setup();
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  // 3.3.5.5.3: the final SESSION_SETUP response of a 3.x session is signed; the key derives from
  // the preauth hash over NEGOTIATE and every SESSION_SETUP request but the final response.
  EXPECT_TRUE(r.header.flags & proto::SMB2_FLAGS_SIGNED);
  EXPECT_TRUE(security::verify(r.raw, f.signing_key, f.signing_algorithm));
  // 3.3.5.7: 3.1.1 TREE_CONNECT must be signed; a signed one succeeds and its response is signed.
  Reply t = f.tree_connect("share", /*sign=*/true);
  ASSERT_EQ(t.status(), status::STATUS_SUCCESS);
  EXPECT_TRUE(security::verify(t.raw, f.signing_key, f.signing_algorithm));
}

TEST(SessionSetup, Smb311UnsignedTreeConnectDisconnects) {
  Fixture f;
  ASSERT_EQ(f.negotiate({0x0311}).status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  // 3.3.5.7: 3.1.1, not guest/anonymous, request neither signed nor encrypted -> disconnect.
  proto::TreeConnectRequest t;
  t.path = "\\\\h\\share";
  EXPECT_TRUE(f.send_raw(f.encode(f.header(proto::Command::TREE_CONNECT), proto::RequestBody(t))).empty());
  EXPECT_TRUE(f.transport->closed);
}

TEST(Signing, BadSignatureIsAccessDenied) {
  Fixture f;
  f.logon();
  proto::EchoRequest e;
  wire::Bytes m = f.encode(f.header(proto::Command::ECHO), proto::RequestBody(e), /*sign=*/true);
  m[0x30] ^= 0xFF;  // corrupt the Signature
  auto r = f.send_raw(m);
  ASSERT_EQ(r.size(), 1u);
  // SMB2-COMMON-13, 3.3.5.2.4: bad signature -> STATUS_ACCESS_DENIED (<263> no disconnect).
  EXPECT_EQ(r[0].status(), status::STATUS_ACCESS_DENIED);
  EXPECT_FALSE(f.transport->closed);
}

TEST(Signing, SignedRequestWithUnknownSessionIsUserSessionDeleted) {
  Fixture f;
  f.logon();
  auto h = f.header(proto::Command::ECHO);
  h.session_id = 0x7777;
  h.flags |= proto::SMB2_FLAGS_SIGNED;
  // SMB2-COMMON-12, 3.3.5.2.4: SIGNED and no such session -> STATUS_USER_SESSION_DELETED.
  auto r = f.send_raw(proto::encode_message(h, proto::RequestBody(proto::EchoRequest{})));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status(), status::STATUS_USER_SESSION_DELETED);
}

TEST(Signing, UnsignedRequestOnSigningRequiredSessionIsAccessDenied) {
  Fixture f({.signing_required = true});
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  auto st = handle_control(*f.server, R"({"op":"state"})");
  EXPECT_EQ(st["sessions"][0]["signing_required"], true);
  // SMB2-COMMON-14, 3.3.5.2.4 (<264>): unsigned request on a SigningRequired session -> ACCESS_DENIED.
  EXPECT_EQ(f.tree_connect("share").status(), status::STATUS_ACCESS_DENIED);
  Reply ok = f.tree_connect("share", /*sign=*/true);
  EXPECT_EQ(ok.status(), status::STATUS_SUCCESS);
  // 3.3.4.1.1: the response to a signed request is signed.
  EXPECT_TRUE(security::verify(ok.raw, f.signing_key, f.signing_algorithm));
}

TEST(TreeConnect, ShareLookupIsCaseInsensitiveAndUnknownIsBadNetworkName) {
  Fixture f;
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  ASSERT_EQ(f.session_setup().status(), status::STATUS_SUCCESS);
  Reply r = f.tree_connect("SHARE");
  ASSERT_EQ(r.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(r.as<proto::TreeConnectResponse>().share_type, 0x01);  // DISK (2.2.10)
  EXPECT_EQ(r.as<proto::TreeConnectResponse>().maximal_access, 0x001F01FFu);
  // 3.3.5.7: unknown share -> STATUS_BAD_NETWORK_NAME.
  EXPECT_EQ(f.tree_connect("nope").status(), status::STATUS_BAD_NETWORK_NAME);
  Reply ipc = f.tree_connect("IPC$");
  ASSERT_EQ(ipc.status(), status::STATUS_SUCCESS);
  EXPECT_EQ(ipc.as<proto::TreeConnectResponse>().share_type, 0x02);  // PIPE
}

TEST(TreeConnect, WithoutSessionIsUserSessionDeleted) {
  Fixture f;
  ASSERT_EQ(f.negotiate().status(), status::STATUS_SUCCESS);
  f.session_id = 42;
  // SMB2-COMMON-01, 3.3.5.2.9: SessionId not in Connection.SessionTable -> USER_SESSION_DELETED.
  EXPECT_EQ(f.tree_connect().status(), status::STATUS_USER_SESSION_DELETED);
}

TEST(Logoff, LaterRequestsAreUserSessionDeleted) {
  Fixture f;
  f.logon();
  EXPECT_EQ(f.request(proto::Command::LOGOFF, proto::LogoffRequest{}).status(), status::STATUS_SUCCESS);
  // 3.3.5.6 / SMB2-COMMON-01: the session is gone.
  EXPECT_EQ(f.tree_connect().status(), status::STATUS_USER_SESSION_DELETED);
}

}  // namespace
}  // namespace smb::server::test
