// SPNEGO + NTLMSSP acceptor (server) and initiator (client): MS-NLMP 3.1.5 / 3.2.5, RFC 4178, MS-SPNG.
#include "smbproto/security/gss.hpp"

#include <algorithm>

#include "smbproto/security/detail/crypto.hpp"
#include "smbproto/security/ntlmssp.hpp"
#include "smbproto/security/spnego.hpp"

namespace smb::security {

namespace crypto = detail;
using namespace ntlm;
using proto::errc;
using wire::ByteView;
using wire::Bytes;

namespace {

// MS-SPNG 3.2.5.2 / Windows & Samba: the NegTokenInit2 hint a server puts in the NEGOTIATE response.
constexpr const char* kHintName = "not_defined_in_RFC4178@please_ignore";
// NTLMv2_CLIENT_CHALLENGE fixed part before AvPairs (2.2.2.7).
constexpr std::size_t kClientChallengeHeader = 28;
constexpr std::size_t kMicOffset = 0x48;

// Flags we ever agree to (MS-NLMP 2.2.2.5); NTLMv1-only ones (LM_KEY, DATAGRAM) are left out.
constexpr std::uint32_t kNegotiableFlags = NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL |
                                           NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
                                           NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_128 |
                                           NTLMSSP_NEGOTIATE_56 | NTLMSSP_NEGOTIATE_KEY_EXCH |
                                           NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_IDENTIFY;

bool has_mech(const std::vector<Oid>& mechs, const Oid& m) { return std::find(mechs.begin(), mechs.end(), m) != mechs.end(); }

Bytes wrap_resp(std::optional<NegState> state, bool with_mech, std::optional<Bytes> token,
                std::optional<Bytes> mic) {
  NegTokenResp r;
  r.neg_state = state;
  if (with_mech) r.supported_mech = ntlmssp_oid();
  r.response_token = std::move(token);
  r.mech_list_mic = std::move(mic);
  return encode(r);
}

// MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with MIC zeroed) (3.1.5.1.2, 3.2.5.1.2).
Bytes ntlm_mic(ByteView exported, ByteView neg, ByteView chal, ByteView auth) {
  Bytes zeroed(auth.begin(), auth.end());
  if (zeroed.size() >= kMicOffset + 16) std::fill_n(zeroed.begin() + kMicOffset, 16, std::uint8_t{0});
  return crypto::hmac_md5(exported, {neg, chal, zeroed});
}

}  // namespace

// ================================================================================================
// Acceptor
// ================================================================================================

struct Acceptor::Impl {
  enum class Stage { initial, expect_negotiate, expect_authenticate, finished };

  AcceptorConfig cfg;
  Stage stage = Stage::initial;
  bool spnego = true;
  Bytes mech_types_der;  // the client's MechTypeList, input of the mechListMIC
  Bytes negotiate_msg;
  Bytes challenge_msg;
  std::array<std::uint8_t, 8> server_challenge{};
  std::uint32_t challenge_flags = 0;
  bool ntlm_mic_used = false;
  std::optional<AuthResult> result;

  AcceptStep fail(NtStatus s) {
    stage = Stage::finished;
    return AcceptStep{s, spnego && s == status::STATUS_LOGON_FAILURE ? wrap_resp(NegState::reject, false, {}, {})
                                                                       : Bytes{}};
  }

