// SPNEGO DER codec: golden Windows tokens, round trips, and rejection of every truncation / bad length.
#include "smbproto/security/spnego.hpp"

#include <gtest/gtest.h>

#include "proto/security/hex_util.hpp"
#include "proto/security/ms_smb311_example.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/security/ntlmssp.hpp"

namespace smb::security {
namespace {

using test::hex;
using test::hexs;
using wire::Bytes;
using wire::ByteView;
using namespace test::ms_example;

// Security buffer of an SMB2 message: SecurityBufferOffset/Length at body offsets given per command.
Bytes security_buffer(const char* msg_hex, std::size_t off_at, std::size_t len_at) {
  Bytes m = hex(msg_hex);
  wire::Reader r(m);
  r.seek(off_at);
  const std::size_t off = r.u16();
  r.seek(len_at);
  const std::size_t len = r.u16();
  return Bytes(m.begin() + off, m.begin() + off + len);
}
// SESSION_SETUP request: SecurityBufferOffset at 64+12, Length at 64+14 (MS-SMB2 2.2.5).
Bytes setup_req_token(const char* m) { return security_buffer(m, 64 + 12, 64 + 14); }
// SESSION_SETUP response: SecurityBufferOffset at 64+4, Length at 64+6 (MS-SMB2 2.2.6).
Bytes setup_resp_token(const char* m) { return security_buffer(m, 64 + 4, 64 + 6); }

TEST(SpnegoGolden, WindowsNegTokenInitWithNtlmNegotiate) {
  const Bytes tok = setup_req_token(kSetupReq1);
  auto t = decode_neg_token_init(tok);
  ASSERT_TRUE(t) << t.error().message();
  ASSERT_EQ(t->mech_types.size(), 1u);
  EXPECT_EQ(oid_to_string(t->mech_types[0]), "1.3.6.1.4.1.311.2.2.10");
  EXPECT_EQ(hexs(t->mech_types_der), "300c060a2b06010401823702020a");  // what a mechListMIC covers
  ASSERT_TRUE(t->mech_token);
  EXPECT_EQ(ntlm::message_type(*t->mech_token), 1u);
  EXPECT_FALSE(t->mech_list_mic);
}

TEST(SpnegoGolden, WindowsNegTokenRespWithChallenge) {
  auto t = decode_neg_token_resp(setup_resp_token(kSetupResp1));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->neg_state, NegState::accept_incomplete);
  EXPECT_EQ(t->supported_mech, ntlmssp_oid());
  ASSERT_TRUE(t->response_token);
  EXPECT_EQ(ntlm::message_type(*t->response_token), 2u);
}

TEST(SpnegoGolden, WindowsClientAuthenticateWithMechListMic) {
  auto t = decode_neg_token_resp(setup_req_token(kSetupReq2));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->neg_state, NegState::accept_incomplete);
  ASSERT_TRUE(t->response_token);
  EXPECT_EQ(ntlm::message_type(*t->response_token), 3u);
  ASSERT_TRUE(t->mech_list_mic);
  EXPECT_EQ(hexs(*t->mech_list_mic), "0100000063775a9a5fd97f0600000000");  // NTLMSSP_MESSAGE_SIGNATURE, SeqNum 0
}

TEST(SpnegoGolden, WindowsFinalAcceptCompleted) {
  const Bytes tok = setup_resp_token(kSetupResp2Signed);
  auto t = decode_neg_token_resp(tok);
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->neg_state, NegState::accept_completed);
  EXPECT_FALSE(t->response_token);
  EXPECT_EQ(hexs(*t->mech_list_mic), "010000003b453cdc3524164200000000");
  EXPECT_EQ(encode(*t), tok);  // our encoder produces Windows' exact DER
}

TEST(SpnegoGolden, WindowsNegotiateResponseNegTokenInit2) {
  // NEGOTIATE response: SecurityBufferOffset at 64+56, Length at 64+58 (MS-SMB2 2.2.4).
  auto t = decode_neg_token_init(security_buffer(kNegResp, 64 + 56, 64 + 58));
  ASSERT_TRUE(t) << t.error().message();
  ASSERT_EQ(t->mech_types.size(), 2u);
  EXPECT_EQ(oid_to_string(t->mech_types[0]), "1.3.6.1.4.1.311.2.2.30");  // NEGOEX
  EXPECT_EQ(t->mech_types[1], ntlmssp_oid());
}

TEST(Spnego, NegotiateResponseTokenCarriesNtlmAndHint) {
  // MS-SPNG 2.2.1 NegTokenInit2 with negHints.hintName, as Windows 2008+/Samba send.
  auto t = decode_neg_token_init(negotiate_response_token());
  ASSERT_TRUE(t) << t.error().message();
  ASSERT_EQ(t->mech_types.size(), 1u);
  EXPECT_EQ(t->mech_types[0], ntlmssp_oid());
  EXPECT_EQ(t->hint_name, "not_defined_in_RFC4178@please_ignore");
  EXPECT_FALSE(t->mech_token);
}

