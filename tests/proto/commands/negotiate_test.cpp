// Tests for the SMB2 NEGOTIATE codec and negotiate contexts (MS-SMB2 2.2.3, 2.2.3.1, 2.2.4).
#include "smbproto/commands/negotiate.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

Bytes guid() { return bytes({0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF}); }

// 2.2.3 offering 2.0.2 and 3.1.1 with PREAUTH (SHA-512, 4-byte salt) and ENCRYPTION (GCM, CCM).
// Dialects end at hdr 0x68, already 8-aligned, so the first context follows directly.
Bytes golden_request_311() {
  return concat({
      bytes({0x24, 0x00}),   // 0x00 StructureSize = 36
      le16(2),               // 0x02 DialectCount
      le16(0x0001),          // 0x04 SecurityMode = SIGNING_ENABLED
      le16(0),               // 0x06 Reserved
      le32(0x0000007F),      // 0x08 Capabilities
      guid(),                // 0x0C ClientGuid
      le32(0x68),            // 0x1C NegotiateContextOffset
      le16(2),               // 0x20 NegotiateContextCount
      le16(0),               // 0x22 Reserved2
      le16(0x0202), le16(0x0311),  // 0x24 Dialects
      // hdr 0x68: SMB2_PREAUTH_INTEGRITY_CAPABILITIES (2.2.3.1.1)
      le16(0x0001), le16(10), le32(0),    // ContextType, DataLength, Reserved
      le16(1), le16(4), le16(0x0001),     // HashAlgorithmCount, SaltLength, SHA-512
      bytes({0xDE, 0xAD, 0xBE, 0xEF}),    // Salt
      zeros(6),                           // pad 0x7A -> 0x80
      // hdr 0x80: SMB2_ENCRYPTION_CAPABILITIES (2.2.3.1.2)
      le16(0x0002), le16(6), le32(0),     // ContextType, DataLength, Reserved
      le16(2), le16(0x0002), le16(0x0001)});  // CipherCount, AES-128-GCM, AES-128-CCM
}
// 2.2.3 without 3.1.1: bytes 0x1C..0x23 are ClientStartTime.
Bytes golden_request_21() {
  return concat({bytes({0x24, 0x00}), le16(2), le16(0x0002), le16(0), le32(0), guid(),
                 le64(0),                      // 0x1C ClientStartTime
                 le16(0x0202), le16(0x0210)});  // 0x24 Dialects
}
// 2.2.4 selecting 3.1.1 with a 4-byte token at hdr 0x80 and two contexts from hdr 0x88.
Bytes golden_response_311() {
  return concat({
      bytes({0x41, 0x00}),  // 0x00 StructureSize = 65
      le16(0x0001),         // 0x02 SecurityMode
      le16(0x0311),         // 0x04 DialectRevision
      le16(2),              // 0x06 NegotiateContextCount
      guid(),               // 0x08 ServerGuid
      le32(0x2F),           // 0x18 Capabilities
      le32(0x800000),       // 0x1C MaxTransactSize
      le32(0x800000),       // 0x20 MaxReadSize
      le32(0x800000),       // 0x24 MaxWriteSize
      le64(0x01DA000000000000),  // 0x28 SystemTime
      le64(0),              // 0x30 ServerStartTime
      le16(0x80),           // 0x38 SecurityBufferOffset = 64 + 64
      le16(4),              // 0x3A SecurityBufferLength
      le32(0x88),           // 0x3C NegotiateContextOffset
      bytes({'G', 'S', 'S', '!'}),  // 0x40 Buffer
      zeros(4),                     // pad to hdr 0x88
      le16(0x0001), le16(8), le32(0), le16(1), le16(2), le16(0x0001), bytes({0x01, 0x02}),  // PREAUTH
      le16(0x0002), le16(4), le32(0), le16(1), le16(0x0002)});                               // ENCRYPTION
}

