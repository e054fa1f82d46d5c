// Tests for the SMB2 QUERY_DIRECTORY codec (MS-SMB2 2.2.33, 2.2.34).
#include "smbproto/commands/query_directory.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.33 asking FileIdBothDirectoryInformation for "*" with RESTART_SCANS.
Bytes golden_query_directory_request() {
  return concat({bytes({0x21, 0x00}),  // 0x00 StructureSize = 33
                 bytes({0x25}),        // 0x02 FileInformationClass = 37
                 bytes({0x01}),        // 0x03 Flags = SMB2_RESTART_SCANS
                 le32(0),              // 0x04 FileIndex
                 le64(3), le64(4),     // 0x08 FileId
                 le16(0x60),           // 0x18 FileNameOffset = 64 + 32
                 le16(2),              // 0x1A FileNameLength
                 le32(0x10000),        // 0x1C OutputBufferLength
                 u16s("*")});          // 0x20 Buffer
}
// MS-SMB2 2.2.34 with 4 opaque entry bytes.
Bytes golden_query_directory_response() {
  return concat({bytes({0x09, 0x00}),  // 0x00 StructureSize = 9
                 le16(0x48),           // 0x02 OutputBufferOffset = 64 + 8
                 le32(4),              // 0x04 OutputBufferLength
                 bytes({1, 2, 3, 4})}); // 0x08 Buffer
}

TEST(QueryDirectoryCodec, RequestDecodesGolden) {
  auto m = decode_body<QueryDirectoryRequest>(golden_query_directory_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->file_information_class, 37);
  EXPECT_EQ(m->flags, SMB2_RESTART_SCANS);
  EXPECT_EQ(m->file_id, (FileId{3, 4}));
  EXPECT_EQ(m->file_name, "*");
  EXPECT_EQ(m->output_buffer_length, 0x10000u);
  EXPECT_EQ(encode_body(*m), golden_query_directory_request());
}

TEST(QueryDirectoryCodec, ResponseDecodesGolden) {
  auto m = decode_body<QueryDirectoryResponse>(golden_query_directory_response());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->output_buffer, bytes({1, 2, 3, 4}));
  EXPECT_EQ(encode_body(*m), golden_query_directory_response());
}

TEST(QueryDirectoryCodec, RoundTrip) {
  QueryDirectoryRequest q;
  q.flags = SMB2_INDEX_SPECIFIED | SMB2_REOPEN;
  q.file_index = 99;
  q.file_name = "a?c*.txt";
  auto bq = decode_body<QueryDirectoryRequest>(encode_body(q));
  ASSERT_THAT(bq, Succeeds());
  EXPECT_EQ(*bq, q);
  QueryDirectoryResponse r;
  r.output_buffer = Bytes(100, 7);
  auto br = decode_body<QueryDirectoryResponse>(encode_body(r));
  ASSERT_THAT(br, Succeeds());
  EXPECT_EQ(*br, r);
}

TEST(QueryDirectoryCodec, EveryCut) {
  expect_every_cut<QueryDirectoryRequest>(golden_query_directory_request(), cuts(32));
  expect_every_cut<QueryDirectoryResponse>(golden_query_directory_response(), cuts(8));
}

TEST(QueryDirectoryCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes q = golden_query_directory_request();
  poke16(q, 0, 32);
  EXPECT_THAT(decode_body<QueryDirectoryRequest>(q), FailsWith(errc::bad_structure_size));
  Bytes r = golden_query_directory_response();
  poke16(r, 0, 8);
  EXPECT_THAT(decode_body<QueryDirectoryResponse>(r), FailsWith(errc::bad_structure_size));
}

TEST(QueryDirectoryCodec, DecodeRejectsBadNameAndBuffer) {
  Bytes q = golden_query_directory_request();
  poke16(q, 0x18, 0x5E);
  EXPECT_THAT(decode_body<QueryDirectoryRequest>(q), FailsWith(errc::bad_offset));
  q = golden_query_directory_request();
  poke16(q, 0x1A, 4);
  EXPECT_THAT(decode_body<QueryDirectoryRequest>(q), FailsWith(errc::bad_length));
  q = golden_query_directory_request();
  poke16(q, 0x1A, 1);
  EXPECT_THAT(decode_body<QueryDirectoryRequest>(q), FailsWith(errc::bad_string));
  Bytes r = golden_query_directory_response();
  poke16(r, 2, 0x100);
  EXPECT_THAT(decode_body<QueryDirectoryResponse>(r), FailsWith(errc::bad_offset));
}

}  // namespace
}  // namespace smb::proto::test
