// Acceptor <-> Initiator exchanges (SPNEGO + NTLMv2) and the acceptor's decisions (MS-NLMP 3.2.5.1.2, 3.3.2).
#include "smbproto/security/gss.hpp"

#include <gtest/gtest.h>

#include "proto/security/hex_util.hpp"
#include "smbproto/security/ntlmssp.hpp"
#include "smbproto/security/spnego.hpp"

namespace smb::security {
namespace {

using test::hex;
using test::hexs;
using wire::Bytes;
using wire::ByteView;

AcceptorConfig config(bool guest = false) {
  AcceptorConfig c;
  c.users["Alice"] = "Secret123";
  c.allow_guest = guest;
  return c;
}

struct Exchange {
  AcceptStep first, second;
  Result<Bytes> auth = proto::errc::unsupported;
};

// Runs NEGOTIATE -> CHALLENGE -> AUTHENTICATE; `tamper` may edit the AUTHENTICATE token.
Exchange run(Acceptor& acc, Initiator& ini, void (*tamper)(Bytes&) = nullptr) {
  Exchange e;
  e.first = acc.step(ini.initial_token());
  e.auth = ini.step(e.first.out_token);
  if (!e.auth) return e;
  Bytes tok = *e.auth;
  if (tamper) tamper(tok);
  e.second = acc.step(tok);
  return e;
}

TEST(Gss, RightPasswordGivesSameSessionKeyBothSides) {
  Acceptor acc(config());
  Initiator ini({"alice", "Secret123", "ANYDOMAIN"});
  Exchange e = run(acc, ini);
  EXPECT_EQ(e.first.status, status::STATUS_MORE_PROCESSING_REQUIRED);
  ASSERT_TRUE(e.auth) << e.auth.error().message();
  ASSERT_EQ(e.second.status, status::STATUS_SUCCESS);
  ASSERT_TRUE(acc.result());
  EXPECT_EQ(acc.result()->user, "Alice");  // user names compare case-insensitively (3.3.2 Uppercase)
  EXPECT_FALSE(acc.result()->is_guest);
  EXPECT_FALSE(acc.result()->is_anonymous);
  ASSERT_EQ(acc.result()->session_key.size(), 16u);
  EXPECT_EQ(acc.result()->session_key, ini.session_key());
  // Final token: accept-completed with the server's mechListMIC, which the initiator verifies.
  auto resp = decode_neg_token_resp(e.second.out_token);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->neg_state, NegState::accept_completed);
  EXPECT_TRUE(resp->mech_list_mic);
  auto fin = ini.step(e.second.out_token);
  ASSERT_TRUE(fin) << fin.error().message();
  EXPECT_TRUE(fin->empty());
  EXPECT_TRUE(ini.complete());
}

TEST(Gss, InitiatorSendsMicAndMechListMic) {
  // The challenge carries MsvAvTimestamp, so the client MUST add MsvAvFlags=MIC and a MIC (3.1.5.1.2).
  Acceptor acc(config());
  Initiator ini({"Alice", "Secret123", ""});
  auto first = acc.step(ini.initial_token());
  auto tok = ini.step(first.out_token);
  ASSERT_TRUE(tok);
  auto resp = decode_neg_token_resp(*tok);
  ASSERT_TRUE(resp);
  ASSERT_TRUE(resp->mech_list_mic);
  auto auth = ntlm::decode_authenticate(*resp->response_token);
  ASSERT_TRUE(auth);
  ASSERT_TRUE(auth->mic);
  EXPECT_NE(*auth->mic, (std::array<std::uint8_t, 16>{}));
  EXPECT_EQ(auth->lm_challenge_response, Bytes(24, 0));  // 3.3.2: Z(24) when MsvAvTimestamp is present
}

TEST(Gss, WrongPasswordIsLogonFailure) {
  Acceptor acc(config());
  Initiator ini({"Alice", "wrong", "D"});
  Exchange e = run(acc, ini);
  EXPECT_EQ(e.second.status, status::STATUS_LOGON_FAILURE);
  EXPECT_FALSE(acc.result());
  auto resp = decode_neg_token_resp(e.second.out_token);
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->neg_state, NegState::reject);
}

TEST(Gss, WrongPasswordIsNotGuestEvenWhenGuestAllowed) {
  Acceptor acc(config(true));
  Initiator ini({"Alice", "wrong", "D"});
  EXPECT_EQ(run(acc, ini).second.status, status::STATUS_LOGON_FAILURE);
}

