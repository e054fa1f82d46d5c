// Tests for SMB_COM_WRITE_AND_CLOSE, 6- and 12-word forms (MS-CIFS 2.2.4.40; seed 001 layout table).
#include "smbproto/smb1/write_and_close.hpp"

#include "proto/smb1/smb1_test_util.hpp"

namespace smb::proto::smb1::test {
namespace {

// MS-CIFS 2.2.4.40.1, 6-word form: offsets from the header start in the comments.
Bytes golden6() {
  return concat({bytes({0x06}),          // 0x20 WordCount
                 le16(0x4001),           // 0x21 FID
                 le16(5),                // 0x23 CountOfBytesToWrite
                 le32(0x10),             // 0x25 WriteOffsetInBytes
                 le32(0x5F5E1000),       // 0x29 LastWriteTime (UTIME)
                 le16(6),                // 0x2D ByteCount = 1 + CountOfBytesToWrite
                 bytes({0x00}),          // 0x2F Pad
                 bytes({'h', 'e', 'l', 'l', 'o'})});  // 0x30 Data
}
// 12-word form: Reserved (3 x ULONG, MUST be 0) after LastWriteTime.
Bytes golden12() {
  return concat({bytes({0x0C}), le16(0x4001), le16(5), le32(0x10), le32(0x5F5E1000),
                 zeros(12),              // 0x2D Reserved[3]
                 le16(6),                // 0x39 ByteCount
                 bytes({0x00}),          // 0x3B Pad
                 bytes({'h', 'e', 'l', 'l', 'o'})});  // 0x3C Data
}

TEST(Smb1WriteAndClose, Decodes6WordGolden) {
  Bytes m = msg1(golden6());
  // Seed 001 table: WordCount @32, FID @33, Count @35, Offset @37, LastWriteTime @41, ByteCount @45, Pad @47, Data @48.
  ASSERT_EQ(m[32], 0x06);
  ASSERT_EQ(m[45], 6);
  ASSERT_EQ(m[48], 'h');
  auto r = decode_msg_block<WriteAndCloseRequest>(m);
  ASSERT_THAT(r, Succeeds());
  EXPECT_EQ(r->word_count, 6);
  EXPECT_EQ(r->fid, 0x4001);
  EXPECT_EQ(r->count_of_bytes_to_write, 5);
  EXPECT_EQ(r->write_offset_in_bytes, 0x10u);
  EXPECT_EQ(r->last_write_time, 0x5F5E1000u);
  EXPECT_EQ(r->data, bytes({'h', 'e', 'l', 'l', 'o'}));
  EXPECT_EQ(encode_block(*r), golden6());
}

TEST(Smb1WriteAndClose, Decodes12WordGolden) {
  Bytes m = msg1(golden12());
  // Seed 001 table: ByteCount @57, Pad @59, Data @60 in the 12-word form.
  ASSERT_EQ(m[57], 6);
  ASSERT_EQ(m[60], 'h');
  auto r = decode_msg_block<WriteAndCloseRequest>(m);
  ASSERT_THAT(r, Succeeds());
  EXPECT_EQ(r->word_count, 12);
  EXPECT_EQ(r->reserved, (std::array<std::uint8_t, 12>{}));
  EXPECT_EQ(r->data.size(), 5u);
  EXPECT_EQ(encode_block(*r), golden12());
}

TEST(Smb1WriteAndClose, ResponseGolden) {
  // 2.2.4.40.2: WordCount 0x01, CountOfBytesWritten, ByteCount 0.
  Bytes g = concat({bytes({0x01}), le16(5), le16(0)});
  auto r = decode_block<WriteAndCloseResponse>(g);
  ASSERT_THAT(r, Succeeds());
  EXPECT_EQ(r->count_of_bytes_written, 5);
  EXPECT_EQ(encode_block(*r), g);
}

TEST(Smb1WriteAndClose, RoundTripBothForms) {
  for (std::uint8_t wc : {0x06, 0x0C}) {
    WriteAndCloseRequest m;
    m.word_count = wc;
    m.fid = 7;
    m.count_of_bytes_to_write = 3;
    m.write_offset_in_bytes = 0xFFFFFFF0;
    m.data = {1, 2, 3};
    auto back = decode_block<WriteAndCloseRequest>(encode_block(m));
    ASSERT_THAT(back, Succeeds());
    EXPECT_EQ(*back, m);
  }
}

TEST(Smb1WriteAndClose, EveryCut) {
  expect_every_cut<WriteAndCloseRequest>(golden6(), block_cuts(12));
  expect_every_cut<WriteAndCloseRequest>(golden12(), block_cuts(24));
  expect_every_cut<WriteAndCloseResponse>(concat({bytes({0x01}), le16(5), le16(0)}), block_cuts(2));
}

TEST(Smb1WriteAndClose, RejectsWordCountOtherThan6Or12) {
  // 2.2.4.40.1: WordCount MUST be 0x06 or 0x0C (SMB1-WAC-03 sends 0x07).
  Bytes b = concat({bytes({0x07}), le16(0x4001), le16(5), le32(0x10), le32(0), le16(0), le16(6), bytes({0}),
                    bytes({'h', 'e', 'l', 'l', 'o'})});
  EXPECT_THAT(decode_block<WriteAndCloseRequest>(b), FailsWith(errc::bad_word_count));
  EXPECT_THAT(decode_block<WriteAndCloseResponse>(concat({bytes({0x02}), le16(5), le16(0), le16(0)})),
              FailsWith(errc::bad_word_count));
}

TEST(Smb1WriteAndClose, RejectsByteCountNotOnePlusCount) {
  // 2.2.4.40.1: "ByteCount ... MUST be 1 + CountOfBytesToWrite" (SMB1-WAC-04).
  Bytes shorter = golden6();
  poke16(shorter, 13, 5);  // ByteCount 5 < 1 + 5
  shorter.pop_back();
  EXPECT_THAT(decode_block<WriteAndCloseRequest>(shorter), FailsWith(errc::bad_byte_count));
  Bytes longer = golden6();
  poke16(longer, 13, 7);   // ByteCount 7 > 1 + 5, the byte present
  longer.push_back('!');
  EXPECT_THAT(decode_block<WriteAndCloseRequest>(longer), FailsWith(errc::bad_byte_count));
}

TEST(Smb1WriteAndClose, RejectsByteCountPastMessage) {
  Bytes b = golden6();
  poke16(b, 13, 60);
  EXPECT_THAT(decode_block<WriteAndCloseRequest>(b), FailsWith(errc::bad_byte_count));
}

TEST(Smb1WriteAndClose, ResponseRejectsNonZeroByteCount) {
  // 2.2.4.40.2: ByteCount MUST be 0.
  EXPECT_THAT(decode_block<WriteAndCloseResponse>(concat({bytes({0x01}), le16(5), le16(1), bytes({0})})),
              FailsWith(errc::bad_byte_count));
}

}  // namespace
}  // namespace smb::proto::smb1::test