  AcceptStep step(ByteView in) {
    if (stage == Stage::finished) return AcceptStep{status::STATUS_INVALID_PARAMETER, {}};
    if (in.empty()) {
      if (stage != Stage::initial) return fail(status::STATUS_INVALID_PARAMETER);
      // No token yet: offer the mechanisms, as the NEGOTIATE response would (MS-SMB2 3.3.5.5.3 lets
      // the server return a token the client feeds to its GSS layer).
      return AcceptStep{status::STATUS_MORE_PROCESSING_REQUIRED, negotiate_response_token()};
    }

    ByteView raw;
    std::optional<Bytes> client_mech_list_mic;
    std::optional<Bytes> inner_holder;
    if (is_ntlmssp(in)) {
      // Raw NTLMSSP is only acceptable if the exchange started raw.
      if (stage == Stage::initial) spnego = false;
      if (spnego) return fail(status::STATUS_INVALID_PARAMETER);
      raw = in;
    } else if (!spnego) {
      return fail(status::STATUS_INVALID_PARAMETER);
    } else if (in[0] == 0x60) {
      if (stage != Stage::initial) return fail(status::STATUS_INVALID_PARAMETER);
      auto init = decode_neg_token_init(in);
      if (!init) return fail(status::STATUS_INVALID_PARAMETER);
      if (!has_mech(init->mech_types, ntlmssp_oid())) return fail(status::STATUS_LOGON_FAILURE);
      mech_types_der = init->mech_types_der;
      client_mech_list_mic = init->mech_list_mic;
      if (init->mech_types[0] != ntlmssp_oid() || !init->mech_token) {
        // RFC 4178 5: the optimistic token is for another mech (e.g. Kerberos) or absent: select
        // NTLMSSP and wait for its first token.
        stage = Stage::expect_negotiate;
        return AcceptStep{status::STATUS_MORE_PROCESSING_REQUIRED,
                          wrap_resp(NegState::accept_incomplete, true, {}, {})};
      }
      inner_holder = std::move(*init->mech_token);
      raw = *inner_holder;
    } else if (in[0] == 0xA1) {
      if (stage == Stage::initial) return fail(status::STATUS_INVALID_PARAMETER);
      auto resp = decode_neg_token_resp(in);
      if (!resp) return fail(status::STATUS_INVALID_PARAMETER);
      if (resp->neg_state == NegState::reject) return fail(status::STATUS_LOGON_FAILURE);
      if (!resp->response_token) return fail(status::STATUS_INVALID_PARAMETER);
      client_mech_list_mic = resp->mech_list_mic;
      inner_holder = std::move(*resp->response_token);
      raw = *inner_holder;
    } else {
      return fail(status::STATUS_INVALID_PARAMETER);
    }

    switch (message_type(raw)) {
      case 1:
        if (stage != Stage::initial && stage != Stage::expect_negotiate) return fail(status::STATUS_INVALID_PARAMETER);
        return on_negotiate(raw);
      case 3:
        if (stage != Stage::expect_authenticate) return fail(status::STATUS_INVALID_PARAMETER);
        return on_authenticate(raw, client_mech_list_mic);
      default:
        return fail(status::STATUS_INVALID_PARAMETER);
    }
  }