TEST(Spnego, RoundTrips) {
  NegTokenInit i;
  i.mech_types = {kerberos_oid(), ntlmssp_oid()};
  i.mech_token = Bytes(300, 0x42);  // long form length (0x82 ..)
  i.mech_list_mic = Bytes(16, 1);
  auto di = decode_neg_token_init(encode(i));
  ASSERT_TRUE(di);
  EXPECT_EQ(di->mech_types, i.mech_types);
  EXPECT_EQ(di->mech_token, i.mech_token);
  EXPECT_EQ(di->mech_list_mic, i.mech_list_mic);
  EXPECT_EQ(di->mech_types_der, encode_mech_type_list(i.mech_types));

  NegTokenResp r;
  r.neg_state = NegState::reject;
  r.supported_mech = ntlmssp_oid();
  r.response_token = Bytes(70000, 3);  // three-octet length
  auto dr = decode_neg_token_resp(encode(r));
  ASSERT_TRUE(dr);
  EXPECT_EQ(dr->neg_state, NegState::reject);
  EXPECT_EQ(dr->supported_mech, r.supported_mech);
  EXPECT_EQ(dr->response_token, r.response_token);
}

// Beast-style grind: every proper prefix of a valid token is rejected with bad_asn1 (X.690 8.1.3:
// the definite length promises more octets than remain), and nothing reads out of bounds.
TEST(SpnegoDer, EveryTruncationIsRejected) {
  for (const Bytes& tok : {setup_req_token(kSetupReq1), negotiate_response_token()}) {
    for (std::size_t n = 0; n < tok.size(); ++n)
      EXPECT_EQ(decode_neg_token_init(ByteView(tok).first(n)).error(), proto::errc::bad_asn1) << "cut at " << n;
  }
  for (const Bytes& tok : {setup_resp_token(kSetupResp1), setup_req_token(kSetupReq2),
                           setup_resp_token(kSetupResp2Signed)}) {
    for (std::size_t n = 0; n < tok.size(); ++n)
      EXPECT_EQ(decode_neg_token_resp(ByteView(tok).first(n)).error(), proto::errc::bad_asn1) << "cut at " << n;
  }
}

TEST(SpnegoDer, RejectsBadLengthsAndTags) {
  const Bytes good = setup_resp_token(kSetupResp2Signed);  // a1 1b 30 19 a0 03 0a 01 00 a3 12 04 10 ...
  ASSERT_TRUE(decode_neg_token_resp(good));
  auto with = [&](std::size_t at, std::uint8_t v) {
    Bytes b = good;
    b[at] = v;
    return decode_neg_token_resp(b).error();
  };
  EXPECT_EQ(with(1, 0x80), proto::errc::bad_asn1);  // indefinite length (BER only, X.690 8.1.3.6)
  EXPECT_EQ(with(1, 0x85), proto::errc::bad_asn1);  // 5 length octets
  EXPECT_EQ(with(1, 0x1c), proto::errc::bad_asn1);  // outer length one past the end
  EXPECT_EQ(with(1, 0x1a), proto::errc::bad_asn1);  // outer length short: inner runs past it
  EXPECT_EQ(with(3, 0x7f), proto::errc::bad_asn1);  // inner SEQUENCE length way past the end
  EXPECT_EQ(with(0, 0xa0), proto::errc::bad_asn1);  // [0] is NegTokenInit, not NegTokenResp
  EXPECT_EQ(with(2, 0x31), proto::errc::bad_asn1);  // SET instead of SEQUENCE
  EXPECT_EQ(with(0, 0xbf), proto::errc::bad_asn1);  // high-tag-number form
  EXPECT_EQ(with(8, 0x04), proto::errc::bad_asn1);  // negState 4 is not in RFC 4178's ENUMERATED
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(decode_neg_token_resp(trailing).error(), proto::errc::bad_asn1);
  // Fields out of order (mechListMIC [3] before negState [0]).
  EXPECT_EQ(decode_neg_token_resp(hex("a10e300ca3050403010203a0030a0100")).error(), proto::errc::bad_asn1);
}

TEST(SpnegoDer, InitRejectsWrongMechAndEmptyList) {
  // InitialContextToken whose thisMech is Kerberos, not SPNEGO (RFC 2743 3.1).
  NegTokenInit i;
  i.mech_types = {ntlmssp_oid()};
  Bytes tok = encode(i);
  Bytes wrong = tok;
  wrong[4 + 5] ^= 0x01;  // last octet of the SPNEGO OID 2b 06 01 05 05 02
  EXPECT_EQ(decode_neg_token_init(wrong).error(), proto::errc::bad_asn1);
  // MechTypeList with no entries (RFC 4178 4.2.1: mechTypes is required and lists at least one mech).
  EXPECT_TRUE(decode_neg_token_init(hex("601606062b0601050502a00c300aa008300606042b060102")));  // sanity
  EXPECT_EQ(decode_neg_token_init(hex("601006062b0601050502a0063004a0023000")).error(), proto::errc::bad_asn1);
}

}  // namespace
}  // namespace smb::security
