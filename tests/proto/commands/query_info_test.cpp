// Tests for the SMB2 QUERY_INFO codec (MS-SMB2 2.2.37, 2.2.38).
#include "smbproto/commands/query_info.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.37 asking FileStandardInformation (class 5), no input buffer.
Bytes golden_query_info_request() {
  return concat({bytes({0x29, 0x00}),  // 0x00 StructureSize = 41
                 bytes({0x01}),        // 0x02 InfoType = SMB2_0_INFO_FILE
                 bytes({0x05}),        // 0x03 FileInfoClass = FileStandardInformation
                 le32(24),             // 0x04 OutputBufferLength
                 le16(0),              // 0x08 InputBufferOffset (no input)
                 le16(0),              // 0x0A Reserved
                 le32(0),              // 0x0C InputBufferLength
                 le32(0),              // 0x10 AdditionalInformation
                 le32(0),              // 0x14 Flags
                 le64(5), le64(6),     // 0x18 FileId
                 bytes({0x00})});      // 0x28 Buffer (StructureSize counts 1 byte)
}
// MS-SMB2 2.2.38 carrying 4 bytes.
Bytes golden_query_info_response() {
  return concat({bytes({0x09, 0x00}),  // 0x00 StructureSize = 9
                 le16(0x48),           // 0x02 OutputBufferOffset = 64 + 8
                 le32(4),              // 0x04 OutputBufferLength
                 bytes({9, 8, 7, 6})}); // 0x08 Buffer
}

TEST(QueryInfoCodec, RequestDecodesGolden) {
  auto m = decode_body<QueryInfoRequest>(golden_query_info_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->info_type, SMB2_0_INFO_FILE);
  EXPECT_EQ(m->file_info_class, 5);
  EXPECT_EQ(m->output_buffer_length, 24u);
  EXPECT_EQ(m->file_id, (FileId{5, 6}));
  EXPECT_TRUE(m->input_buffer.empty());
  EXPECT_EQ(encode_body(*m), golden_query_info_request());
}

TEST(QueryInfoCodec, ResponseDecodesGolden) {
  auto m = decode_body<QueryInfoResponse>(golden_query_info_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->output_buffer, bytes({9, 8, 7, 6}));
  EXPECT_EQ(encode_body(*m), golden_query_info_response());
}

TEST(QueryInfoCodec, RoundTrip) {
  QueryInfoRequest q;
  q.info_type = SMB2_0_INFO_QUOTA;
  q.additional_information = 7;
  q.flags = 1;
  q.reserved = 2;
  q.input_buffer = bytes({1, 2, 3, 4, 5});
  auto bq = decode_body<QueryInfoRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
}

TEST(QueryInfoCodec, AcceptsRequestWithoutPadByte) {
  // The Linux client sends InputBufferOffset 0 and no Buffer byte; with InputBufferLength 0 the
  // request is complete (2.2.37: the buffer is "as described by InputBufferOffset and InputBufferLength").
  Bytes b = golden_query_info_request();
  b.pop_back();
  EXPECT_THAT(decode_body<QueryInfoRequest>(b), Succeeds());
}

TEST(QueryInfoCodec, EveryCut) {
  expect_every_cut<QueryInfoRequest>(golden_query_info_request(), cuts(40, std::nullopt));
  expect_every_cut<QueryInfoResponse>(golden_query_info_response(), cuts(8));
}

TEST(QueryInfoCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_query_info_request();
  poke16(q, 0, 40);
  EXPECT_THAT(decode_body<QueryInfoRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_query_info_response();
  poke16(r, 0, 41);
  EXPECT_THAT(decode_body<QueryInfoResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(QueryInfoCodec, DecodeRejectsBadBuffers) {
  Bytes q = golden_query_info_request();
  poke16(q, 0x08, 0x60);  // inside the fixed part (which ends at hdr 0x68)
  poke32(q, 0x0C, 1);
  EXPECT_THAT(decode_body<QueryInfoRequest>(q), FailsWith(errc::bad_offset));
  q = golden_query_info_request();
  poke16(q, 0x08, 0x68);
  poke32(q, 0x0C, 2);  // only one byte is there
  EXPECT_THAT(decode_body<QueryInfoRequest>(q), FailsWith(errc::bad_length));
  Bytes r = golden_query_info_response();
  poke32(r, 4, 5);
  EXPECT_THAT(decode_body<QueryInfoResponse>(r), FailsWith(errc::bad_length));
}

}  // namespace
}  // namespace smb::proto::test