  // MS-NLMP 3.2.5.1.1: server receives NEGOTIATE_MESSAGE, answers CHALLENGE_MESSAGE.
  AcceptStep on_negotiate(ByteView raw) {
    auto neg = decode_negotiate(raw);
    if (!neg) return fail(status::STATUS_INVALID_PARAMETER);
    negotiate_msg.assign(raw.begin(), raw.end());

    ChallengeMessage ch;
    std::uint32_t f = NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_TARGET_TYPE_SERVER | NTLMSSP_NEGOTIATE_TARGET_INFO;
    // 3.2.5.1.1: UNICODE if the client offers it, else OEM.
    f |= (neg->negotiate_flags & NTLMSSP_NEGOTIATE_UNICODE) ? NTLMSSP_NEGOTIATE_UNICODE : NTLM_NEGOTIATE_OEM;
    if (neg->negotiate_flags & NTLMSSP_REQUEST_TARGET) f |= NTLMSSP_REQUEST_TARGET;
    f |= neg->negotiate_flags & kNegotiableFlags;
    ch.negotiate_flags = f;
    ch.target_name = cfg.netbios_computer;
    server_challenge = cfg.fixed_server_challenge ? *cfg.fixed_server_challenge : [] {
      std::array<std::uint8_t, 8> c{};
      Bytes r = crypto::random_bytes(8);
      std::copy(r.begin(), r.end(), c.begin());
      return c;
    }();
    ch.server_challenge = server_challenge;
    // 3.2.5.1.1 TargetInfo; MsvAvTimestamp makes NTLMv2 clients send a MIC (3.1.5.1.2).
    auto name = [](const std::string& s) { return wire::utf16le_from_utf8(s); };
    Bytes ts;
    wire::Writer(ts).u64(filetime_now());
    ch.target_info = {{MsvAvNbDomainName, name(cfg.netbios_domain)},
                      {MsvAvNbComputerName, name(cfg.netbios_computer)},
                      {MsvAvDnsDomainName, name(cfg.dns_domain)},
                      {MsvAvDnsComputerName, name(cfg.dns_computer)},
                      {MsvAvTimestamp, ts}};
    ch.version = Version{};
    challenge_flags = f;
    challenge_msg = encode(ch);
    stage = Stage::expect_authenticate;
    if (!spnego) return AcceptStep{status::STATUS_MORE_PROCESSING_REQUIRED, challenge_msg};
    return AcceptStep{status::STATUS_MORE_PROCESSING_REQUIRED,
                      wrap_resp(NegState::accept_incomplete, true, challenge_msg, {})};
  }

  const std::string* find_password(const std::string& user) const {
    const std::string up = uppercase(user);
    for (const auto& [name, pw] : cfg.users)
      if (uppercase(name) == up) return &pw;
    return nullptr;
  }

  AcceptStep success(AuthResult r, std::optional<Bytes> server_mic) {
    stage = Stage::finished;
    result = std::move(r);
    if (!spnego) return AcceptStep{status::STATUS_SUCCESS, {}};
    return AcceptStep{status::STATUS_SUCCESS, wrap_resp(NegState::accept_completed, false, {}, std::move(server_mic))};
  }

