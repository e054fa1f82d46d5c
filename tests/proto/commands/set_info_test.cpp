// Tests for the SMB2 SET_INFO codec (MS-SMB2 2.2.39, 2.2.40).
#include "smbproto/commands/set_info.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.39, setting FileEndOfFileInformation (class 20) to 0x1000.
Bytes golden_set_info_request() {
  return concat({bytes({0x21, 0x00}),        // 0x00 StructureSize = 33
                 bytes({0x01}),              // 0x02 InfoType = SMB2_0_INFO_FILE
                 bytes({0x14}),              // 0x03 FileInfoClass = 20 FileEndOfFileInformation
                 le32(8),                    // 0x04 BufferLength
                 le16(0x60),                 // 0x08 BufferOffset = 64 + 32
                 bytes({0x00, 0x00}),        // 0x0A Reserved
                 le32(0),                    // 0x0C AdditionalInformation
                 le64(1), le64(2),           // 0x10 FileId
                 le64(0x1000)});             // 0x20 Buffer: EndOfFile
}

TEST(SetInfoCodec, RequestDecodesGolden) {
  auto m = decode_body<SetInfoRequest>(golden_set_info_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->info_type, 1);
  EXPECT_EQ(m->file_info_class, 20);
  EXPECT_EQ(m->file_id, (FileId{1, 2}));
  EXPECT_EQ(m->buffer, le64(0x1000));
  EXPECT_EQ(encode_body(*m), golden_set_info_request());
}

TEST(SetInfoCodec, ResponseDecodesGolden) {
  auto m = decode_body<SetInfoResponse>(bytes({0x02, 0x00}));  // 2.2.40: StructureSize = 2
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(encode_body(*m), bytes({0x02, 0x00}));
}

TEST(SetInfoCodec, RoundTrip) {
  SetInfoRequest m;
  m.info_type = 3;
  m.additional_information = 0x4;
  m.reserved = 9;
  m.buffer = bytes({1, 2, 3});
  auto back = decode_body<SetInfoRequest>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(SetInfoCodec, EveryCut) {
  // Fixed part 32 bytes; after it the 8-byte buffer at hdr 0x60 is cut: bad_length.
  expect_every_cut<SetInfoRequest>(golden_set_info_request(), cuts(32));
  expect_every_cut<SetInfoResponse>(bytes({0x02, 0x00}), cuts(2));
}

TEST(SetInfoCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes b = golden_set_info_request();
  poke16(b, 0, 32);
  EXPECT_THAT(decode_body<SetInfoRequest>(b), FailsWith(errc::bad_structure_size));
  EXPECT_THAT(decode_body<SetInfoResponse>(bytes({0x04, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(SetInfoCodec, DecodeRejectsBufferOffsetInsideFixedPart) {
  Bytes b = golden_set_info_request();
  poke16(b, 0x08, 0x5F);  // 2.2.39 BufferOffset below 64 + 32 overlaps the fixed fields
  EXPECT_THAT(decode_body<SetInfoRequest>(b), FailsWith(errc::bad_offset));
}

TEST(SetInfoCodec, DecodeRejectsBufferOffsetPastEnd) {
  Bytes b = golden_set_info_request();
  poke16(b, 0x08, 0x200);
  EXPECT_THAT(decode_body<SetInfoRequest>(b), FailsWith(errc::bad_offset));
}

TEST(SetInfoCodec, DecodeRejectsBufferLengthPastEnd) {
  Bytes b = golden_set_info_request();
  poke32(b, 0x04, 9);
  EXPECT_THAT(decode_body<SetInfoRequest>(b), FailsWith(errc::bad_length));
}

}  // namespace
}  // namespace smb::proto::test
