// Tests for the SMB2 ECHO codec (MS-SMB2 2.2.28, 2.2.29).
#include "smbproto/commands/echo.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.28: StructureSize (2) = 4 | Reserved (2).
TEST(EchoCodec, RequestDecodesGolden) {
  Bytes body = bytes({0x04, 0x00,    // 0x00 StructureSize = 4
                      0x00, 0x00});  // 0x02 Reserved
  auto m = decode_body<EchoRequest>(body);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);  // 2.2.28 "MUST be set to 4"
  EXPECT_EQ(m->reserved, 0);
  EXPECT_EQ(encode_body(*m), body);
}

TEST(EchoCodec, RequestRoundTripsReserved) {
  EchoRequest m;
  m.reserved = 0xBEEF;  // Reserved is carried verbatim so scenarios can send non-zero values
  auto back = decode_body<EchoRequest>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(EchoCodec, RequestEveryCutIsTruncated) {
  expect_every_cut<EchoRequest>(encode_body(EchoRequest{}), cuts(4));
}

TEST(EchoCodec, RequestDecodeRejectsStructureSizeMismatch) {
  // 2.2.28: StructureSize MUST be 4.
  EXPECT_THAT(decode_body<EchoRequest>(bytes({0x05, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(EchoCodec, RequestDecodeRejectsTruncated) {
  EXPECT_THAT(decode_body<EchoRequest>(bytes({0x04, 0x00, 0x00})), FailsWith(errc::truncated));
}

// MS-SMB2 2.2.29: StructureSize (2) = 4 | Reserved (2).
TEST(EchoCodec, ResponseDecodesGolden) {
  Bytes body = bytes({0x04, 0x00,    // 0x00 StructureSize = 4
                      0x00, 0x00});  // 0x02 Reserved
  auto m = decode_body<EchoResponse>(body);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);  // 2.2.29 "MUST be set to 4"
  EXPECT_EQ(m->reserved, 0);
  EXPECT_EQ(encode_body(*m), body);
}

TEST(EchoCodec, ResponseRoundTripsReserved) {
  EchoResponse m;
  m.reserved = 0xBEEF;  // Reserved is carried verbatim so scenarios can send non-zero values
  auto back = decode_body<EchoResponse>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(EchoCodec, ResponseEveryCutIsTruncated) {
  expect_every_cut<EchoResponse>(encode_body(EchoResponse{}), cuts(4));
}

TEST(EchoCodec, ResponseDecodeRejectsStructureSizeMismatch) {
  // 2.2.29: StructureSize MUST be 4.
  EXPECT_THAT(decode_body<EchoResponse>(bytes({0x05, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(EchoCodec, ResponseDecodeRejectsTruncated) {
  EXPECT_THAT(decode_body<EchoResponse>(bytes({0x04, 0x00, 0x00})), FailsWith(errc::truncated));
}

}  // namespace
}  // namespace smb::proto::test
