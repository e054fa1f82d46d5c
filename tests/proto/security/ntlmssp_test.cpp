// NTLMSSP codec and NTLMv2 computations against the MS-NLMP 4.2.4 known answers.
#include "smbproto/security/ntlmssp.hpp"

#include <gtest/gtest.h>

#include "proto/security/hex_util.hpp"
#include "smbproto/security/detail/crypto.hpp"

namespace smb::security::ntlm {
namespace {

using test::hex;
using test::hexs;
using wire::Bytes;
using wire::ByteView;

// MS-NLMP 4.2.1 common values: User "User", UserDom "Domain", Passwd "Password", Workstation
// "COMPUTER", RandomSessionKey 0x55 x16, ServerChallenge 0123456789abcdef, ClientChallenge 0xaa x8,
// Time 0; 4.2.4 AV pairs: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server".
const std::string kAvPairs =
    "02000c0044006f006d00610069006e00 01000c00530065007200760065007200 00000000";
// MS-NLMP 4.2.4.3 CHALLENGE_MESSAGE.
const std::string kChallenge =
    "4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000"
    "060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c00530065007200760065"
    "00720000000000";
// MS-NLMP 4.2.4.3 AUTHENTICATE_MESSAGE.
const std::string kAuthenticate =
    "4e544c4d5353500003000000180018006c00000054005400840000000c000c00480000000800080054000000100010005c00"
    "000010001000d8000000358288e20501280a0000000f44006f006d00610069006e00550073006500720043004f004d005000"
    "550054004500520086c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa68cd0ab851e51c96aabc927bebef6a1c0101"
    "0000000000000000000000000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e0001000c0053006500"
    "72007600650072000000000000000000c5dad2544fc9799094ce1ce90bc9d03e";

TEST(Ntlmv2, NtowfV2Msnlmp4_2_4_1_1) {
  // MS-NLMP 4.2.4.1.1 NTOWFv2() and LMOWFv2(): 0c868a403bfd7a93a3001ef22ef02e3f.
  EXPECT_EQ(hexs(ntowf_v2("Password", "User", "Domain")), "0c868a403bfd7a93a3001ef22ef02e3f");
  // 3.3.2: Uppercase(User) - the user name is case-insensitive, the domain is not.
  EXPECT_EQ(ntowf_v2("Password", "user", "Domain"), ntowf_v2("Password", "User", "Domain"));
  EXPECT_NE(ntowf_v2("Password", "User", "domain"), ntowf_v2("Password", "User", "Domain"));
}

TEST(Ntlmv2, ResponsesAndKeysMsnlmp4_2_4) {
  const Bytes key = ntowf_v2("Password", "User", "Domain");
  const Bytes server = hex("0123456789abcdef");
  const Bytes client = hex("aaaaaaaaaaaaaaaa");
  const Bytes temp = ntlmv2_client_blob(0, client, hex(kAvPairs));
  // 4.2.4.2.2: temp = 0101 0000 00000000 <time 0> <client challenge> 00000000 <AV pairs> 00000000.
  EXPECT_EQ(hexs(temp), "0101000000000000" "0000000000000000" "aaaaaaaaaaaaaaaa" "00000000" +
                            hexs(hex(kAvPairs)) + "00000000");
  const Bytes proof = nt_proof_str(key, server, temp);
  EXPECT_EQ(hexs(proof), "68cd0ab851e51c96aabc927bebef6a1c");  // 4.2.4.2.2 NTLMv2 Response
  EXPECT_EQ(hexs(lmv2_response(key, server, client)),
            "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");  // 4.2.4.2.1 LMv2 Response
  const Bytes base = session_base_key(key, proof);
  EXPECT_EQ(hexs(base), "8de40ccadbc14a82f15cb0ad0de95ca3");  // 4.2.4.1.2 Session Base Key
  // 4.2.4.2.3 Encrypted Session Key = RC4(KeyExchangeKey = SessionBaseKey, RandomSessionKey 0x55 x16).
  EXPECT_EQ(hexs(detail::rc4(base, Bytes(16, 0x55))), "c5dad2544fc9799094ce1ce90bc9d03e");
}

TEST(NtlmCodec, DecodeChallengeMsnlmp4_2_4_3) {
  auto ch = decode_challenge(hex(kChallenge));
  ASSERT_TRUE(ch) << ch.error().message();
  EXPECT_EQ(ch->negotiate_flags, 0xe28a8233u);
  EXPECT_EQ(ch->target_name, "Server");
  EXPECT_EQ(hexs(ch->server_challenge), "0123456789abcdef");
  ASSERT_EQ(ch->target_info.size(), 2u);
  EXPECT_EQ(ch->target_info[0].id, MsvAvNbDomainName);
  EXPECT_EQ(ch->target_info[0].value, wire::utf16le_from_utf8("Domain"));
  EXPECT_EQ(ch->target_info[1].id, MsvAvNbComputerName);
  EXPECT_EQ(hexs(ch->target_info_raw), hexs(hex(kAvPairs)));
  ASSERT_TRUE(ch->version);
  EXPECT_EQ(ch->version->product_major, 6);
  EXPECT_EQ(ch->version->product_build, 6000);
  EXPECT_EQ(ch->version->ntlm_revision, 0x0F);
}

TEST(NtlmCodec, DecodeAuthenticateMsnlmp4_2_4_3) {
  auto a = decode_authenticate(hex(kAuthenticate));
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->negotiate_flags, 0xe2888235u);
  EXPECT_EQ(a->domain_name, "Domain");
  EXPECT_EQ(a->user_name, "User");
  EXPECT_EQ(a->workstation, "COMPUTER");
  EXPECT_EQ(hexs(a->lm_challenge_response), "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa");
  EXPECT_EQ(hexs(ByteView(a->nt_challenge_response).first(16)), "68cd0ab851e51c96aabc927bebef6a1c");
  EXPECT_EQ(hexs(a->encrypted_random_session_key), "c5dad2544fc9799094ce1ce90bc9d03e");
  // Payload starts at 0x48: room for VERSION but not for a MIC (2.2.1.3).
  EXPECT_TRUE(a->version);
  EXPECT_FALSE(a->mic);
}

TEST(NtlmCodec, AuthenticateRoundTrip) {
  AuthenticateMessage m;
  m.lm_challenge_response = Bytes(24, 0);
  m.nt_challenge_response = hex("00112233445566778899aabbccddeeff0101");
  m.domain_name = "DOM";
  m.user_name = "Jörg";
  m.workstation = "WS";
  m.encrypted_random_session_key = Bytes(16, 7);
  m.negotiate_flags = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_KEY_EXCH;
  m.mic = std::array<std::uint8_t, 16>{1, 2, 3};
  auto d = decode_authenticate(encode(m));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->user_name, "Jörg");
  EXPECT_EQ(d->domain_name, "DOM");
  EXPECT_EQ(d->workstation, "WS");
  EXPECT_EQ(d->nt_challenge_response, m.nt_challenge_response);
  EXPECT_EQ(d->encrypted_random_session_key, m.encrypted_random_session_key);
  EXPECT_EQ(d->mic, m.mic);
}

