// Tests for NEGOTIATE, SESSION_SETUP_ANDX, TREE_CONNECT_ANDX (MS-CIFS 2.2.4.52/53/55, MS-SMB 2.2.4.5/6/7).
#include "smbproto/smb1/negotiate.hpp"
#include "smbproto/smb1/session_setup_andx.hpp"
#include "smbproto/smb1/tree_connect_andx.hpp"

#include "proto/smb1/smb1_test_util.hpp"

namespace smb::proto::smb1::test {
namespace {

const Context kOem{false};

// 2.2.4.52.1: WordCount 0; each dialect = BufferFormat 0x02 + NUL-terminated OEM string.
Bytes negotiate_request() {
  Bytes d = concat({bytes({0x02}), oem("NT LM 0.12"), bytes({0x02}), oem("SMB 2.002"), bytes({0x02}), oem("SMB 2.???")});
  return concat({bytes({0x00}), le16(static_cast<std::uint16_t>(d.size())), d});
}

TEST(Smb1Negotiate, RequestGolden) {
  auto m = decode_block<NegotiateRequest>(negotiate_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->dialects, (std::vector<std::string>{"NT LM 0.12", "SMB 2.002", "SMB 2.???"}));
  EXPECT_TRUE(offers_smb2(*m));  // MS-SMB2 3.3.5.3.1
  EXPECT_EQ(encode_block(*m), negotiate_request());
  NegotiateRequest nt1{0, {"NT LM 0.12"}};
  EXPECT_FALSE(offers_smb2(nt1));
  NegotiateRequest only202{0, {"NT LM 0.12", "SMB 2.002"}};
  EXPECT_TRUE(offers_smb2(only202));
}

TEST(Smb1Negotiate, RequestRejections) {
  Bytes b = negotiate_request();
  b[3] = 0x03;  // first BufferFormat not 0x02
  EXPECT_THAT(decode_block<NegotiateRequest>(b), FailsWith(errc::bad_value));
  Bytes w = negotiate_request();
  w[0] = 0x01;  // 2.2.4.52.1: WordCount MUST be 0
  EXPECT_THAT(decode_block<NegotiateRequest>(w), FailsWith(errc::bad_word_count));
  expect_every_cut<NegotiateRequest>(negotiate_request(), block_cuts(0));
}

// 2.2.4.52.2 / MS-SMB 2.2.4.5.2.1, word offsets in the comments.
Bytes negotiate_response_ext() {
  return concat({bytes({0x11}),            // WordCount 17
                 le16(0),                  // 0x00 DialectIndex
                 bytes({0x03}),            // 0x02 SecurityMode USER|ENCRYPT
                 le16(50),                 // 0x03 MaxMpxCount
                 le16(1),                  // 0x05 MaxNumberVcs
                 le32(16644),              // 0x07 MaxBufferSize
                 le32(65536),              // 0x0B MaxRawSize
                 le32(0),                  // 0x0F SessionKey
                 le32(0x8000E3FD),         // 0x13 Capabilities incl. CAP_EXTENDED_SECURITY
                 le64(0x01D9000000000000), // 0x17 SystemTime
                 le16(0),                  // 0x1F ServerTimeZone
                 bytes({0x00}),            // 0x21 ChallengeLength 0 with extended security
                 le16(16 + 3),             // ByteCount
                 bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}),  // ServerGUID
                 bytes({0x60, 0x01, 0x00})});  // SecurityBlob
}

TEST(Smb1Negotiate, ExtendedResponseGolden) {
  auto m = decode_block<NegotiateResponse>(negotiate_response_ext());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->max_buffer_size, 16644u);
  EXPECT_EQ(m->capabilities & CAP_EXTENDED_SECURITY, CAP_EXTENDED_SECURITY);
  EXPECT_EQ(m->server_guid.bytes[15], 16);
  EXPECT_EQ(m->security_blob, bytes({0x60, 0x01, 0x00}));
  EXPECT_EQ(encode_block(*m), negotiate_response_ext());
  expect_every_cut<NegotiateResponse>(negotiate_response_ext(), block_cuts(34));
}

