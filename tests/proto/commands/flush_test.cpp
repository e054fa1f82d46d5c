// Tests for the SMB2 FLUSH codec (MS-SMB2 2.2.17, 2.2.18).
#include "smbproto/commands/flush.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.17: StructureSize (2) = 24 | Reserved1 (2) | Reserved2 (4) | FileId (16).
Bytes golden_flush_request() {
  return concat({bytes({0x18, 0x00}),           // 0x00 StructureSize = 24
                 bytes({0x00, 0x00}),           // 0x02 Reserved1
                 bytes({0x00, 0x00, 0x00, 0x00}),  // 0x04 Reserved2
                 le64(0x1122334455667788),      // 0x08 FileId.Persistent
                 le64(0x99AABBCCDDEEFF00)});    // 0x10 FileId.Volatile
}

TEST(FlushCodec, RequestDecodesGolden) {
  auto m = decode_body<FlushRequest>(golden_flush_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 24);
  EXPECT_EQ(m->file_id.persistent, 0x1122334455667788u);  // 2.2.14.1: Persistent first
  EXPECT_EQ(m->file_id.volatile_, 0x99AABBCCDDEEFF00u);
  EXPECT_EQ(encode_body(*m), golden_flush_request());
}

TEST(FlushCodec, ResponseDecodesGolden) {
  auto m = decode_body<FlushResponse>(bytes({0x04, 0x00, 0x00, 0x00}));  // 2.2.18: StructureSize 4, Reserved
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);
}

TEST(FlushCodec, RoundTrip) {
  FlushRequest m;
  m.reserved1 = 1;
  m.reserved2 = 2;
  m.file_id = {3, 4};
  auto back = decode_body<FlushRequest>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(FlushCodec, EveryCutIsTruncated) {
  expect_every_cut<FlushRequest>(golden_flush_request(), cuts(24));
  expect_every_cut<FlushResponse>(encode_body(FlushResponse{}), cuts(4));
}

TEST(FlushCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes b = golden_flush_request();
  poke16(b, 0, 25);
  EXPECT_THAT(decode_body<FlushRequest>(b), FailsWith(errc::bad_structure_size));
  EXPECT_THAT(decode_body<FlushResponse>(bytes({0x02, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

}  // namespace
}  // namespace smb::proto::test