TEST(NtlmCodec, NegotiateAndChallengeRoundTrip) {
  NegotiateMessage n;
  n.negotiate_flags = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_VERSION;
  n.version = Version{};
  auto dn = decode_negotiate(encode(n));
  ASSERT_TRUE(dn);
  EXPECT_EQ(dn->negotiate_flags, n.negotiate_flags);
  EXPECT_EQ(dn->version, n.version);

  ChallengeMessage c;
  c.negotiate_flags = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_TARGET_INFO | NTLMSSP_NEGOTIATE_VERSION;
  c.target_name = "SRV";
  c.server_challenge = {1, 2, 3, 4, 5, 6, 7, 8};
  c.target_info = {{MsvAvNbComputerName, wire::utf16le_from_utf8("SRV")}, {MsvAvTimestamp, Bytes(8, 9)}};
  auto dc = decode_challenge(encode(c));
  ASSERT_TRUE(dc);
  EXPECT_EQ(dc->target_name, "SRV");
  EXPECT_EQ(dc->server_challenge, c.server_challenge);
  EXPECT_EQ(dc->target_info, c.target_info);
}

TEST(NtlmCodec, RejectsBadSignatureTypeAndFields) {
  Bytes a = hex(kAuthenticate);
  Bytes bad_sig = a;
  bad_sig[0] = 'X';
  EXPECT_EQ(decode_authenticate(bad_sig).error(), proto::errc::bad_ntlmssp);
  EXPECT_EQ(decode_challenge(a).error(), proto::errc::bad_ntlmssp);  // MessageType 3, not 2
  // NtChallengeResponseFields.BufferOffset (0x18) pointing past the end (2.2.1.3).
  Bytes bad_off = a;
  bad_off[0x18] = 0xF0;
  EXPECT_EQ(decode_authenticate(bad_off).error(), proto::errc::bad_ntlmssp);
  // Every truncation of the header or payload is rejected, never read past the end.
  for (std::size_t n = 0; n < a.size(); ++n)
    EXPECT_EQ(decode_authenticate(ByteView(a).first(n)).error(), proto::errc::bad_ntlmssp) << "cut at " << n;
  Bytes c = hex(kChallenge);
  for (std::size_t n = 0; n < c.size(); ++n)
    EXPECT_FALSE(decode_challenge(ByteView(c).first(n))) << "cut at " << n;
}

