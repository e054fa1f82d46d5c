// Tests for the SMB2 OPLOCK_BREAK family codec (MS-SMB2 2.2.23, 2.2.24, 2.2.25).
#include "smbproto/commands/oplock_break.hpp"

#include "proto/test_util.hpp"

namespace smb::proto::test {
namespace {

// 2.2.24.1 / 2.2.25.1 / 2.2.23.1 layout
Bytes golden_oplock() {
  return concat({bytes({0x18, 0x00}),              // 0x00 StructureSize = 24
                 bytes({0x01}),                    // 0x02 OplockLevel = SMB2_OPLOCK_LEVEL_II
                 bytes({0x00}),                    // 0x03 Reserved
                 bytes({0x00, 0x00, 0x00, 0x00}),  // 0x04 Reserved2
                 le64(5), le64(6)});               // 0x08 FileId
}
Bytes lease_key() { return bytes({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}); }
// 2.2.23.2
Bytes golden_lease_notification() {
  return concat({bytes({0x2C, 0x00}),  // 0x00 StructureSize = 44
                 le16(3),              // 0x02 NewEpoch
                 le32(1),              // 0x04 Flags = ACK_REQUIRED
                 lease_key(),          // 0x08 LeaseKey
                 le32(0x07),           // 0x18 CurrentLeaseState = R|H|W
                 le32(0x01),           // 0x1C NewLeaseState = R
                 le32(0), le32(0), le32(0)});  // 0x20 BreakReason, AccessMaskHint, ShareMaskHint
}
// 2.2.24.2 / 2.2.25.2
Bytes golden_lease_ack() {
  return concat({bytes({0x24, 0x00}),  // 0x00 StructureSize = 36
                 le16(0),              // 0x02 Reserved
                 le32(0),              // 0x04 Flags
                 lease_key(),          // 0x08 LeaseKey
                 le32(0x01),           // 0x18 LeaseState
                 le64(0)});            // 0x1C LeaseDuration
}

TEST(OplockBreakCodec, OplockAcknowledgmentDecodesGolden) {
  auto m = decode_body<OplockBreakAcknowledgment>(golden_oplock());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->oplock_level, 0x01);
  EXPECT_EQ(m->file_id, (FileId{5, 6}));
  EXPECT_EQ(encode_body(*m), golden_oplock());
  auto r = decode_body<OplockBreakResponse>(golden_oplock());  // same layout (2.2.25.1)
  ASSERT_THAT(r, Succeeds());
  EXPECT_EQ(r->oplock_level, 0x01);
}

TEST(OplockBreakCodec, LeaseNotificationDecodesGolden) {
  auto m = decode_body<LeaseBreakNotification>(golden_lease_notification());
  ASSERT_THAT(m, Succeeds());
  EXPECT_EQ(m->new_epoch, 3);
  EXPECT_EQ(m->flags, 1u);
  EXPECT_EQ(m->lease_key[15], 15);
  EXPECT_EQ(m->current_lease_state, 7u);
  EXPECT_EQ(m->new_lease_state, 1u);
  EXPECT_EQ(encode_body(*m), golden_lease_notification());
}

TEST(OplockBreakCodec, LeaseAckAndResponseDecodeGolden) {
  auto a = decode_body<LeaseBreakAcknowledgment>(golden_lease_ack());
  ASSERT_THAT(a, Succeeds());
  EXPECT_EQ(a->lease_state, 1u);
  EXPECT_EQ(encode_body(*a), golden_lease_ack());
  auto r = decode_body<LeaseBreakResponse>(golden_lease_ack());
  ASSERT_THAT(r, Succeeds());
  EXPECT_EQ(r->lease_key[0], 0);
}

TEST(OplockBreakCodec, RoundTrip) {
  LeaseBreakAcknowledgment a;
  a.reserved = 1;
  a.flags = 2;
  a.lease_key[3] = 0xAA;
  a.lease_state = 3;
  a.lease_duration = 4;
  auto back = decode_body<LeaseBreakAcknowledgment>(encode_body(a));
  ASSERT_THAT(back, Succeeds());
  EXPECT_EQ(*back, a);
  OplockBreakResponse o;
  o.oplock_level = 8;
  o.reserved2 = 9;
  auto bo = decode_body<OplockBreakResponse>(encode_body(o));
  ASSERT_THAT(bo, Succeeds());
  EXPECT_EQ(*bo, o);
}

TEST(OplockBreakCodec, EveryCutIsTruncated) {
  expect_every_cut<OplockBreakAcknowledgment>(golden_oplock(), cuts(24));
  expect_every_cut<LeaseBreakNotification>(golden_lease_notification(), cuts(44));
  expect_every_cut<LeaseBreakAcknowledgment>(golden_lease_ack(), cuts(36));
}

TEST(OplockBreakCodec, DecodeRejectsStructureSizeMismatch) {
  // The three layouts are told apart by StructureSize (3.3.5.22); each decoder insists on its own.
  EXPECT_THAT(decode_body<OplockBreakAcknowledgment>(concat({golden_lease_ack()})), FailsWith(errc::bad_structure_size));
  Bytes n = golden_lease_notification();
  poke16(n, 0, 36);
  EXPECT_THAT(decode_body<LeaseBreakNotification>(n), FailsWith(errc::bad_structure_size));
  Bytes a = golden_lease_ack();
  poke16(a, 0, 44);
  EXPECT_THAT(decode_body<LeaseBreakResponse>(a), FailsWith(errc::bad_structure_size));
}

}  // namespace
}  // namespace smb::proto::test
