// Tests for the SMB2 IOCTL codec and FSCTL payloads (MS-SMB2 2.2.31, 2.2.31.3, 2.2.31.4, 2.2.32, 2.2.32.6).
#include "smbproto/commands/ioctl.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

Bytes client_guid() { return bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}); }
// MS-SMB2 2.2.31.4 VALIDATE_NEGOTIATE_INFO request offering 2.1 and 3.0.
Bytes golden_vni() {
  return concat({le32(0x00000044),  // 0x00 Capabilities = MULTI_CHANNEL|ENCRYPTION
                 client_guid(),     // 0x04 Guid
                 le16(0x0001),      // 0x14 SecurityMode = SIGNING_ENABLED
                 le16(2),           // 0x16 DialectCount
                 le16(0x0210), le16(0x0300)});  // 0x18 Dialects
}
// MS-SMB2 2.2.31 carrying that payload (28 bytes) as input.
Bytes golden_ioctl_request() {
  return concat({bytes({0x39, 0x00}),   // 0x00 StructureSize = 57
                 le16(0),               // 0x02 Reserved
                 le32(0x00140204),      // 0x04 CtlCode = FSCTL_VALIDATE_NEGOTIATE_INFO
                 le64(~0ull), le64(~0ull),  // 0x08 FileId = all ones (2.2.31.4)
                 le32(0x78),            // 0x18 InputOffset = 64 + 56
                 le32(28),              // 0x1C InputCount
                 le32(0),               // 0x20 MaxInputResponse
                 le32(0),               // 0x24 OutputOffset
                 le32(0),               // 0x28 OutputCount
                 le32(24),              // 0x2C MaxOutputResponse
                 le32(0x00000001),      // 0x30 Flags = SMB2_0_IOCTL_IS_FSCTL
                 le32(0),               // 0x34 Reserved2
                 golden_vni()});        // 0x38 Buffer
}
// MS-SMB2 2.2.32 with an 8-byte output at hdr 0x70.
Bytes golden_ioctl_response() {
  return concat({bytes({0x31, 0x00}),   // 0x00 StructureSize = 49
                 le16(0),               // 0x02 Reserved
                 le32(0x001401D4),      // 0x04 CtlCode = FSCTL_LMR_REQUEST_RESILIENCY
                 le64(1), le64(2),      // 0x08 FileId
                 le32(0x70),            // 0x18 InputOffset = 64 + 48
                 le32(0),               // 0x1C InputCount
                 le32(0x70),            // 0x20 OutputOffset
                 le32(8),               // 0x24 OutputCount
                 le32(0),               // 0x28 Flags
                 le32(0),               // 0x2C Reserved2
                 bytes({1, 2, 3, 4, 5, 6, 7, 8})});  // 0x30 Buffer
}

TEST(IoctlCodec, RequestDecodesGolden) {
  auto m = decode_body<IoctlRequest>(golden_ioctl_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->ctl_code, FSCTL_VALIDATE_NEGOTIATE_INFO);
  EXPECT_EQ(m->file_id, FileId::all_ones());
  EXPECT_EQ(m->max_output_response, 24u);
  EXPECT_EQ(m->flags, SMB2_0_IOCTL_IS_FSCTL);
  EXPECT_EQ(m->input, golden_vni());
  EXPECT_TRUE(m->output.empty());
  EXPECT_EQ(encode_body(*m), golden_ioctl_request());
}