TEST(NtlmCodec, AvPairsNeedEol) {
  EXPECT_EQ(decode_av_pairs(hex("01000400aabbccdd")).error(), proto::errc::bad_ntlmssp);  // no MsvAvEOL
  EXPECT_EQ(decode_av_pairs(hex("01000800aabbccdd00000000")).error(), proto::errc::bad_ntlmssp);  // overrun
  auto ok = decode_av_pairs(hex("01000200aabb00000000"));
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ(hexs((*ok)[0].value), "aabb");
}

// MS-NLMP 3.4.5.2 SIGNKEY / 3.4.5.3 SEALKEY for ExportedSessionKey = RandomSessionKey (0x55 x16) with
// extended session security and NEGOTIATE_128: the client SignKey and SealKey listed in 4.2.4.4.
TEST(NtlmKeys, SignAndSealKeys) {
  const Bytes key(16, 0x55);
  EXPECT_EQ(hexs(sign_key(key, true)), "4788dc861b4782f35d43fd98fe1a2d39");
  EXPECT_EQ(hexs(seal_key(key, NTLMSSP_NEGOTIATE_128, true)), "59f600973cc4960a25480a7c196e4c58");
}

// MS-NLMP 4.2.4.4 GSS_WrapEx example: Plaintext "Plaintext" (UTF-16LE), SeqNum 0. The data is sealed
// with the client sealing handle, then the checksum HMAC_MD5(SignKey, SeqNum || plaintext)[0..7] is
// RC4'd with the same handle (3.4.3, 3.4.4.2): sealed data 54e50165..., signature 01000000 7fb38ec5c55d4976 00000000.
TEST(NtlmKeys, GssWrapExMsnlmp4_2_4_4) {
  const Bytes key(16, 0x55);
  detail::Rc4 handle(seal_key(key, NTLMSSP_NEGOTIATE_128, true));
  const Bytes plain = wire::utf16le_from_utf8("Plaintext");
  EXPECT_EQ(hexs(handle.process(plain)), "54e50165bf1936dc996020c1811b0f06fb5f");
  Bytes mac = detail::hmac_md5(sign_key(key, true), {Bytes(4, 0), plain});
  mac.resize(8);
  handle.apply(mac);
  EXPECT_EQ(hexs(mac), "7fb38ec5c55d4976");
}

TEST(NtlmKeys, MacStateSequenceNumbersAdvance) {
  MacState a(Bytes(16, 0x55), NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH, true);
  MacState b(Bytes(16, 0x55), NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH, true);
  const Bytes msg = test::hex("0102030405");
  Bytes s0 = a.get_mic(msg);
  Bytes s1 = a.get_mic(msg);
  ASSERT_EQ(s0.size(), 16u);
  EXPECT_EQ(hexs(ByteView(s0).first(4)), "01000000");  // 2.2.2.9.1 Version = 1
  EXPECT_EQ(hexs(ByteView(s0).last(4)), "00000000");   // SeqNum 0
  EXPECT_EQ(hexs(ByteView(s1).last(4)), "01000000");   // SeqNum 1
  EXPECT_TRUE(b.verify_mic(msg, s0));
  EXPECT_FALSE(b.verify_mic(msg, s0));  // b is now at SeqNum 1
}

TEST(Ntlm, UppercaseAsciiAndLatin1) {
  EXPECT_EQ(uppercase("alice"), "ALICE");
  EXPECT_EQ(uppercase("jörg"), "JÖRG");
}

}  // namespace
}  // namespace smb::security::ntlm