  // MS-NLMP 3.2.5.1.2: server receives AUTHENTICATE_MESSAGE.
  AcceptStep on_authenticate(ByteView raw, const std::optional<Bytes>& client_mech_list_mic) {
    auto auth = decode_authenticate(raw);
    if (!auth) return fail(status::STATUS_INVALID_PARAMETER);

    // Anonymous (3.2.5.1.2, 3.3.2): empty user name, empty NtChallengeResponse, LM empty or Z(1).
    const bool lm_null = auth->lm_challenge_response.empty() ||
                         (auth->lm_challenge_response.size() == 1 && auth->lm_challenge_response[0] == 0);
    if (auth->user_name.empty() && auth->nt_challenge_response.empty() && lm_null) {
      if (!cfg.allow_anonymous) return fail(status::STATUS_LOGON_FAILURE);
      AuthResult r;
      r.is_anonymous = true;
      return success(std::move(r), {});
    }

    const std::string* password = find_password(auth->user_name);
    if (password == nullptr) {
      // Unknown account: a guest session when configured (Samba's "map to guest = bad user").
      if (!cfg.allow_guest) return fail(status::STATUS_LOGON_FAILURE);
      AuthResult r;
      r.user = "guest";
      r.domain = cfg.netbios_domain;
      r.is_guest = true;
      return success(std::move(r), {});
    }

    // NTLMv1 (24-byte NtChallengeResponse, 2.2.2.6) is refused; NTLMv2 needs NTProofStr + blob header.
    const Bytes& nt = auth->nt_challenge_response;
    if (nt.size() < 16 + kClientChallengeHeader) return fail(status::STATUS_LOGON_FAILURE);
    const ByteView proof = ByteView(nt).first(16);
    const ByteView temp = ByteView(nt).subspan(16);

    // 3.3.2 with UserDom as sent; then the fall-backs Samba uses for standalone servers.
    std::vector<std::string> domains{auth->domain_name, uppercase(auth->domain_name), "", cfg.netbios_domain,
                                     cfg.netbios_computer};
    const Bytes nt_hash = ntowf_v1(*password);
    std::optional<Bytes> base_key;
    for (std::size_t i = 0; i < domains.size() && !base_key; ++i) {
      if (std::find(domains.begin(), domains.begin() + i, domains[i]) != domains.begin() + i) continue;
      Bytes key_nt = ntowf_v2_from_hash(nt_hash, auth->user_name, domains[i]);
      Bytes expect = nt_proof_str(key_nt, server_challenge, temp);
      if (crypto::constant_time_equal(expect, proof)) base_key = session_base_key(key_nt, proof);
    }
    if (!base_key) return fail(status::STATUS_LOGON_FAILURE);

    // 3.4.5.1 KXKEY: NTLMv2 -> KeyExchangeKey = SessionBaseKey. 3.2.5.1.2: with KEY_EXCH,
    // ExportedSessionKey = RC4K(KeyExchangeKey, EncryptedRandomSessionKey).
    const std::uint32_t flags = auth->negotiate_flags & challenge_flags;
    Bytes exported = *base_key;
    if ((flags & NTLMSSP_NEGOTIATE_KEY_EXCH) && auth->encrypted_random_session_key.size() == 16)
      exported = crypto::rc4(*base_key, auth->encrypted_random_session_key);

    // MIC (3.2.5.1.2): required when the client's MsvAvFlags says it is present.
    auto pairs = decode_av_pairs(temp.subspan(kClientChallengeHeader));
    if (!pairs) return fail(status::STATUS_LOGON_FAILURE);
    if (const AvPair* fl = find_av(*pairs, MsvAvFlags); fl && fl->value.size() >= 4) {
      wire::Reader r(fl->value);
      if (r.u32() & kAvFlagMicPresent) {
        if (!auth->mic) return fail(status::STATUS_LOGON_FAILURE);
        Bytes mic = ntlm_mic(exported, negotiate_msg, challenge_msg, raw);
        if (!crypto::constant_time_equal(mic, *auth->mic)) return fail(status::STATUS_LOGON_FAILURE);
        ntlm_mic_used = true;
      }
    }

    // RFC 4178 5 / MS-SPNG 3.3.5.1: verify the client's mechListMIC and answer with ours. Only the
    // extended-session-security MAC (3.4.4.2) is implemented; without it no mechListMIC is exchanged.
    std::optional<Bytes> server_mic;
    if (spnego && client_mech_list_mic && (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
      MacState client_mac(exported, flags, /*client_to_server=*/true);
      if (!client_mac.verify_mic(mech_types_der, *client_mech_list_mic)) return fail(status::STATUS_LOGON_FAILURE);
      MacState server_mac(exported, flags, /*client_to_server=*/false);
      server_mic = server_mac.get_mic(mech_types_der);
    }

    AuthResult r;
    r.user = auth->user_name;
    for (const auto& [name, pw] : cfg.users)
      if (uppercase(name) == uppercase(auth->user_name)) r.user = name;
    r.domain = auth->domain_name;
    r.session_key = std::move(exported);
    return success(std::move(r), std::move(server_mic));
  }
};

Acceptor::Acceptor(const AcceptorConfig& config) : impl_(std::make_unique<Impl>()) { impl_->cfg = config; }
Acceptor::~Acceptor() = default;
Acceptor::Acceptor(Acceptor&&) noexcept = default;
Acceptor& Acceptor::operator=(Acceptor&&) noexcept = default;
AcceptStep Acceptor::step(ByteView in_token) { return impl_->step(in_token); }
const std::optional<AuthResult>& Acceptor::result() const { return impl_->result; }

Bytes negotiate_response_token() {
  NegTokenInit t;
  t.mech_types = {ntlmssp_oid()};
  t.hint_name = kHintName;
  return encode(t);
}

// ================================================================================================
// Initiator
// ================================================================================================

namespace {
// What our client asks for (MS-NLMP 3.1.5.1.1); Windows and Samba clients request the same set.
constexpr std::uint32_t kClientFlags =
    NTLMSSP_NEGOTIATE_UNICODE | NTLM_NEGOTIATE_OEM | NTLMSSP_REQUEST_TARGET | NTLMSSP_NEGOTIATE_SIGN |
    NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
    NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_VERSION | NTLMSSP_NEGOTIATE_128 |
    NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_56;
}  // namespace

struct Initiator::Impl {
  enum class Stage { start, sent_negotiate, sent_authenticate, complete };
  Credentials creds;
  Stage stage = Stage::start;
  bool spnego = true;
  Bytes negotiate_msg;
  Bytes mech_types_der;
  Bytes session_key;
  std::uint32_t flags = 0;
  bool sent_mech_list_mic = false;

