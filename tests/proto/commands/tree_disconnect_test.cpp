// Tests for the SMB2 TREE_DISCONNECT codec (MS-SMB2 2.2.11, 2.2.12).
#include "smbproto/commands/tree_disconnect.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.11: StructureSize (2) = 4 | Reserved (2).
TEST(TreeDisconnectCodec, RequestDecodesGolden) {
  Bytes body = bytes({0x04, 0x00,    // 0x00 StructureSize = 4
                      0x00, 0x00});  // 0x02 Reserved
  auto m = decode_body<TreeDisconnectRequest>(body);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);  // 2.2.11 "MUST be set to 4"
  EXPECT_EQ(m->reserved, 0);
  EXPECT_EQ(encode_body(*m), body);
}

TEST(TreeDisconnectCodec, RequestRoundTripsReserved) {
  TreeDisconnectRequest m;
  m.reserved = 0xBEEF;  // Reserved is carried verbatim so scenarios can send non-zero values
  auto back = decode_body<TreeDisconnectRequest>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(TreeDisconnectCodec, RequestEveryCutIsTruncated) {
  expect_every_cut<TreeDisconnectRequest>(encode_body(TreeDisconnectRequest{}), cuts(4));
}

TEST(TreeDisconnectCodec, RequestDecodeRejectsStructureSizeMismatch) {
  // 2.2.11: StructureSize MUST be 4.
  EXPECT_THAT(decode_body<TreeDisconnectRequest>(bytes({0x05, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(TreeDisconnectCodec, RequestDecodeRejectsTruncated) {
  EXPECT_THAT(decode_body<TreeDisconnectRequest>(bytes({0x04, 0x00, 0x00})), FailsWith(errc::truncated));
}

// MS-SMB2 2.2.12: StructureSize (2) = 4 | Reserved (2).
TEST(TreeDisconnectCodec, ResponseDecodesGolden) {
  Bytes body = bytes({0x04, 0x00,    // 0x00 StructureSize = 4
                      0x00, 0x00});  // 0x02 Reserved
  auto m = decode_body<TreeDisconnectResponse>(body);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);  // 2.2.12 "MUST be set to 4"
  EXPECT_EQ(m->reserved, 0);
  EXPECT_EQ(encode_body(*m), body);
}

TEST(TreeDisconnectCodec, ResponseRoundTripsReserved) {
  TreeDisconnectResponse m;
  m.reserved = 0xBEEF;  // Reserved is carried verbatim so scenarios can send non-zero values
  auto back = decode_body<TreeDisconnectResponse>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(TreeDisconnectCodec, ResponseEveryCutIsTruncated) {
  expect_every_cut<TreeDisconnectResponse>(encode_body(TreeDisconnectResponse{}), cuts(4));
}

TEST(TreeDisconnectCodec, ResponseDecodeRejectsStructureSizeMismatch) {
  // 2.2.12: StructureSize MUST be 4.
  EXPECT_THAT(decode_body<TreeDisconnectResponse>(bytes({0x05, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(TreeDisconnectCodec, ResponseDecodeRejectsTruncated) {
  EXPECT_THAT(decode_body<TreeDisconnectResponse>(bytes({0x04, 0x00, 0x00})), FailsWith(errc::truncated));
}

}  // namespace
}  // namespace smb::proto::test