TEST(Gss, UnknownUserWithoutGuestIsLogonFailure) {
  Acceptor acc(config(false));
  Initiator ini({"mallory", "x", "D"});
  EXPECT_EQ(run(acc, ini).second.status, status::STATUS_LOGON_FAILURE);
}

TEST(Gss, UnknownUserWithGuestIsGuestWithoutKey) {
  Acceptor acc(config(true));
  Initiator ini({"mallory", "x", "D"});
  Exchange e = run(acc, ini);
  ASSERT_EQ(e.second.status, status::STATUS_SUCCESS);
  ASSERT_TRUE(acc.result());
  EXPECT_TRUE(acc.result()->is_guest);
  EXPECT_TRUE(acc.result()->session_key.empty());
  auto resp = decode_neg_token_resp(e.second.out_token);
  ASSERT_TRUE(resp);
  EXPECT_FALSE(resp->mech_list_mic);  // no key to sign with
}

TEST(Gss, AnonymousIsNullSession) {
  Acceptor acc(config());
  Initiator ini({"", "", ""});
  Exchange e = run(acc, ini);
  ASSERT_EQ(e.second.status, status::STATUS_SUCCESS);
  ASSERT_TRUE(acc.result());
  EXPECT_TRUE(acc.result()->is_anonymous);
  EXPECT_FALSE(acc.result()->is_guest);
  EXPECT_TRUE(acc.result()->session_key.empty());
  EXPECT_TRUE(ini.session_key().empty());
}

TEST(Gss, AnonymousRefusedWhenDisabled) {
  AcceptorConfig c = config();
  c.allow_anonymous = false;
  Acceptor acc(c);
  Initiator ini({"", "", ""});
  EXPECT_EQ(run(acc, ini).second.status, status::STATUS_LOGON_FAILURE);
}

// Replaces the AUTHENTICATE inside the NegTokenResp after editing it.
void edit_auth(Bytes& tok, void (*edit)(Bytes& raw), bool drop_mech_list_mic = false) {
  auto r = decode_neg_token_resp(tok);
  ASSERT_TRUE(r);
  edit(*r->response_token);
  if (drop_mech_list_mic) r->mech_list_mic.reset();
  tok = encode(*r);
}

TEST(Gss, TamperedNtlmMicIsLogonFailure) {
  Acceptor acc(config());
  Initiator ini({"Alice", "Secret123", "D"});
  auto e = run(acc, ini, [](Bytes& t) { edit_auth(t, [](Bytes& raw) { raw[0x48] ^= 1; }); });
  EXPECT_EQ(e.second.status, status::STATUS_LOGON_FAILURE);  // 3.2.5.1.2: MIC mismatch
}

TEST(Gss, TamperedMechListMicIsLogonFailure) {
  Acceptor acc(config());
  Initiator ini({"Alice", "Secret123", "D"});
  auto e = run(acc, ini, [](Bytes& t) {
    auto r = decode_neg_token_resp(t);
    (*r->mech_list_mic)[5] ^= 1;
    t = encode(*r);
  });
  EXPECT_EQ(e.second.status, status::STATUS_LOGON_FAILURE);  // RFC 4178 5
}

TEST(Gss, TamperedNtProofIsLogonFailure) {
  Acceptor acc(config());
  Initiator ini({"Alice", "Secret123", "D"});
  auto e = run(acc, ini, [](Bytes& t) {
    edit_auth(t, [](Bytes& raw) {
      auto a = ntlm::decode_authenticate(raw);
      a->nt_challenge_response[0] ^= 1;
      raw = ntlm::encode(*a);
    });
  });
  EXPECT_EQ(e.second.status, status::STATUS_LOGON_FAILURE);
}

TEST(Gss, NtlmV1ResponseIsRefused) {
  Acceptor acc(config());
  Initiator ini({"Alice", "Secret123", "D"});
  auto e = run(acc, ini, [](Bytes& t) {
    edit_auth(t, [](Bytes& raw) {
      auto a = ntlm::decode_authenticate(raw);
      a->nt_challenge_response.resize(24);  // NTLM v1 response shape (2.2.2.6)
      raw = ntlm::encode(*a);
    });
  });
  EXPECT_EQ(e.second.status, status::STATUS_LOGON_FAILURE);
}

