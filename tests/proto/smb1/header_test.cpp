// Tests for the SMB1 header codec (MS-CIFS 2.2.3.1).
#include "smbproto/smb1/header.hpp"

#include "proto/smb1/smb1_test_util.hpp"

namespace smb::proto::smb1::test {
namespace {

// MS-CIFS 2.2.3.1 field by field.
Bytes golden_header() {
  return concat({bytes({0xFF, 'S', 'M', 'B'}),   // 0x00 Protocol
                 bytes({0x2C}),                  // 0x04 Command SMB_COM_WRITE_AND_CLOSE
                 le32(0xC0000022),               // 0x05 Status STATUS_ACCESS_DENIED
                 bytes({0x98}),                  // 0x09 Flags REPLY|CANONICALIZED|CASE_INSENSITIVE
                 le16(0xC807),                   // 0x0A Flags2 UNICODE|NT_STATUS|EXT_SEC|SIG|EAS|LONG
                 le16(0x0001),                   // 0x0C PIDHigh
                 bytes({1, 2, 3, 4, 5, 6, 7, 8}),  // 0x0E SecurityFeatures
                 le16(0),                        // 0x16 Reserved
                 le16(0x0801),                   // 0x18 TID
                 le16(0xFEFF),                   // 0x1A PIDLow
                 le16(0x0064),                   // 0x1C UID
                 le16(0x0042)});                 // 0x1E MID
}

TEST(Smb1Header, DecodesGolden) {
  Bytes b = golden_header();
  ASSERT_EQ(b.size(), 32u);  // 2.2.3.1: the header is 32 bytes
  wire::Reader r(b);
  auto h = decode_header(r);
  ASSERT_THAT(h, Succeeds());
  EXPECT_EQ(h->command, 0x2C);
  EXPECT_EQ(h->nt_status(), status::STATUS_ACCESS_DENIED);
  EXPECT_TRUE(h->is_response());      // SMB_FLAGS_REPLY 0x80
  EXPECT_TRUE(h->has_nt_status());    // SMB_FLAGS2_NT_STATUS 0x4000
  EXPECT_TRUE(h->context().unicode);  // SMB_FLAGS2_UNICODE 0x8000
  EXPECT_EQ(h->pid(), 0x0001FEFFu);   // 2.2.1.6.3: PIDHigh << 16 | PIDLow
  EXPECT_EQ(h->tid, 0x0801);
  EXPECT_EQ(h->uid, 0x0064);
  EXPECT_EQ(h->mid, 0x0042);
  EXPECT_EQ(h->security_features[7], 8);
  Bytes out;
  wire::Writer w(out);
  encode(w, *h);
  EXPECT_EQ(out, b);
}

TEST(Smb1Header, DosErrorView) {
  // 2.2.3.1: SMBSTATUS = ErrorClass (1) @5, Reserved (1) @6, ErrorCode (2) @7.
  Bytes b = golden_header();
  b[5] = 0x02;  // ERRSRV
  b[6] = 0x00;
  b[7] = 0x5B;  // ERRbaduid
  b[8] = 0x00;
  wire::Reader r(b);
  auto h = decode_header(r);
  ASSERT_THAT(h, Succeeds());
  EXPECT_EQ(h->dos_error(), (DosError{ERRSRV, 0, 0x005B}));
  // status-codes digest / MS-CIFS 2.2.2.4: the same bytes read as NTSTATUS are STATUS_SMB_BAD_UID.
  EXPECT_EQ(h->nt_status(), status::STATUS_SMB_BAD_UID);
  Header x;
  x.set_dos_error({ERRDOS, 0, 0x0006});  // ERRDOS/ERRbadfid
  EXPECT_EQ(x.nt_status(), status::STATUS_SMB_BAD_FID);
}

TEST(Smb1Header, RejectsShortAndBadProtocol) {
  Bytes b = golden_header();
  for (std::size_t n = 0; n < b.size(); ++n) {
    Bytes cut(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    wire::Reader r(cut);
    EXPECT_THAT(decode_header(r), FailsWith(errc::truncated)) << n;
  }
  b[0] = 0xFE;  // an SMB2 header is not an SMB1 header
  wire::Reader r(b);
  EXPECT_THAT(decode_header(r), FailsWith(errc::bad_protocol_id));
}

}  // namespace
}  // namespace smb::proto::smb1::test