TEST(NegotiateCodec, RequestWithContextsDecodesGolden) {
  auto m = decode_body<NegotiateRequest>(golden_request_311());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->dialects, (std::vector<std::uint16_t>{0x0202, 0x0311}));
  EXPECT_EQ(m->security_mode, 1);
  EXPECT_EQ(m->capabilities, 0x7Fu);
  EXPECT_EQ(m->client_guid.bytes[0], 0xA0);
  EXPECT_EQ(m->client_start_time, 0u);
  ASSERT_EQ(m->negotiate_contexts.size(), 2u);
  PreauthIntegrityCapabilities p;
  ASSERT_THAT(parse_context(find_context(m->negotiate_contexts, SMB2_PREAUTH_INTEGRITY_CAPABILITIES)->data, p),
              Succeeds());
  EXPECT_EQ(p.hash_algorithms, (std::vector<std::uint16_t>{1}));
  EXPECT_EQ(p.salt, bytes({0xDE, 0xAD, 0xBE, 0xEF}));
  EncryptionCapabilities e;
  ASSERT_THAT(parse_context(find_context(m->negotiate_contexts, SMB2_ENCRYPTION_CAPABILITIES)->data, e), Succeeds());
  EXPECT_EQ(e.ciphers, (std::vector<std::uint16_t>{2, 1}));
  EXPECT_EQ(encode_body(*m), golden_request_311());
}

TEST(NegotiateCodec, RequestWithoutContextsDecodesGolden) {
  Bytes b = golden_request_21();
  poke32(b, 0x1C, 0x12345678);  // ClientStartTime is whatever the client sent
  auto m = decode_body<NegotiateRequest>(b);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->client_start_time, 0x12345678u);
  EXPECT_TRUE(m->negotiate_contexts.empty());
  EXPECT_EQ(encode_body(*m), b);
}

TEST(NegotiateCodec, ResponseDecodesGolden) {
  auto m = decode_body<NegotiateResponse>(golden_response_311());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->dialect_revision, 0x0311);
  EXPECT_EQ(m->max_read_size, 0x800000u);
  EXPECT_EQ(m->system_time, 0x01DA000000000000u);
  EXPECT_EQ(m->security_buffer, bytes({'G', 'S', 'S', '!'}));
  ASSERT_EQ(m->negotiate_contexts.size(), 2u);
  EXPECT_EQ(m->negotiate_contexts[1].context_type, SMB2_ENCRYPTION_CAPABILITIES);
  EXPECT_EQ(encode_body(*m), golden_response_311());
}