TEST(Gss, MalformedTokensAreInvalidParameter) {
  {
    Acceptor acc(config());
    EXPECT_EQ(acc.step(hex("6003060102")).status, status::STATUS_INVALID_PARAMETER);
    // Finished: any further token is out of sequence.
    EXPECT_EQ(acc.step(hex("6003060102")).status, status::STATUS_INVALID_PARAMETER);
  }
  {
    Acceptor acc(config());
    EXPECT_EQ(acc.step(hex("0102030405")).status, status::STATUS_INVALID_PARAMETER);
  }
  {
    // AUTHENTICATE before NEGOTIATE.
    Acceptor acc(config());
    ntlm::AuthenticateMessage a;
    EXPECT_EQ(acc.step(ntlm::encode(a)).status, status::STATUS_INVALID_PARAMETER);
  }
}

TEST(Gss, EmptyFirstTokenGetsMechHint) {
  Acceptor acc(config());
  AcceptStep s = acc.step({});
  EXPECT_EQ(s.status, status::STATUS_MORE_PROCESSING_REQUIRED);
  EXPECT_EQ(s.out_token, negotiate_response_token());
}

TEST(Gss, NoNtlmMechOfferedIsLogonFailure) {
  Acceptor acc(config());
  NegTokenInit i;
  i.mech_types = {kerberos_oid()};
  i.mech_token = Bytes{1, 2, 3};
  AcceptStep s = acc.step(encode(i));
  EXPECT_EQ(s.status, status::STATUS_LOGON_FAILURE);
}

TEST(Gss, OptimisticKerberosTokenThenNtlm) {
  // RFC 4178 5: the client's preferred mech (Kerberos) is not supported; the acceptor selects
  // NTLMSSP without a response token and the client restarts with NTLMSSP NEGOTIATE.
  Acceptor acc(config());
  NegTokenInit i;
  i.mech_types = {ms_kerberos_oid(), kerberos_oid(), ntlmssp_oid()};
  i.mech_token = Bytes{0x60, 0x01, 0x00};
  AcceptStep s = acc.step(encode(i));
  ASSERT_EQ(s.status, status::STATUS_MORE_PROCESSING_REQUIRED);
  auto r = decode_neg_token_resp(s.out_token);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->neg_state, NegState::accept_incomplete);
  EXPECT_EQ(r->supported_mech, ntlmssp_oid());
  EXPECT_FALSE(r->response_token);
  ntlm::NegotiateMessage n;
  n.negotiate_flags = ntlm::NTLMSSP_NEGOTIATE_UNICODE | ntlm::NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
  NegTokenResp next;
  next.response_token = ntlm::encode(n);
  AcceptStep c = acc.step(encode(next));
  EXPECT_EQ(c.status, status::STATUS_MORE_PROCESSING_REQUIRED);
  auto cr = decode_neg_token_resp(c.out_token);
  ASSERT_TRUE(cr);
  EXPECT_EQ(ntlm::message_type(*cr->response_token), 2u);
}

TEST(Gss, ChallengeCarriesRequiredAvPairsAndFlags) {
  Acceptor acc(config());
  ntlm::NegotiateMessage n;
  n.negotiate_flags = ntlm::NTLMSSP_NEGOTIATE_UNICODE | ntlm::NTLMSSP_REQUEST_TARGET |
                      ntlm::NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | ntlm::NTLMSSP_NEGOTIATE_KEY_EXCH |
                      ntlm::NTLMSSP_NEGOTIATE_128 | ntlm::NTLMSSP_NEGOTIATE_SIGN | ntlm::NTLMSSP_NEGOTIATE_VERSION;
  AcceptStep s = acc.step(ntlm::encode(n));  // raw NTLMSSP (no SPNEGO) is answered raw
  ASSERT_EQ(s.status, status::STATUS_MORE_PROCESSING_REQUIRED);
  auto ch = ntlm::decode_challenge(s.out_token);
  ASSERT_TRUE(ch) << ch.error().message();
  for (std::uint32_t f : {ntlm::NTLMSSP_NEGOTIATE_UNICODE, ntlm::NTLMSSP_NEGOTIATE_TARGET_INFO,
                          ntlm::NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY, ntlm::NTLMSSP_NEGOTIATE_KEY_EXCH,
                          ntlm::NTLMSSP_NEGOTIATE_128, ntlm::NTLMSSP_NEGOTIATE_SIGN, ntlm::NTLMSSP_NEGOTIATE_VERSION,
                          ntlm::NTLMSSP_REQUEST_TARGET})
    EXPECT_TRUE(ch->negotiate_flags & f) << std::hex << f;
  EXPECT_FALSE(ch->negotiate_flags & ntlm::NTLMSSP_NEGOTIATE_SEAL);  // not requested, not granted
  for (std::uint16_t id : {ntlm::MsvAvNbDomainName, ntlm::MsvAvNbComputerName, ntlm::MsvAvDnsDomainName,
                           ntlm::MsvAvDnsComputerName, ntlm::MsvAvTimestamp})
    EXPECT_NE(ntlm::find_av(ch->target_info, id), nullptr) << id;
  EXPECT_EQ(ntlm::find_av(ch->target_info, ntlm::MsvAvTimestamp)->value.size(), 8u);
}

