// SMB2/3 signing, key derivation and preauth integrity hash against Microsoft's published examples.
#include "smbproto/security/signing.hpp"

#include <gtest/gtest.h>

#include "proto/security/hex_util.hpp"
#include "proto/security/ms_smb311_example.hpp"
#include "smbproto/security/detail/crypto.hpp"

namespace smb::security {
namespace {

using test::hex;
using test::hexs;
using wire::Bytes;
using wire::ByteView;
using namespace test::ms_example;

// Test vectors: Microsoft Open Specifications blog, "SMB 2 and SMB 3 security in Windows 10: the
// anatomy of signing and cryptographic keys" (2017), Appendix "Key derivation examples". The blog
// names keys from the client's side: its EncryptionKey is the client's (= server DecryptionKey,
// label ServerIn / SMBC2SCipherKey) and vice versa.
TEST(Kdf, Smb30KeysFromMicrosoftExample) {
  const Bytes sk = hex("7CD451825D0450D235424E44BA6E78CC");
  SessionKeys k = derive_session_keys(0x0300, sk);
  EXPECT_EQ(hexs(k.signing_key), "0b7e9c5cac36c0f6ea9ab275298cedce");
  EXPECT_EQ(hexs(k.application_key), "bb23a4575aa26c721af525af15a87b4f");
  EXPECT_EQ(hexs(k.decryption_key), "fad27796665b313ebb578f388632b4f7");  // client EncryptionKey
  EXPECT_EQ(hexs(k.encryption_key), "b0f0427f7ceb416d1d9dcc0cd4f99447");  // client DecryptionKey
  // 3.0.2 uses the same labels (MS-SMB2 3.3.5.5.3).
  EXPECT_EQ(derive_session_keys(0x0302, sk).signing_key, k.signing_key);
  // Second channel of the same example: SessionKey 4E01A2B3... -> SigningKey BA1A17DB...
  EXPECT_EQ(hexs(derive_session_keys(0x0300, hex("4E01A2B313BCF660CC250BEF021AEDE6")).signing_key),
            "ba1a17dbbfec349bca105563d598952f");
}



TEST(Kdf, Smb311KeysFromMicrosoftExample) {
  SessionKeys k = derive_session_keys(0x0311, hex("270E1BA896585EEB7AF3472D3B4C75A7"), hex(kPreauthFinal));
  EXPECT_EQ(hexs(k.signing_key), "73fe7a9a77bef0bde49c650d8ccb5f76");
  EXPECT_EQ(hexs(k.application_key), "6d7ad7954e9ec61e907b4d473dc178ff");
  EXPECT_EQ(hexs(k.decryption_key), "629bcbc54422a0f572b97f45989b6073");  // client EncryptionKey
  EXPECT_EQ(hexs(k.encryption_key), "e2af0dcefac68da71a0dfbd0d1350d74");  // client DecryptionKey
}

TEST(Kdf, Smb2xSigningKeyIsSessionKey) {
  // MS-SMB2 3.3.5.5.3: for 2.0.2 / 2.1 Session.SigningKey is Session.SessionKey; a shorter GSS key is
  // right-padded with zeros to 16 bytes, a longer one truncated.
  EXPECT_EQ(hexs(derive_session_keys(0x0210, hex("0102")).signing_key), "01020000000000000000000000000000");
  EXPECT_EQ(derive_session_keys(0x0202, Bytes(32, 7)).signing_key, Bytes(16, 7));
}

TEST(Signing, DefaultAlgorithmPerDialect) {
  // MS-SMB2 3.1.4.1: HMAC-SHA256 for 2.0.2/2.1, AES-128-CMAC for the 3.x family.
  EXPECT_EQ(default_signing_algorithm(0x0202), SigningAlgorithm::hmac_sha256);
  EXPECT_EQ(default_signing_algorithm(0x0210), SigningAlgorithm::hmac_sha256);
  EXPECT_EQ(default_signing_algorithm(0x0300), SigningAlgorithm::aes_cmac);
  EXPECT_EQ(default_signing_algorithm(0x0302), SigningAlgorithm::aes_cmac);
  EXPECT_EQ(default_signing_algorithm(0x0311), SigningAlgorithm::aes_cmac);
}

TEST(PreauthHash, Smb311ChainFromMicrosoftExample) {
  PreauthHash h;
  EXPECT_EQ(h.value(), Bytes(64, 0));  // 3.3.5.3.1: initialized to zero
  h.update(hex(kNegReq));
  EXPECT_EQ(hexs(h.value()),
            hexs(hex("DD94EFC5321BB618A2E208BA8920D2F422992526947A409B5037DE1E0FE8C7362B8C47122594CDE0"
                     "CE26AA9DFC8BCDBDE0621957672623351A7540F1E54A0426")));
  h.update(hex(kNegResp));
  EXPECT_EQ(hexs(h.value()),
            hexs(hex("324BFA92A4F3A190E466EBEA08D9C110DC88BFED758D9846ECC6F541CC1D02AE3C94A79F36011E99"
                     "7E13F841B91B50957AD07B19C8E2539C0B23FDAE09D2C513")));
  h.update(hex(kSetupReq1));
  EXPECT_EQ(hexs(h.value()),
            hexs(hex("AC0B0F2B9986257700365E416D142A6EDC96DF03594A19E52A15F6BD0D041CD5D432F8ED42C55E33"
                     "197A50C9EC00F1462B50C592211B1471A04B56088FDFD5F9")));
  h.update(hex(kSetupResp1));
  EXPECT_EQ(hexs(h.value()),
            hexs(hex("2729E3440DFDDD839E37193F6E8F20C20CEFB3469E453A70CD980EEC06B8835740A7376008563336"
                     "4C8989895ECE81BF102DEEB14D4B7D48AFA76901A7A38387")));
  h.update(hex(kSetupReq2));
  EXPECT_EQ(hexs(h.value()), hexs(hex(kPreauthFinal)));
}

TEST(Signing, VerifiesMicrosoftSignedSessionSetupResponse) {
  const Bytes key = hex("73FE7A9A77BEF0BDE49C650D8CCB5F76");
  const Bytes msg = hex(kSetupResp2Signed);
  EXPECT_TRUE(verify(msg, key, SigningAlgorithm::aes_cmac));
  // sign() reproduces the published Signature bytes at 0x30 (MS-SMB2 3.1.4.1).
  Bytes resigned = msg;
  std::fill_n(resigned.begin() + 0x30, 16, 0);
  sign(resigned, key, SigningAlgorithm::aes_cmac);
  EXPECT_EQ(hexs(ByteView(resigned).subspan(0x30, 16)), "ebe146da120ba25fc3376a49dfe31bc1");
}

Bytes sample_message(std::uint16_t command, std::uint32_t flags) {
  Bytes m(64 + 24, 0);
  wire::Writer w(m);
  w.patch_u32(0, 0x424D53FE);
  w.patch_u16(4, 64);
  w.patch_u16(0x0C, command);
  w.patch_u32(0x10, flags | 0x8);  // SMB2_FLAGS_SIGNED
  w.patch_u64(0x18, 0x1122334455667788ull);
  w.patch_u64(0x28, 0x0000100000000019ull);
  for (std::size_t i = 64; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(i);
  return m;
}

class SignRoundTrip : public ::testing::TestWithParam<SigningAlgorithm> {};

TEST_P(SignRoundTrip, VerifyAcceptsAndEveryFlippedBitIsCaught) {
  const Bytes key = hex("000102030405060708090a0b0c0d0e0f");
  Bytes m = sample_message(0x0008, 0);
  sign(m, key, GetParam());
  EXPECT_NE(hexs(ByteView(m).subspan(0x30, 16)), std::string(32, '0'));
  EXPECT_TRUE(verify(m, key, GetParam()));
  // 3.1.5.1: any change to the message (header, signature or body) breaks the signature.
  for (std::size_t byte = 0; byte < m.size(); ++byte) {
    Bytes bad = m;
    bad[byte] ^= 0x01;
    EXPECT_FALSE(verify(bad, key, GetParam())) << "flipped bit 0 of byte " << byte;
  }
  Bytes other_key = key;
  other_key[0] ^= 0x80;
  EXPECT_FALSE(verify(m, other_key, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, SignRoundTrip,
                         ::testing::Values(SigningAlgorithm::hmac_sha256, SigningAlgorithm::aes_cmac,
                                           SigningAlgorithm::aes_gmac));

TEST(Signing, GmacNonceDependsOnDirectionAndCancel) {
  // MS-SMB2 3.1.4.1: the GMAC nonce's 4 trailing bytes carry the sender role (bit 0) and CANCEL
  // (bit 1), so the same bytes signed as a request, a response or a CANCEL give different MACs,
  // while CMAC (no nonce) gives the same one for the same bytes.
  const Bytes key = hex("000102030405060708090a0b0c0d0e0f");
  auto sig = [&](Bytes m, SigningAlgorithm a) {
    sign(m, key, a);
    return hexs(ByteView(m).subspan(0x30, 16));
  };
  Bytes req = sample_message(0x0008, 0);
  Bytes resp = sample_message(0x0008, 0x1);
  EXPECT_NE(sig(req, SigningAlgorithm::aes_gmac), sig(resp, SigningAlgorithm::aes_gmac));
  // Independent recomputation with the nonce spelled out: MessageId (LE) || role bits.
  auto expect = [&](Bytes m, const char* role_le) {
    std::fill_n(m.begin() + 0x30, 16, 0);
    Bytes nonce = hex(std::string("8877665544332211") + role_le);
    return hexs(detail::aes_gmac(key, nonce, {m}));
  };
  Bytes cancel = sample_message(0x000C, 0);
  EXPECT_EQ(sig(req, SigningAlgorithm::aes_gmac), expect(req, "00000000"));       // client
  EXPECT_EQ(sig(resp, SigningAlgorithm::aes_gmac), expect(resp, "01000000"));     // server
  EXPECT_EQ(sig(cancel, SigningAlgorithm::aes_gmac), expect(cancel, "02000000")); // client CANCEL
}

TEST(Signing, ShortMessageNeverVerifies) {
  EXPECT_FALSE(verify(Bytes(63, 0), Bytes(16, 0), SigningAlgorithm::aes_cmac));
}

}  // namespace
}  // namespace smb::security
