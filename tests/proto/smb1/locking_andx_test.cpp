// Tests for SMB_COM_LOCKING_ANDX and the oplock break body (MS-CIFS 2.2.4.32, 3.3.4.2).
#include "smbproto/smb1/locking_andx.hpp"

#include "proto/smb1/smb1_test_util.hpp"

namespace smb::proto::smb1::test {
namespace {

// 2.2.4.32.1 with one LOCKING_ANDX_RANGE32 lock (10 bytes: PID, ByteOffset, LengthInBytes).
Bytes golden32() {
  return concat({bytes({0x08}),              // WordCount
                 bytes({0xFF, 0x00}), le16(0),  // AndXCommand none, AndXReserved, AndXOffset
                 le16(0x4002),               // FID
                 bytes({0x01}),              // TypeOfLock SHARED_LOCK
                 bytes({0x00}),              // NewOpLockLevel
                 le32(0),                    // Timeout
                 le16(0),                    // NumberOfRequestedUnlocks
                 le16(1),                    // NumberOfRequestedLocks
                 le16(10),                   // ByteCount
                 le16(0x1234), le32(100), le32(50)});  // Locks[0]
}
// With LARGE_FILES: LOCKING_ANDX_RANGE64 (PID, Pad, OffsetHigh, OffsetLow, LengthHigh, LengthLow).
Bytes golden64() {
  return concat({bytes({0x08}), bytes({0xFF, 0x00}), le16(0), le16(0x4002),
                 bytes({0x10}),              // TypeOfLock LARGE_FILES (exclusive)
                 bytes({0x00}), le32(0xFFFFFFFF),
                 le16(1), le16(0),           // one unlock, no lock
                 le16(20),
                 le16(0x1234), le16(0), le32(0x00000001), le32(0x00000002), le32(0), le32(0x10)});
}

TEST(Smb1LockingAndx, Decodes32BitRanges) {
  auto m = decode_block<LockingAndxRequest>(golden32());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->fid, 0x4002);
  EXPECT_EQ(m->type_of_lock, SHARED_LOCK);
  ASSERT_EQ(m->locks.size(), 1u);
  EXPECT_TRUE(m->unlocks.empty());
  EXPECT_EQ(m->locks[0], (LockingAndxRange{0x1234, 0, 100, 50}));
  EXPECT_EQ(encode_block(*m), golden32());
}

TEST(Smb1LockingAndx, Decodes64BitRanges) {
  auto m = decode_block<LockingAndxRequest>(golden64());
  ASSERT_THAT(m, Succeeds());
  ASSERT_EQ(m->unlocks.size(), 1u);
  EXPECT_EQ(m->unlocks[0].byte_offset, 0x0000000100000002ull);  // OffsetHigh << 32 | OffsetLow
  EXPECT_EQ(m->unlocks[0].length_in_bytes, 0x10ull);
  EXPECT_EQ(m->timeout, 0xFFFFFFFFu);
  EXPECT_EQ(encode_block(*m), golden64());
}

TEST(Smb1LockingAndx, ResponseGolden) {
  // 2.2.4.32.2: WordCount 2 (AndX), ByteCount 0.
  Bytes g = concat({bytes({0x02, 0xFF, 0x00}), le16(0), le16(0)});
  auto m = decode_block<LockingAndxResponse>(g);
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(encode_block(*m), g);
}

TEST(Smb1LockingAndx, RoundTrip) {
  LockingAndxRequest m;
  m.fid = 9;
  m.type_of_lock = LARGE_FILES | SHARED_LOCK;
  m.unlocks = {{1, 0, 0xFFFFFFFF00000000ull, 1}};
  m.locks = {{2, 0, 5, 6}, {3, 0, 7, 8}};
  auto back = decode_block<LockingAndxRequest>(encode_block(m));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, m);
}

TEST(Smb1LockingAndx, EveryCut) {
  expect_every_cut<LockingAndxRequest>(golden32(), block_cuts(16));
  expect_every_cut<LockingAndxRequest>(golden64(), block_cuts(16));
}

TEST(Smb1LockingAndx, RejectsCountsBeyondByteCount) {
  Bytes b = golden32();
  poke16(b, 15, 2);  // NumberOfRequestedLocks 2 needs 20 bytes, ByteCount says 10
  EXPECT_THAT(decode_block<LockingAndxRequest>(b), FailsWith(errc::bad_count));
  Bytes l = golden32();
  l[7] = 0x10;  // LARGE_FILES: one RANGE64 (20 bytes) does not fit in 10
  EXPECT_THAT(decode_block<LockingAndxRequest>(l), FailsWith(errc::bad_count));
}

TEST(Smb1LockingAndx, RejectsWordCount) {
  Bytes b = golden32();
  b[0] = 0x07;
  EXPECT_THAT(decode_block<LockingAndxRequest>(b), FailsWith(errc::bad_word_count));
}

TEST(Smb1LockingAndx, OplockBreakBodyFollows3342) {
  auto m = make_oplock_break_body(0x4003, OPLOCK_LEVEL_II);
  EXPECT_EQ(m.andx_command, 0xFF);               // no chained command
  EXPECT_EQ(m.fid, 0x4003);
  EXPECT_EQ(m.type_of_lock & OPLOCK_RELEASE, OPLOCK_RELEASE);  // 3.3.4.2 MUST set OPLOCK_RELEASE
  EXPECT_EQ(m.new_op_lock_level, 1);             // 1: level II now held
  EXPECT_EQ(m.timeout, 0u);                      // SHOULD be zero
  EXPECT_TRUE(m.unlocks.empty());                // NumberOfUnlocks SHOULD be zero
  EXPECT_TRUE(m.locks.empty());                  // NumberOfLocks SHOULD be zero
  EXPECT_EQ(encode_block(m).size(), 19u);        // WordCount + 16 bytes of words + ByteCount 0
}

}  // namespace
}  // namespace smb::proto::smb1::test