TEST(IoctlCodec, ResponseDecodesGolden) {
  auto m = decode_body<IoctlResponse>(golden_ioctl_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->ctl_code, FSCTL_LMR_REQUEST_RESILIENCY);
  EXPECT_TRUE(m->input.empty());
  EXPECT_EQ(m->output, bytes({1, 2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(encode_body(*m), golden_ioctl_response());
}

TEST(IoctlCodec, ValidateNegotiateInfoPayloadDecodesGolden) {
  ValidateNegotiateInfoRequest v;
  ASSERT_THAT(decode_payload(golden_vni(), v), Succeeds());
  EXPECT_EQ(v.capabilities, 0x44u);
  EXPECT_EQ(v.guid.bytes[0], 1);
  EXPECT_EQ(v.security_mode, 1);
  EXPECT_EQ(v.dialects, (std::vector<std::uint16_t>{0x0210, 0x0300}));
  EXPECT_EQ(encode_payload(v), golden_vni());
  // 2.2.32.6 response: Capabilities | Guid | SecurityMode | Dialect (24 bytes)
  Bytes resp = concat({le32(0x40), client_guid(), le16(0x0002), le16(0x0300)});
  ValidateNegotiateInfoResponse r;
  ASSERT_THAT(decode_payload(resp, r), Succeeds());
  EXPECT_EQ(r.security_mode, 2);
  EXPECT_EQ(r.dialect, 0x0300);
  EXPECT_EQ(encode_payload(r), resp);
}

TEST(IoctlCodec, NetworkResiliencyPayloadDecodesGolden) {
  Bytes b = concat({le32(60000), le32(0)});  // 2.2.31.3 Timeout | Reserved
  NetworkResiliencyRequest n;
  ASSERT_THAT(decode_payload(b, n), Succeeds());
  EXPECT_EQ(n.timeout, 60000u);
  EXPECT_EQ(encode_payload(n), b);
}

TEST(IoctlCodec, PayloadsRejectShortInput) {
  // 3.3.5.15.12: InputCount smaller than the structure -> STATUS_INVALID_PARAMETER.
  ValidateNegotiateInfoRequest v;
  Bytes b = golden_vni();
  EXPECT_THAT(decode_payload(wire::ByteView(b.data(), 23), v), FailsWith(errc::truncated));
  EXPECT_THAT(decode_payload(wire::ByteView(b.data(), 27), v), FailsWith(errc::truncated));  // dialects cut
  ValidateNegotiateInfoResponse r;
  EXPECT_THAT(decode_payload(wire::ByteView(b.data(), 23), r), FailsWith(errc::truncated));
  NetworkResiliencyRequest n;
  EXPECT_THAT(decode_payload(wire::ByteView(b.data(), 7), n), FailsWith(errc::truncated));
}

TEST(IoctlCodec, RoundTrip) {
  IoctlRequest q;
  q.ctl_code = 0x0011C017;
  q.max_input_response = 1;
  q.reserved2 = 3;
  q.input = bytes({1, 2, 3});
  q.output = bytes({4, 5});
  auto bq = decode_body<IoctlRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  IoctlResponse r;
  r.input = bytes({9});
  r.output = Bytes(33, 1);
  auto br = decode_body<IoctlResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(IoctlCodec, EveryCut) {
  expect_every_cut<IoctlRequest>(golden_ioctl_request(), cuts(56));
  expect_every_cut<IoctlResponse>(golden_ioctl_response(), cuts(48));
}

TEST(IoctlCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_ioctl_request();
  poke16(q, 0, 49);
  EXPECT_THAT(decode_body<IoctlRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_ioctl_response();
  poke16(r, 0, 57);
  EXPECT_THAT(decode_body<IoctlResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(IoctlCodec, DecodeRejectsBadOffsetsAndCounts) {
  Bytes q = golden_ioctl_request();
  poke32(q, 0x18, 0x70);  // InputOffset inside the fixed part
  EXPECT_THAT(decode_body<IoctlRequest>(q), FailsWith(errc::bad_offset));
  q = golden_ioctl_request();
  poke32(q, 0x1C, 29);
  EXPECT_THAT(decode_body<IoctlRequest>(q), FailsWith(errc::bad_length));
  Bytes r = golden_ioctl_response();
  poke32(r, 0x20, 0x1000);
  EXPECT_THAT(decode_body<IoctlResponse>(r), FailsWith(errc::bad_offset));
  r = golden_ioctl_response();
  poke32(r, 0x24, 9);
  EXPECT_THAT(decode_body<IoctlResponse>(r), FailsWith(errc::bad_length));
}

}  // namespace
}  // namespace smb::proto::test