  Bytes initial_token() {
    NegotiateMessage neg;
    neg.negotiate_flags = kClientFlags;
    neg.version = Version{};
    negotiate_msg = encode(neg);
    NegTokenInit init;
    init.mech_types = {ntlmssp_oid()};
    init.mech_token = negotiate_msg;
    mech_types_der = encode_mech_type_list(init.mech_types);
    stage = Stage::sent_negotiate;
    return encode(init);
  }

  Result<Bytes> on_challenge(ByteView token) {
    ByteView raw = token;
    Bytes holder;
    if (is_ntlmssp(token)) {
      spnego = false;
    } else {
      auto resp = decode_neg_token_resp(token);
      if (!resp) return resp.error();
      if (resp->neg_state == NegState::reject) return errc::unsupported;
      if (resp->supported_mech && *resp->supported_mech != ntlmssp_oid()) return errc::unsupported;
      if (!resp->response_token) return errc::bad_asn1;
      holder = std::move(*resp->response_token);
      raw = holder;
    }
    auto ch = decode_challenge(raw);
    if (!ch) return ch.error();

    const bool anonymous = creds.user.empty();
    AuthenticateMessage auth;
    flags = ch->negotiate_flags & (kClientFlags | NTLMSSP_TARGET_TYPE_SERVER | NTLMSSP_TARGET_TYPE_DOMAIN |
                                   NTLMSSP_NEGOTIATE_TARGET_INFO);
    if (!(flags & NTLMSSP_NEGOTIATE_UNICODE)) flags |= (ch->negotiate_flags & NTLM_NEGOTIATE_OEM);
    auth.version = Version{};
    auth.domain_name = creds.domain;
    auth.user_name = creds.user;
    auth.workstation = creds.workstation;

    bool use_mic = false;
    if (anonymous) {
      // 3.1.5.1.2 / 3.3.2: anonymous -> NtChallengeResponse empty, LmChallengeResponse Z(1), no key.
      flags = (flags | NTLMSSP_ANONYMOUS) & ~NTLMSSP_NEGOTIATE_KEY_EXCH;
      auth.domain_name.clear();
      auth.lm_challenge_response = Bytes(1, 0);
      session_key.clear();
    } else {
      // 3.1.5.1.2: Time from MsvAvTimestamp when present, and then a MIC.
      std::uint64_t time = filetime_now();
      std::vector<AvPair> pairs = ch->target_info;
      if (const AvPair* ts = find_av(pairs, MsvAvTimestamp); ts && ts->value.size() == 8) {
        wire::Reader r(ts->value);
        time = r.u64();
        use_mic = true;
        std::uint32_t av_flags = kAvFlagMicPresent;
        auto it = std::find_if(pairs.begin(), pairs.end(), [](const AvPair& p) { return p.id == MsvAvFlags; });
        if (it != pairs.end() && it->value.size() >= 4) {
          wire::Reader fr(it->value);
          av_flags |= fr.u32();
          pairs.erase(it);
        }
        Bytes v;
        wire::Writer(v).u32(av_flags);
        pairs.push_back({MsvAvFlags, v});
        // No channel binding on SMB: an all-zero MsvAvChannelBindings, as Windows and Samba send.
        if (!find_av(pairs, MsvAvChannelBindings)) pairs.push_back({MsvAvChannelBindings, Bytes(16, 0)});
      }
      const Bytes client_challenge = crypto::random_bytes(8);
      const Bytes key_nt = ntowf_v2(creds.password, creds.user, creds.domain);
      const Bytes temp = ntlmv2_client_blob(time, client_challenge, encode_av_pairs(pairs));
      const Bytes proof = nt_proof_str(key_nt, ch->server_challenge, temp);
      auth.nt_challenge_response = proof;
      auth.nt_challenge_response.insert(auth.nt_challenge_response.end(), temp.begin(), temp.end());
      // 3.3.2: with MsvAvTimestamp the LmChallengeResponse is Z(24); otherwise LMv2.
      auth.lm_challenge_response =
          use_mic ? Bytes(24, 0) : lmv2_response(key_nt, ch->server_challenge, client_challenge);
      const Bytes base = session_base_key(key_nt, proof);
      if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
        session_key = crypto::random_bytes(16);
        auth.encrypted_random_session_key = crypto::rc4(base, session_key);
      } else {
        session_key = base;
      }
    }
    auth.negotiate_flags = flags;
    Bytes auth_msg = encode(auth, /*reserve_mic=*/true);
    if (use_mic) {
      Bytes chal_raw(raw.begin(), raw.end());
      Bytes mic = ntlm_mic(session_key, negotiate_msg, chal_raw, auth_msg);
      std::copy(mic.begin(), mic.end(), auth_msg.begin() + kMicOffset);
    }
    stage = Stage::sent_authenticate;
    if (!spnego) return auth_msg;
    std::optional<Bytes> mech_mic;
    if (use_mic && (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
      MacState mac(session_key, flags, /*client_to_server=*/true);
      mech_mic = mac.get_mic(mech_types_der);
      sent_mech_list_mic = true;
    }
    NegTokenResp r;
    r.response_token = std::move(auth_msg);
    r.mech_list_mic = std::move(mech_mic);
    return encode(r);
  }

