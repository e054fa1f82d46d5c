// Tests for the SMB2 SESSION_SETUP codec (MS-SMB2 2.2.5, 2.2.6).
#include "smbproto/commands/session_setup.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

Bytes token() { return bytes({0x60, 0x03, 0x06, 0x01, 0x00}); }  // any 5 bytes of GSS token
// MS-SMB2 2.2.5
Bytes golden_session_setup_request() {
  return concat({bytes({0x19, 0x00}),  // 0x00 StructureSize = 25
                 bytes({0x00}),        // 0x02 Flags
                 bytes({0x01}),        // 0x03 SecurityMode = SIGNING_ENABLED
                 le32(0x1),            // 0x04 Capabilities = DFS
                 le32(0),              // 0x08 Channel
                 le16(0x58),           // 0x0C SecurityBufferOffset = 64 + 24
                 le16(5),              // 0x0E SecurityBufferLength
                 le64(0),              // 0x10 PreviousSessionId
                 token()});            // 0x18 Buffer
}
// MS-SMB2 2.2.6
Bytes golden_session_setup_response() {
  return concat({bytes({0x09, 0x00}),  // 0x00 StructureSize = 9
                 le16(0x0001),         // 0x02 SessionFlags = IS_GUEST
                 le16(0x48),           // 0x04 SecurityBufferOffset = 64 + 8
                 le16(5),              // 0x06 SecurityBufferLength
                 token()});            // 0x08 Buffer
}

TEST(SessionSetupCodec, RequestDecodesGolden) {
  auto m = decode_body<SessionSetupRequest>(golden_session_setup_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->security_mode, 1);
  EXPECT_EQ(m->capabilities, 1u);
  EXPECT_EQ(m->security_buffer, token());
  EXPECT_EQ(encode_body(*m), golden_session_setup_request());
}

TEST(SessionSetupCodec, ResponseDecodesGolden) {
  auto m = decode_body<SessionSetupResponse>(golden_session_setup_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->session_flags, 1);
  EXPECT_EQ(m->security_buffer, token());
  EXPECT_EQ(encode_body(*m), golden_session_setup_response());
}

TEST(SessionSetupCodec, RoundTrip) {
  SessionSetupRequest q;
  q.flags = 1;
  q.security_mode = 2;
  q.channel = 3;
  q.previous_session_id = 0x1234;
  q.security_buffer = Bytes(600, 0x42);
  auto bq = decode_body<SessionSetupRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  SessionSetupResponse r;  // empty token: the encoder writes the 1 pad byte
  auto br = decode_body<SessionSetupResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
  EXPECT_EQ(encode_body(r).size(), 9u);
}

TEST(SessionSetupCodec, EveryCut) {
  expect_every_cut<SessionSetupRequest>(golden_session_setup_request(), cuts(24));
  expect_every_cut<SessionSetupResponse>(golden_session_setup_response(), cuts(8));
}

TEST(SessionSetupCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_session_setup_request();
  poke16(q, 0, 24);
  EXPECT_THAT(decode_body<SessionSetupRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_session_setup_response();
  poke16(r, 0, 8);
  EXPECT_THAT(decode_body<SessionSetupResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(SessionSetupCodec, DecodeRejectsSecurityBufferOffsetInsideFixedPart) {
  Bytes q = golden_session_setup_request();
  poke16(q, 0x0C, 0x50);
  EXPECT_THAT(decode_body<SessionSetupRequest>(q), FailsWith(errc::bad_offset));
}

TEST(SessionSetupCodec, DecodeRejectsSecurityBufferPastEnd) {
  Bytes r = golden_session_setup_response();
  poke16(r, 0x06, 6);
  EXPECT_THAT(decode_body<SessionSetupResponse>(r), FailsWith(errc::bad_length));
  poke16(r, 0x04, 0x400);
  EXPECT_THAT(decode_body<SessionSetupResponse>(r), FailsWith(errc::bad_offset));
}

}  // namespace
}  // namespace smb::proto::test
