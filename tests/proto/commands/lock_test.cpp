// Tests for the SMB2 LOCK codec (MS-SMB2 2.2.26, 2.2.26.1, 2.2.27).
#include "smbproto/commands/lock.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// MS-SMB2 2.2.26 with LockSequenceNumber 3, LockSequenceIndex 5 and two elements.
Bytes golden_lock_request() {
  return concat({bytes({0x30, 0x00}),              // 0x00 StructureSize = 48
                 le16(2),                          // 0x02 LockCount
                 bytes({0x53, 0x00, 0x00, 0x00}),  // 0x04 LockSequenceNumber (bits 0-3) = 3,
                                                   //      LockSequenceIndex (bits 4-31) = 5
                 le64(0x10), le64(0x20),           // 0x08 FileId
                 le64(0), le64(100), le32(0x12), le32(0),   // 0x18 Locks[0]: Offset 0, Length 100,
                                                            //      EXCLUSIVE|FAIL_IMMEDIATELY
                 le64(200), le64(50), le32(0x01), le32(0)});  // 0x30 Locks[1]: SHARED
}

TEST(LockCodec, RequestDecodesGolden) {
  auto m = decode_body<LockRequest>(golden_lock_request());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->lock_count, std::optional<std::uint16_t>(2));
  EXPECT_EQ(m->lock_sequence.number, 3);   // 2.2.26: LockSequenceNumber = the 4 least significant bits
  EXPECT_EQ(m->lock_sequence.index, 5u);   // LockSequenceIndex = the remaining 28 bits
  EXPECT_EQ(m->file_id, (FileId{0x10, 0x20}));
  ASSERT_EQ(m->locks.size(), 2u);
  EXPECT_EQ(m->locks[0], (LockElement{0, 100, 0x12, 0}));
  EXPECT_EQ(m->locks[1], (LockElement{200, 50, 0x01, 0}));
  EXPECT_EQ(encode_body(*m), golden_lock_request());
}

TEST(LockCodec, SequenceNumberIsLowNibbleOfByte4) {
  // 2.2.26: "LockSequenceNumber (4 bits)" precedes "LockSequenceIndex (28 bits)" in the same
  // little-endian 32-bit field, so the number is the low nibble of body byte 0x04 and the index
  // starts at its high nibble. Swapping them is a known bug in several implementations.
  LockRequest m;
  m.lock_sequence = {64, 0xF};
  m.locks = {LockElement{0, 1, 0x02, 0}};
  Bytes b = encode_body(m);
  EXPECT_EQ(b[4] & 0x0F, 0xF);  // number
  EXPECT_EQ(b[4] >> 4, 0x0);    // index 64 = 0x40: low 4 bits 0 ...
  EXPECT_EQ(b[5], 0x04);        // ... next 8 bits 0x04
  EXPECT_EQ(b[6], 0x00);
  EXPECT_EQ(b[7], 0x00);
}

TEST(LockCodec, ResponseDecodesGolden) {
  auto m = decode_body<LockResponse>(bytes({0x04, 0x00, 0x00, 0x00}));  // 2.2.27
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->structure_size, 4);
}

TEST(LockCodec, RoundTrip) {
  LockRequest m;
  m.lock_count = 1;
  m.lock_sequence = {0x0FFFFFFF, 0x7};
  m.file_id = {1, 2};
  m.locks = {LockElement{~0ull, 1, 0x04, 9}};
  auto back = decode_body<LockRequest>(encode_body(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(LockCodec, LockCountDefaultsToElementCount) {
  LockRequest m;  // lock_count unset
  m.locks = {LockElement{}, LockElement{}, LockElement{}};
  Bytes b = encode_body(m);
  EXPECT_EQ(b[2], 3);
  EXPECT_EQ(b.size(), 24u + 3 * 24);
}

TEST(LockCodec, ExplicitZeroLockCountStillSendsTheElement) {
  // A scenario for 3.3.5.14 "If the LockCount field is zero, the server MUST fail the request
  // with STATUS_INVALID_PARAMETER" sends StructureSize 48 (one element's worth) with LockCount 0.
  LockRequest m;
  m.lock_count = 0;
  m.locks = {LockElement{0, 10, 0x02, 0}};
  Bytes b = encode_body(m);
  EXPECT_EQ(b.size(), 48u);
  EXPECT_EQ(b[2], 0);
  auto back = decode_body<LockRequest>(b);
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(back->lock_count, std::optional<std::uint16_t>(0));
  EXPECT_TRUE(back->locks.empty());  // LockCount says none; the server decides what that means
}

TEST(LockCodec, EveryCutIsTruncated) {
  // Fixed part and every LockCount element are required.
  expect_every_cut<LockRequest>(golden_lock_request(), cuts(24, errc::truncated));
  expect_every_cut<LockResponse>(bytes({0x04, 0x00, 0x00, 0x00}), cuts(4));
}

TEST(LockCodec, DecodeRejectsStructureSizeMismatch) {
  Bytes b = golden_lock_request();
  poke16(b, 0, 72);  // 2.2.26: 48 whatever LockCount is
  EXPECT_THAT(decode_body<LockRequest>(b), FailsWith(errc::bad_structure_size));
  EXPECT_THAT(decode_body<LockResponse>(bytes({0x30, 0x00, 0x00, 0x00})), FailsWith(errc::bad_structure_size));
}

TEST(LockCodec, DecodeRejectsLockCountPastEnd) {
  Bytes b = golden_lock_request();
  poke16(b, 2, 0xFFFF);
  EXPECT_THAT(decode_body<LockRequest>(b), FailsWith(errc::truncated));
}

}  // namespace
}  // namespace smb::proto::test
