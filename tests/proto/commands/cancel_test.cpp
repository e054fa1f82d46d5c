// Tests for the SMB2 CANCEL codec (MS-SMB2 2.2.30).
#include "smbproto/commands/cancel.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.30: StructureSize (2) = 4 | Reserved (2).
TEST(CancelCodec, RequestDecodesGolden) {
  Bytes body = bytes({0x04, 0x00,    // 0x00 StructureSize = 4
                      0x00, 0x00});  // 0x02 Reserved
  auto m = decode_body<CancelRequest>(body);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);  // 2.2.30 "MUST be set to 4"
  EXPECT_EQ(m->reserved, 0);
  EXPECT_EQ(encode_body(*m), body);
}

TEST(CancelCodec, RequestRoundTripsReserved) {
  CancelRequest m;
  m.reserved = 0xBEEF;  // Reserved is carried verbatim so scenarios can send non-zero values
  auto back = decode_body<CancelRequest>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(CancelCodec, RequestEveryCutIsTruncated) {
  expect_every_cut<CancelRequest>(encode_body(CancelRequest{}), cuts(4));
}

TEST(CancelCodec, RequestDecodeRejectsStructureSizeMismatch) {
  // 2.2.30: StructureSize MUST be 4.
  EXPECT_THAT(decode_body<CancelRequest>(bytes({0x05, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(CancelCodec, RequestDecodeRejectsTruncated) {
  EXPECT_THAT(decode_body<CancelRequest>(bytes({0x04, 0x00, 0x00})), FailsWith(errc::truncated));
}

}  // namespace
}  // namespace smb::proto::test