TEST(NegotiateCodec, ResponseBefore311KeepsReservedFields) {
  NegotiateResponse m;
  m.dialect_revision = 0x0210;
  m.reserved = 0x1111;   // body 0x06 is Reserved unless 3.1.1
  m.reserved2 = 0x2222;  // body 0x3C is Reserved2 unless 3.1.1
  Bytes b = encode_body(m);
  EXPECT_EQ(b.size(), 65u);  // empty buffer: the pad byte StructureSize counts
  EXPECT_EQ(b[6], 0x11);
  EXPECT_EQ(b[0x3C], 0x22);
  auto back = decode_body<NegotiateResponse>(b);
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(NegotiateCodec, RoundTrip) {
  NegotiateRequest q;
  q.dialects = {0x0311, 0x0302, 0x0300};
  q.reserved2 = 5;
  q.negotiate_contexts = {make_context(PreauthIntegrityCapabilities{{1}, Bytes(32, 0x5A)}),
                          make_context(SigningCapabilities{{2, 1, 0}}),
                          NegotiateContext{SMB2_NETNAME_NEGOTIATE_CONTEXT_ID, 3, u16s("server")}};
  auto bq = decode_body<NegotiateRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  SigningCapabilities s;
  ASSERT_THAT(parse_context(bq->negotiate_contexts[1].data, s), Succeeds());
  EXPECT_EQ(s.signing_algorithms, (std::vector<std::uint16_t>{2, 1, 0}));
  NegotiateResponse r;
  r.dialect_revision = 0x0311;
  r.security_buffer = Bytes(100, 1);
  r.negotiate_contexts = {make_context(EncryptionCapabilities{{0}})};
  auto br = decode_body<NegotiateResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(NegotiateCodec, EveryCut) {
  expect_every_cut<NegotiateRequest>(golden_request_311(), cuts(40));  // 36 fixed + 4 dialect bytes
  expect_every_cut<NegotiateRequest>(golden_request_21(), cuts(40, errc::truncated));
  expect_every_cut<NegotiateResponse>(golden_response_311(), [](std::size_t n) -> std::optional<errc> {
    if (n < 64) return errc::truncated;
    if (n < 68) return errc::bad_length;  // security buffer cut
    if (n < 72) return errc::bad_offset;  // NegotiateContextOffset 0x88 lies past the end
    return errc::bad_length;              // a context cut
  });
}

TEST(NegotiateCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_request_21();
  poke16(q, 0, 38);
  EXPECT_THAT(decode_body<NegotiateRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_response_311();
  poke16(r, 0, 64);
  EXPECT_THAT(decode_body<NegotiateResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(NegotiateCodec, DecodeRejectsDialectCountPastEnd) {
  Bytes q = golden_request_21();
  poke16(q, 2, 3);
  EXPECT_THAT(decode_body<NegotiateRequest>(q), FailsWith(errc::truncated));
}

TEST(NegotiateCodec, DecodeRejectsMisalignedContextOffset) {
  Bytes q = golden_request_311();
  poke32(q, 0x1C, 0x6A);  // 2.2.3: "the first, 8-byte-aligned negotiate context"
  EXPECT_THAT(decode_body<NegotiateRequest>(q), FailsWith(errc::bad_alignment));
}

TEST(NegotiateCodec, DecodeRejectsContextOffsetOverDialects) {
  Bytes q = golden_request_311();
  poke32(q, 0x1C, 0x60);  // aligned but before the end of the dialect array
  EXPECT_THAT(decode_body<NegotiateRequest>(q), FailsWith(errc::bad_offset));
  Bytes r = golden_response_311();
  poke32(r, 0x3C, 0x1000);
  EXPECT_THAT(decode_body<NegotiateResponse>(r), FailsWith(errc::bad_offset));
}

TEST(NegotiateCodec, DecodeRejectsContextDataPastEnd) {
  Bytes q = golden_request_311();
  poke16(q, 0x80 - 64 + 2, 7);  // ENCRYPTION DataLength one byte too long
  EXPECT_THAT(decode_body<NegotiateRequest>(q), FailsWith(errc::bad_length));
  q = golden_request_311();
  poke16(q, 0x20, 3);  // a third context that is not there
  EXPECT_THAT(decode_body<NegotiateRequest>(q), FailsWith(errc::bad_length));
}

TEST(NegotiateCodec, DecodeRejectsSecurityBufferProblems) {
  Bytes r = golden_response_311();
  poke16(r, 0x38, 0x70);
  EXPECT_THAT(decode_body<NegotiateResponse>(r), FailsWith(errc::bad_offset));
  r = golden_response_311();
  poke16(r, 0x3A, 0x100);
  EXPECT_THAT(decode_body<NegotiateResponse>(r), FailsWith(errc::bad_length));
}

TEST(NegotiateCodec, ContextParsersRejectShortData) {
  PreauthIntegrityCapabilities p;
  EXPECT_THAT(parse_context(bytes({1, 0, 4}), p), FailsWith(errc::truncated));  // 3.3.5.4 "shorter than its fixed structure"
  EXPECT_THAT(parse_context(concat({le16(1), le16(4), le16(1), bytes({1, 2, 3})}), p), FailsWith(errc::bad_length));
  EncryptionCapabilities e;
  EXPECT_THAT(parse_context(bytes({1}), e), FailsWith(errc::truncated));
  EXPECT_THAT(parse_context(concat({le16(2), le16(1)}), e), FailsWith(errc::bad_length));
  SigningCapabilities s;
  EXPECT_THAT(parse_context(Bytes{}, s), FailsWith(errc::truncated));
}

}  // namespace
}  // namespace smb::proto::test