TEST(Smb1Negotiate, NonExtendedResponseGolden) {
  // MS-SMB 2.2.4.5.2.2: Challenge (ChallengeLength), DomainName, ServerName (Unicode, no pad).
  Bytes g = concat({bytes({0x11}), le16(0), bytes({0x03}), le16(50), le16(1), le32(16644), le32(65536), le32(0),
                    le32(0x0000E3FD), le64(0), le16(0), bytes({0x08}),
                    le16(static_cast<std::uint16_t>(8 + 14 + 8)), bytes({1, 2, 3, 4, 5, 6, 7, 8}),
                    uni("WORKGR"), uni("SRV")});
  ASSERT_EQ(g.size(), 1 + 34 + 2 + 30u);
  auto m = decode_block<NegotiateResponse>(g, kUni);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->challenge, bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(m->domain_name, "WORKGR");
  EXPECT_EQ(m->server_name, "SRV");
  EXPECT_EQ(encode_block(*m, kUni), g);
}

TEST(Smb1Negotiate, ResponseRejections) {
  Bytes g = negotiate_response_ext();
  poke16(g, 35, 15);  // ByteCount shorter than the 16-byte ServerGUID
  g.resize(37 + 15);
  EXPECT_THAT(decode_block<NegotiateResponse>(g), FailsWith(errc::bad_byte_count));
  Bytes w = negotiate_response_ext();
  w[0] = 0x0D;  // a LANMAN-style word count is not NT LM 0.12
  EXPECT_THAT(decode_block<NegotiateResponse>(w), FailsWith(errc::bad_word_count));
  // WordCount 1: DialectIndex 0xFFFF only (none supported).
  auto none = decode_block<NegotiateResponse>(concat({bytes({0x01}), le16(0xFFFF), le16(0)}));
  ASSERT_THAT(none, Succeeds());
  EXPECT_EQ(none->dialect_index, kNoDialect);
}

// MS-SMB 2.2.4.6.1 request (Unicode): words at header 0x21..0x38, ByteCount 0x39, Bytes from 0x3B.
Bytes session_setup_request() {
  return concat({bytes({0x0C}),                 // 0x20 WordCount
                 bytes({0xFF, 0x00}), le16(0),  // AndX
                 le16(16644),                   // MaxBufferSize
                 le16(50),                      // MaxMpxCount
                 le16(0),                       // VcNumber
                 le32(0),                       // SessionKey
                 le16(4),                       // SecurityBlobLength
                 le32(0),                       // Reserved
                 le32(0x8000D05C),              // Capabilities
                 le16(4 + 1 + 10 + 12),         // ByteCount
                 bytes({0x60, 0x02, 0x05, 0x06}),  // 0x3B SecurityBlob
                 bytes({0x00}),                 // 0x3F Pad: NativeOS aligned to 0x40
                 uni("Unix"),                   // NativeOS
                 uni("Samba")});                // NativeLanMan
}

TEST(Smb1SessionSetup, RequestGolden) {
  auto m = decode_block<SessionSetupAndxRequest>(session_setup_request(), kUni);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->security_blob, bytes({0x60, 0x02, 0x05, 0x06}));
  EXPECT_EQ(m->native_os, "Unix");
  EXPECT_EQ(m->native_lan_man, "Samba");
  EXPECT_EQ(m->capabilities, 0x8000D05Cu);
  EXPECT_EQ(encode_block(*m, kUni), session_setup_request());
  expect_every_cut<SessionSetupAndxRequest>(session_setup_request(), block_cuts(24), kUni);
}

TEST(Smb1SessionSetup, ResponseGoldenAndRoundTrip) {
  // MS-SMB 2.2.4.6.2: WordCount 4 (AndX, Action, SecurityBlobLength). Bytes at 0x2B: blob (3) -> 0x2E even.
  Bytes g = concat({bytes({0x04, 0xFF, 0x00}), le16(0), le16(0x0001), le16(3), le16(3 + 10 + 12 + 14),
                    bytes({0xA1, 0x01, 0x00}), uni("Unix"), uni("Samba"), uni("DOMAIN")});
  auto m = decode_block<SessionSetupAndxResponse>(g, kUni);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->action, 0x0001);  // SMB_SETUP_GUEST
  EXPECT_EQ(m->primary_domain, "DOMAIN");
  EXPECT_EQ(encode_block(*m, kUni), g);
  SessionSetupAndxResponse o;
  o.security_blob = {1, 2, 3};
  o.native_os = "OS";
  auto back = decode_block<SessionSetupAndxResponse>(encode_block(o, kOem), kOem);
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, o);
}

