// Tests for the SMB2 TREE_CONNECT codec (MS-SMB2 2.2.9, 2.2.10).
#include "smbproto/commands/tree_connect.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.9 with the path \\s\sh (6 UTF-16 code units, 12 bytes).
Bytes golden_tree_connect_request() {
  return concat({bytes({0x09, 0x00}),  // 0x00 StructureSize = 9
                 le16(0),              // 0x02 Flags/Reserved
                 le16(0x48),           // 0x04 PathOffset = 64 + 8
                 le16(12),             // 0x06 PathLength
                 u16s("\\\\s\\sh")});  // 0x08 Buffer: UTF-16LE "\\s\sh"
}
// MS-SMB2 2.2.10
Bytes golden_tree_connect_response() {
  return concat({bytes({0x10, 0x00}),  // 0x00 StructureSize = 16
                 bytes({0x01}),        // 0x02 ShareType = DISK
                 bytes({0x00}),        // 0x03 Reserved
                 le32(0x00000800),     // 0x04 ShareFlags = ACCESS_BASED_DIRECTORY_ENUM
                 le32(0x00000008),     // 0x08 Capabilities = DFS
                 le32(0x001F01FF)});   // 0x0C MaximalAccess
}

TEST(TreeConnectCodec, RequestDecodesGolden) {
  auto m = decode_body<TreeConnectRequest>(golden_tree_connect_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->path, "\\\\s\\sh");
  EXPECT_EQ(encode_body(*m), golden_tree_connect_request());
}

TEST(TreeConnectCodec, ResponseDecodesGolden) {
  auto m = decode_body<TreeConnectResponse>(golden_tree_connect_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->share_type, 1);
  EXPECT_EQ(m->share_flags, 0x800u);
  EXPECT_EQ(m->capabilities, 8u);
  EXPECT_EQ(m->maximal_access, 0x001F01FFu);
  EXPECT_EQ(encode_body(*m), golden_tree_connect_response());
}

TEST(TreeConnectCodec, RoundTrip) {
  TreeConnectRequest q;
  q.flags = 0x0004;
  q.path = "\\\\srv\\\xC3\xA9t\xC3\xA9";  // non-ASCII share name (U+00E9)
  auto bq = decode_body<TreeConnectRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  TreeConnectResponse r;
  r.share_type = 2;
  r.reserved = 1;
  auto br = decode_body<TreeConnectResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(TreeConnectCodec, EveryCut) {
  expect_every_cut<TreeConnectRequest>(golden_tree_connect_request(), cuts(8));
  expect_every_cut<TreeConnectResponse>(golden_tree_connect_response(), cuts(16));
}

TEST(TreeConnectCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_tree_connect_request();
  poke16(q, 0, 8);
  EXPECT_THAT(decode_body<TreeConnectRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_tree_connect_response();
  poke16(r, 0, 9);
  EXPECT_THAT(decode_body<TreeConnectResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(TreeConnectCodec, DecodeRejectsPathOffsetInsideFixedPart) {
  Bytes q = golden_tree_connect_request();
  poke16(q, 4, 0x44);
  EXPECT_THAT(decode_body<TreeConnectRequest>(q), FailsWith(errc::bad_offset));
}

TEST(TreeConnectCodec, DecodeRejectsPathLengthPastEnd) {
  Bytes q = golden_tree_connect_request();
  poke16(q, 6, 14);
  EXPECT_THAT(decode_body<TreeConnectRequest>(q), FailsWith(errc::bad_length));
}

TEST(TreeConnectCodec, DecodeRejectsOddPathLength) {
  Bytes q = golden_tree_connect_request();
  poke16(q, 6, 11);  // UTF-16 needs whole code units
  EXPECT_THAT(decode_body<TreeConnectRequest>(q), FailsWith(errc::bad_string));
}

}  // namespace
}  // namespace smb::proto::test