// MS-NLMP 4.2.4.3: the spec's AUTHENTICATE_MESSAGE, fed raw after a NEGOTIATE with the same flags
// and with the acceptor's ServerChallenge pinned to 0123456789abcdef. KEY_EXCH is negotiated, so
// the ExportedSessionKey is the 4.2.1 RandomSessionKey (0x55 x16).
TEST(Gss, AcceptsMsnlmpExampleAuthenticate) {
  AcceptorConfig c;
  c.users["user"] = "Password";
  c.fixed_server_challenge = std::array<std::uint8_t, 8>{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
  Acceptor acc(c);
  ntlm::NegotiateMessage n;
  n.negotiate_flags = 0xe2888235;
  ASSERT_EQ(acc.step(ntlm::encode(n)).status, status::STATUS_MORE_PROCESSING_REQUIRED);
  const Bytes auth = hex(
      "4e544c4d535350000300000018001800" "6c00000054005400840000000c000c00" "48000000080008005400000010001000"
      "5c00000010001000d8000000358288e2" "0501280a0000000f44006f006d006100" "69006e00550073006500720043004f00"
      "4d005000550054004500520086c35097" "ac9cec102554764a57cccc19aaaaaaaa" "aaaaaaaa68cd0ab851e51c96aabc927b"
      "ebef6a1c010100000000000000000000" "00000000aaaaaaaaaaaaaaaa00000000" "02000c0044006f006d00610069006e00"
      "01000c00530065007200760065007200" "0000000000000000c5dad2544fc97990" "94ce1ce90bc9d03e");
  AcceptStep s = acc.step(auth);
  ASSERT_EQ(s.status, status::STATUS_SUCCESS);
  EXPECT_TRUE(s.out_token.empty());  // raw NTLMSSP: no final token
  ASSERT_TRUE(acc.result());
  EXPECT_EQ(acc.result()->user, "user");
  EXPECT_EQ(acc.result()->domain, "Domain");
  EXPECT_EQ(hexs(acc.result()->session_key), "55555555555555555555555555555555");
}

TEST(Gss, InitiatorRejectsMalformedAndRejectingServer) {
  {
    Initiator ini({"a", "b", "c"});
    (void)ini.initial_token();
    EXPECT_EQ(ini.step(hex("a10330")).error(), proto::errc::bad_asn1);
  }
  {
    Initiator ini({"a", "b", "c"});
    (void)ini.initial_token();
    NegTokenResp r;
    r.neg_state = NegState::reject;
    EXPECT_EQ(ini.step(encode(r)).error(), proto::errc::unsupported);
  }
  {
    Initiator ini({"a", "b", "c"});
    (void)ini.initial_token();
    NegTokenResp r;
    r.neg_state = NegState::accept_incomplete;
    r.supported_mech = ntlmssp_oid();
    r.response_token = Bytes{'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 2, 0, 0, 0};
    EXPECT_EQ(ini.step(encode(r)).error(), proto::errc::bad_ntlmssp);
  }
}

TEST(Gss, InitiatorRejectsForgedServerMechListMic) {
  Acceptor acc(config());
  Initiator ini({"Alice", "Secret123", "D"});
  Exchange e = run(acc, ini);
  ASSERT_EQ(e.second.status, status::STATUS_SUCCESS);
  auto r = decode_neg_token_resp(e.second.out_token);
  (*r->mech_list_mic)[6] ^= 1;
  EXPECT_EQ(ini.step(encode(*r)).error(), proto::errc::bad_value);
}

}  // namespace
}  // namespace smb::security
