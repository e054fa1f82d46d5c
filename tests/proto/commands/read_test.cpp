// Tests for the SMB2 READ codec (MS-SMB2 2.2.19, 2.2.20).
#include "smbproto/commands/read.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.19: 48 fixed bytes + one Buffer byte the client "MUST set to 0".
Bytes golden_read_request() {
  return concat({bytes({0x31, 0x00}),  // 0x00 StructureSize = 49
                 bytes({0x50}),        // 0x02 Padding = 0x50
                 bytes({0x00}),        // 0x03 Flags
                 le32(0x10000),        // 0x04 Length = 64 KiB
                 le64(0x2000),         // 0x08 Offset
                 le64(0xA), le64(0xB), // 0x10 FileId
                 le32(1),              // 0x20 MinimumCount
                 le32(0),              // 0x24 Channel = SMB2_CHANNEL_NONE
                 le32(0),              // 0x28 RemainingBytes
                 le16(0), le16(0),     // 0x2C ReadChannelInfoOffset, ReadChannelInfoLength
                 bytes({0x00})});      // 0x30 Buffer (1 byte)
}
// MS-SMB2 2.2.20 with 5 data bytes at hdr 0x50.
Bytes golden_read_response() {
  return concat({bytes({0x11, 0x00}),  // 0x00 StructureSize = 17
                 bytes({0x50}),        // 0x02 DataOffset = 64 + 16
                 bytes({0x00}),        // 0x03 Reserved
                 le32(5),              // 0x04 DataLength
                 le32(0),              // 0x08 DataRemaining
                 le32(0),              // 0x0C Reserved2/Flags
                 bytes({'h', 'e', 'l', 'l', 'o'})});  // 0x10 Buffer
}

TEST(ReadCodec, RequestDecodesGolden) {
  auto m = decode_body<ReadRequest>(golden_read_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->padding, 0x50);
  EXPECT_EQ(m->length, 0x10000u);
  EXPECT_EQ(m->offset, 0x2000u);
  EXPECT_EQ(m->file_id, (FileId{0xA, 0xB}));
  EXPECT_EQ(m->minimum_count, 1u);
  EXPECT_TRUE(m->read_channel_info.empty());
  EXPECT_EQ(encode_body(*m), golden_read_request());  // includes the 1-byte Buffer
}

TEST(ReadCodec, ResponseDecodesGolden) {
  auto m = decode_body<ReadResponse>(golden_read_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->data, bytes({'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(encode_body(*m), golden_read_response());
}

TEST(ReadCodec, RoundTrip) {
  ReadRequest q;
  q.flags = 1;
  q.channel = 1;
  q.remaining_bytes = 3;
  q.read_channel_info = bytes({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
  auto bq = decode_body<ReadRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  ReadResponse r;
  r.data_remaining = 9;
  r.flags = 1;
  r.data = Bytes(300, 0x5A);
  auto br = decode_body<ReadResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(ReadCodec, EveryCut) {
  // Request: the only variable byte is the pad, so the 48-byte prefix decodes (receivers accept its absence).
  expect_every_cut<ReadRequest>(golden_read_request(), cuts(48, std::nullopt));
  // Response: from 16 bytes on, DataOffset points inside the message but DataLength runs past it.
  expect_every_cut<ReadResponse>(golden_read_response(), cuts(16));
}

TEST(ReadCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_read_request();
  poke16(q, 0, 48);
  EXPECT_THAT(decode_body<ReadRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_read_response();
  poke16(r, 0, 16);
  EXPECT_THAT(decode_body<ReadResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(ReadCodec, DecodeRejectsDataOffsetInsideFixedPart) {
  Bytes r = golden_read_response();
  r[2] = 0x4F;  // DataOffset one byte before the Buffer
  EXPECT_THAT(decode_body<ReadResponse>(r), FailsWith(errc::bad_offset));
}

TEST(ReadCodec, DecodeRejectsDataOffsetPastEnd) {
  Bytes r = golden_read_response();
  r[2] = 0xF0;
  EXPECT_THAT(decode_body<ReadResponse>(r), FailsWith(errc::bad_offset));
}

TEST(ReadCodec, DecodeRejectsDataLengthPastEnd) {
  Bytes r = golden_read_response();
  poke32(r, 4, 6);
  EXPECT_THAT(decode_body<ReadResponse>(r), FailsWith(errc::bad_length));
}

TEST(ReadCodec, DecodeRejectsChannelInfoPastEnd) {
  Bytes q = golden_read_request();
  poke16(q, 0x2C, 0x70);
  poke16(q, 0x2E, 2);  // 2 bytes at hdr 0x70, but only one byte of Buffer exists
  EXPECT_THAT(decode_body<ReadRequest>(q), FailsWith(errc::bad_length));
}

}  // namespace
}  // namespace smb::proto::test