TEST(Smb1SessionSetup, Rejections) {
  Bytes b = session_setup_request();
  poke16(b, 15, 40);  // SecurityBlobLength past ByteCount
  EXPECT_THAT(decode_block<SessionSetupAndxRequest>(b, kUni), FailsWith(errc::bad_length));
  Bytes nt = concat({bytes({0x0D}), zeros(26), le16(0)});  // MS-CIFS NTLM form
  EXPECT_THAT(decode_block<SessionSetupAndxRequest>(nt), FailsWith(errc::unsupported));
  Bytes w = session_setup_request();
  w[0] = 0x0B;
  EXPECT_THAT(decode_block<SessionSetupAndxRequest>(w), FailsWith(errc::bad_word_count));
  Bytes bad = session_setup_request();
  // NativeOS first code unit -> an unpaired high surrogate D800.
  std::size_t os_at = 1 + 24 + 2 + 4 + 1;
  bad[os_at] = 0x00;
  bad[os_at + 1] = 0xD8;
  EXPECT_THAT(decode_block<SessionSetupAndxRequest>(bad, kUni), FailsWith(errc::bad_string));
}

// 2.2.4.55.1 (Unicode): words 0x21..0x28, ByteCount 0x29, Bytes at 0x2B: no password -> pad -> Path at 0x2C.
Bytes tree_connect_request() {
  return concat({bytes({0x04, 0xFF, 0x00}), le16(0),
                 le16(0x0008),                   // Flags TREE_CONNECT_ANDX_EXTENDED_RESPONSE
                 le16(0),                        // PasswordLength
                 le16(1 + 24 + 6),               // ByteCount
                 bytes({0x00}),                  // 0x2B Pad
                 uni("\\\\SRV\\SHARE"),          // 0x2C Path (11 chars)
                 oem("?????")});                 // Service (OEM)
}

TEST(Smb1TreeConnect, RequestGolden) {
  auto m = decode_block<TreeConnectAndxRequest>(tree_connect_request(), kUni);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->flags, TREE_CONNECT_ANDX_EXTENDED_RESPONSE);
  EXPECT_TRUE(m->password.empty());
  EXPECT_EQ(m->path, "\\\\SRV\\SHARE");
  EXPECT_EQ(m->service, "?????");
  EXPECT_EQ(encode_block(*m, kUni), tree_connect_request());
  expect_every_cut<TreeConnectAndxRequest>(tree_connect_request(), block_cuts(8), kUni);
  Bytes b = tree_connect_request();
  poke16(b, 7, 40);  // PasswordLength past ByteCount
  EXPECT_THAT(decode_block<TreeConnectAndxRequest>(b, kUni), FailsWith(errc::bad_length));
}

TEST(Smb1TreeConnect, ResponseForms) {
  // MS-SMB 2.2.4.7.2 (0x07): Bytes at 0x31: "A:\0" -> 0x34 even -> NativeFileSystem.
  Bytes ext = concat({bytes({0x07, 0xFF, 0x00}), le16(0), le16(0x0001), le32(0x001F01FF), le32(0x00120089),
                      le16(3 + 10), oem("A:"), uni("NTFS")});
  auto m = decode_block<TreeConnectAndxResponse>(ext, kUni);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->maximal_share_access_rights, 0x001F01FFu);
  EXPECT_EQ(m->guest_maximal_share_access_rights, 0x00120089u);
  EXPECT_EQ(m->service, "A:");
  EXPECT_EQ(m->native_file_system, "NTFS");
  EXPECT_EQ(encode_block(*m, kUni), ext);
  // MS-CIFS 2.2.4.55.2 (0x03): Bytes at 0x29: "IPC\0" -> 0x2D odd -> pad -> empty NativeFileSystem.
  Bytes cifs = concat({bytes({0x03, 0xFF, 0x00}), le16(0), le16(0x0001), le16(4 + 1 + 2), oem("IPC"), bytes({0x00}),
                       uni("")});
  auto c = decode_block<TreeConnectAndxResponse>(cifs, kUni);
  ASSERT_THAT(c, Succeeds());
  EXPECT_EQ(c->word_count, 3);
  EXPECT_EQ(c->maximal_share_access_rights, 0u);
  EXPECT_EQ(c->service, "IPC");
  EXPECT_EQ(encode_block(*c, kUni), cifs);
  Bytes w = ext;
  w[0] = 0x05;
  EXPECT_THAT(decode_block<TreeConnectAndxResponse>(w, kUni), FailsWith(errc::bad_word_count));
}

}  // namespace
}  // namespace smb::proto::smb1::test
