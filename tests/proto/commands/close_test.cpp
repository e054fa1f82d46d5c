// Tests for the SMB2 CLOSE codec (MS-SMB2 2.2.15, 2.2.16).
#include "smbproto/commands/close.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.15: StructureSize 24 | Flags (2) | Reserved (4) | FileId (16)
Bytes golden_close_request() {
  return concat({bytes({0x18, 0x00}),              // 0x00 StructureSize = 24
                 bytes({0x01, 0x00}),              // 0x02 Flags = SMB2_CLOSE_FLAG_POSTQUERY_ATTRIB
                 bytes({0x00, 0x00, 0x00, 0x00}),  // 0x04 Reserved
                 le64(7), le64(9)});               // 0x08 FileId {7, 9}
}

// MS-SMB2 2.2.16: StructureSize 60 | Flags | Reserved | 4 times | AllocationSize | EndofFile | FileAttributes
Bytes golden_close_response() {
  return concat({bytes({0x3C, 0x00}),              // 0x00 StructureSize = 60
                 bytes({0x01, 0x00}),              // 0x02 Flags = POSTQUERY_ATTRIB
                 bytes({0x00, 0x00, 0x00, 0x00}),  // 0x04 Reserved
                 le64(0x01D0000000000001),         // 0x08 CreationTime
                 le64(0x01D0000000000002),         // 0x10 LastAccessTime
                 le64(0x01D0000000000003),         // 0x18 LastWriteTime
                 le64(0x01D0000000000004),         // 0x20 ChangeTime
                 le64(4096),                       // 0x28 AllocationSize
                 le64(10),                         // 0x30 EndofFile
                 le32(0x20)});                     // 0x38 FileAttributes = ARCHIVE
}

TEST(CloseCodec, RequestDecodesGolden) {
  auto m = decode_body<CloseRequest>(golden_close_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->flags, 0x0001);
  EXPECT_EQ(m->file_id, (FileId{7, 9}));
  EXPECT_EQ(encode_body(*m), golden_close_request());
}

TEST(CloseCodec, ResponseDecodesGolden) {
  auto m = decode_body<CloseResponse>(golden_close_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 60);
  EXPECT_EQ(m->creation_time, 0x01D0000000000001u);
  EXPECT_EQ(m->change_time, 0x01D0000000000004u);
  EXPECT_EQ(m->allocation_size, 4096u);
  EXPECT_EQ(m->end_of_file, 10u);
  EXPECT_EQ(m->file_attributes, 0x20u);
  EXPECT_EQ(encode_body(*m), golden_close_response());
}

TEST(CloseCodec, RoundTrip) {
  CloseRequest q;
  q.reserved = 5;
  q.file_id = FileId::all_ones();
  auto bq = decode_body<CloseRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  CloseResponse r;
  r.last_write_time = 77;
  r.file_attributes = 0x10;
  auto br = decode_body<CloseResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(CloseCodec, EveryCutIsTruncated) {
  expect_every_cut<CloseRequest>(golden_close_request(), cuts(24));
  expect_every_cut<CloseResponse>(golden_close_response(), cuts(60));
}

TEST(CloseCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_close_request();
  poke16(q, 0, 60);
  EXPECT_THAT(decode_body<CloseRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_close_response();
  poke16(r, 0, 24);
  EXPECT_THAT(decode_body<CloseResponse>(r), FailsWith(errc::bad_structure_size));
}

}  // namespace
}  // namespace smb::proto::test
