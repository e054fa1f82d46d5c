// Tests for the SMB2 WRITE codec (MS-SMB2 2.2.21, 2.2.22).
#include "smbproto/commands/write.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.21 writing "abc" at offset 10.
Bytes golden_write_request() {
  return concat({bytes({0x31, 0x00}),  // 0x00 StructureSize = 49
                 le16(0x70),           // 0x02 DataOffset = 64 + 48
                 le32(3),              // 0x04 Length
                 le64(10),             // 0x08 Offset
                 le64(1), le64(2),     // 0x10 FileId
                 le32(0),              // 0x20 Channel
                 le32(0),              // 0x24 RemainingBytes
                 le16(0), le16(0),     // 0x28 WriteChannelInfoOffset, WriteChannelInfoLength
                 le32(1),              // 0x2C Flags = SMB2_WRITEFLAG_WRITE_THROUGH
                 bytes({'a', 'b', 'c'})});  // 0x30 Buffer
}
// MS-SMB2 2.2.22
Bytes golden_write_response() {
  return concat({bytes({0x11, 0x00}),  // 0x00 StructureSize = 17
                 le16(0),              // 0x02 Reserved
                 le32(3),              // 0x04 Count
                 le32(0),              // 0x08 Remaining
                 le16(0), le16(0),     // 0x0C WriteChannelInfoOffset, WriteChannelInfoLength
                 bytes({0x00})});      // StructureSize 17 counts one more byte
}

TEST(WriteCodec, RequestDecodesGolden) {
  auto m = decode_body<WriteRequest>(golden_write_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->offset, 10u);
  EXPECT_EQ(m->file_id, (FileId{1, 2}));
  EXPECT_EQ(m->flags, 1u);
  EXPECT_EQ(m->data, bytes({'a', 'b', 'c'}));
  EXPECT_EQ(encode_body(*m), golden_write_request());
}

TEST(WriteCodec, ResponseDecodesGolden) {
  auto m = decode_body<WriteResponse>(golden_write_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->count, 3u);
  EXPECT_EQ(encode_body(*m), golden_write_response());
}

TEST(WriteCodec, RoundTrip) {
  WriteRequest q;
  q.channel = 2;
  q.remaining_bytes = 7;
  q.data = Bytes(1000, 0x11);
  q.write_channel_info = bytes({9, 8, 7, 6});
  auto bq = decode_body<WriteRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  WriteResponse r;
  r.count = 1;
  r.remaining = 2;
  r.write_channel_info_offset = 3;
  r.write_channel_info_length = 4;
  auto br = decode_body<WriteResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(WriteCodec, EveryCut) {
  expect_every_cut<WriteRequest>(golden_write_request(), cuts(48));
  expect_every_cut<WriteResponse>(golden_write_response(), cuts(16, std::nullopt));
}

TEST(WriteCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_write_request();
  poke16(q, 0, 17);
  EXPECT_THAT(decode_body<WriteRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_write_response();
  poke16(r, 0, 49);
  EXPECT_THAT(decode_body<WriteResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(WriteCodec, DecodeRejectsDataOffsetInsideFixedPart) {
  Bytes q = golden_write_request();
  poke16(q, 2, 0x40);  // 3.3.5.13 would answer STATUS_INVALID_PARAMETER; the codec names the reason
  EXPECT_THAT(decode_body<WriteRequest>(q), FailsWith(errc::bad_offset));
}

TEST(WriteCodec, DecodeRejectsDataOffsetPastEnd) {
  Bytes q = golden_write_request();
  poke16(q, 2, 0x100);
  EXPECT_THAT(decode_body<WriteRequest>(q), FailsWith(errc::bad_offset));
}

TEST(WriteCodec, DecodeRejectsLengthPastEnd) {
  Bytes q = golden_write_request();
  poke32(q, 4, 4);
  EXPECT_THAT(decode_body<WriteRequest>(q), FailsWith(errc::bad_length));
}

}  // namespace
}  // namespace smb::proto::test
