// Tests for the SMB2 LOGOFF codec (MS-SMB2 2.2.7, 2.2.8).
#include "smbproto/commands/logoff.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.7: StructureSize (2) = 4 | Reserved (2).
TEST(LogoffCodec, RequestDecodesGolden) {
  Bytes body = bytes({0x04, 0x00,    // 0x00 StructureSize = 4
                      0x00, 0x00});  // 0x02 Reserved
  auto m = decode_body<LogoffRequest>(body);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);  // 2.2.7 "MUST be set to 4"
  EXPECT_EQ(m->reserved, 0);
  EXPECT_EQ(encode_body(*m), body);
}

TEST(LogoffCodec, RequestRoundTripsReserved) {
  LogoffRequest m;
  m.reserved = 0xBEEF;  // Reserved is carried verbatim so scenarios can send non-zero values
  auto back = decode_body<LogoffRequest>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(LogoffCodec, RequestEveryCutIsTruncated) {
  expect_every_cut<LogoffRequest>(encode_body(LogoffRequest{}), cuts(4));
}

TEST(LogoffCodec, RequestDecodeRejectsStructureSizeMismatch) {
  // 2.2.7: StructureSize MUST be 4.
  EXPECT_THAT(decode_body<LogoffRequest>(bytes({0x05, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(LogoffCodec, RequestDecodeRejectsTruncated) {
  EXPECT_THAT(decode_body<LogoffRequest>(bytes({0x04, 0x00, 0x00})), FailsWith(errc::truncated));
}

// MS-SMB2 2.2.8: StructureSize (2) = 4 | Reserved (2).
TEST(LogoffCodec, ResponseDecodesGolden) {
  Bytes body = bytes({0x04, 0x00,    // 0x00 StructureSize = 4
                      0x00, 0x00});  // 0x02 Reserved
  auto m = decode_body<LogoffResponse>(body);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);  // 2.2.8 "MUST be set to 4"
  EXPECT_EQ(m->reserved, 0);
  EXPECT_EQ(encode_body(*m), body);
}

TEST(LogoffCodec, ResponseRoundTripsReserved) {
  LogoffResponse m;
  m.reserved = 0xBEEF;  // Reserved is carried verbatim so scenarios can send non-zero values
  auto back = decode_body<LogoffResponse>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(LogoffCodec, ResponseEveryCutIsTruncated) {
  expect_every_cut<LogoffResponse>(encode_body(LogoffResponse{}), cuts(4));
}

TEST(LogoffCodec, ResponseDecodeRejectsStructureSizeMismatch) {
  // 2.2.8: StructureSize MUST be 4.
  EXPECT_THAT(decode_body<LogoffResponse>(bytes({0x05, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(LogoffCodec, ResponseDecodeRejectsTruncated) {
  EXPECT_THAT(decode_body<LogoffResponse>(bytes({0x04, 0x00, 0x00})), FailsWith(errc::truncated));
}

}  // namespace
}  // namespace smb::proto::test