  Result<Bytes> on_final(ByteView token) {
    if (!spnego || token.empty()) {
      stage = Stage::complete;
      return Bytes{};
    }
    auto resp = decode_neg_token_resp(token);
    if (!resp) return resp.error();
    if (resp->neg_state && *resp->neg_state != NegState::accept_completed) return errc::unsupported;
    if (resp->mech_list_mic && !session_key.empty() && (flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
      MacState mac(session_key, flags, /*client_to_server=*/false);
      if (!mac.verify_mic(mech_types_der, *resp->mech_list_mic)) return errc::bad_value;
    }
    stage = Stage::complete;
    return Bytes{};
  }
};

Initiator::Initiator(Credentials creds) : impl_(std::make_unique<Impl>()) { impl_->creds = std::move(creds); }
Initiator::~Initiator() = default;
Initiator::Initiator(Initiator&&) noexcept = default;
Initiator& Initiator::operator=(Initiator&&) noexcept = default;
Bytes Initiator::initial_token() { return impl_->initial_token(); }
Result<Bytes> Initiator::step(ByteView server_token) {
  switch (impl_->stage) {
    case Impl::Stage::start:
      return errc::bad_value;
    case Impl::Stage::sent_negotiate:
      return impl_->on_challenge(server_token);
    case Impl::Stage::sent_authenticate:
      return impl_->on_final(server_token);
    case Impl::Stage::complete:
      return errc::bad_value;
  }
  return errc::bad_value;
}
const Bytes& Initiator::session_key() const { return impl_->session_key; }
bool Initiator::complete() const { return impl_->stage == Impl::Stage::complete; }

}  // namespace smb::security
