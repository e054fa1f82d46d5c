// Tests for SMB1 signing (MS-CIFS 3.1.4.1): checked against MD5 computed here with OpenSSL from the spec formula.
#include "smbproto/smb1/signing.hpp"

#include <openssl/evp.h>

#include "proto/smb1/smb1_test_util.hpp"
#include "smbproto/smb1/messages.hpp"

namespace smb::proto::smb1::test {
namespace {

// MD5(key || message with SecuritySignature = seq (LE u32) + 4 zero bytes), first 8 bytes.
std::array<std::uint8_t, 8> reference(const Bytes& key, Bytes msg, std::uint32_t seq) {
  for (int i = 0; i < 8; ++i) msg[14 + i] = i < 4 ? static_cast<std::uint8_t>(seq >> (8 * i)) : 0;
  Bytes all = concat({key, msg});
  unsigned char md[16];
  unsigned int len = 0;
  EVP_Digest(all.data(), all.size(), md, &len, EVP_md5(), nullptr);
  std::array<std::uint8_t, 8> out{};
  std::copy_n(md, 8, out.begin());
  return out;
}

Bytes echo_message() {
  Smb1Request r;
  r.header.flags2 = SMB_FLAGS2_SMB_SECURITY_SIGNATURE | SMB_FLAGS2_NT_STATUS | SMB_FLAGS2_UNICODE;
  r.header.mid = 9;
  r.bodies = {EchoRequest{1, 1, {'x'}}};
  return encode_message(r);
}

TEST(Smb1Signing, MatchesSpecFormula) {
  Bytes key(16, 0x11);
  Bytes m = echo_message();
  std::fill(m.begin() + 14, m.begin() + 22, 0xEE);  // whatever the field holds is replaced by the sequence number
  EXPECT_EQ(compute_signature(key, m, 4), reference(key, m, 4));
  sign_message(m, key, 4);
  auto want = reference(key, m, 4);
  EXPECT_EQ(Bytes(m.begin() + 14, m.begin() + 22), Bytes(want.begin(), want.end()));
  EXPECT_TRUE(verify_signature(m, key, 4));
}

TEST(Smb1Signing, DetectsWrongSequenceKeyOrTampering) {
  Bytes key(16, 0x22);
  Bytes m = echo_message();
  sign_message(m, key, 2);
  EXPECT_FALSE(verify_signature(m, key, 3));               // 3.1.4.1: each message has its own number
  EXPECT_FALSE(verify_signature(m, Bytes(16, 0x23), 2));
  Bytes t = m;
  t.back() ^= 1;
  EXPECT_FALSE(verify_signature(t, key, 2));
  EXPECT_FALSE(verify_signature(Bytes(31, 0), key, 2));    // shorter than the header
}

}  // namespace
}  // namespace smb::proto::smb1::test
