// NTLMSSP message codec (MS-NLMP 2.2) and NTLMv2 / extended-session-security computations (3.3.2, 3.4).
#include "smbproto/security/ntlmssp.hpp"

#include <chrono>
#include <cstring>

#include "smbproto/security/detail/crypto.hpp"

namespace smb::security::ntlm {

using proto::errc;
using wire::ByteView;
using wire::Bytes;
namespace crypto = detail;

namespace {

constexpr std::uint8_t kSignature[8] = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};

// Wire form of a string: UTF-16LE when UNICODE is negotiated, else OEM (we treat OEM as 8-bit).
Bytes wire_string(const std::string& s, bool unicode) {
  if (unicode) return wire::utf16le_from_utf8(s);
  return Bytes(s.begin(), s.end());
}

Result<std::string> string_from_wire(ByteView b, bool unicode) {
  if (!unicode) return std::string(b.begin(), b.end());
  auto s = wire::utf8_from_utf16le(b);
  if (!s) return errc::bad_ntlmssp;
  return s;
}

// A payload field (Len, MaxLen, BufferOffset; 2.2.1.1) whose bytes are appended later.
struct PendingField {
  std::size_t at;  // index of the 8-byte field descriptor
  Bytes data;
};

void put_fields(Bytes& out, std::vector<PendingField>& fields) {
  for (auto& f : fields) {
    const auto len = static_cast<std::uint16_t>(f.data.size());
    const auto off = static_cast<std::uint32_t>(out.size());
    wire::Writer w(out);
    w.patch_u16(f.at, len);
    w.patch_u16(f.at + 2, len);
    w.patch_u32(f.at + 4, off);
    out.insert(out.end(), f.data.begin(), f.data.end());
  }
}

void put_version(wire::Writer& w, const Version& v) {
  w.u8(v.product_major);
  w.u8(v.product_minor);
  w.u16(v.product_build);
  w.zeros(3);
  w.u8(v.ntlm_revision);
}

Version read_version(wire::Reader& r) {
  Version v;
  v.product_major = r.u8();
  v.product_minor = r.u8();
  v.product_build = r.u16();
  r.skip(3);
  v.ntlm_revision = r.u8();
  return v;
}

// Reads a (Len, MaxLen, Offset) descriptor at `at` and returns the bytes it names.
Result<ByteView> field_at(ByteView msg, std::size_t at) {
  wire::Reader r(msg, at);
  const std::uint16_t len = r.u16();
  r.u16();  // MaxLen: "SHOULD be set to the value of Len", ignored on receipt
  const std::uint32_t off = r.u32();
  if (!r.ok()) return errc::bad_ntlmssp;
  if (len == 0) return ByteView{};
  if (off > msg.size() || len > msg.size() - off) return errc::bad_ntlmssp;
  return msg.subspan(off, len);
}

// Start offset of a non-empty field, for deciding whether the header has room for VERSION/MIC.
std::size_t field_offset(ByteView msg, std::size_t at) {
  wire::Reader r(msg, at);
  const std::uint16_t len = r.u16();
  r.u16();
  const std::uint32_t off = r.u32();
  return len == 0 ? SIZE_MAX : off;
}

bool check_header(ByteView b, std::uint32_t type, std::size_t min_size) {
  return b.size() >= min_size && is_ntlmssp(b) && message_type(b) == type;
}

}  // namespace

bool is_ntlmssp(ByteView b) { return b.size() >= 12 && std::memcmp(b.data(), kSignature, 8) == 0; }

std::uint32_t message_type(ByteView b) {
  if (!is_ntlmssp(b)) return 0;
  wire::Reader r(b, 8);
  return r.u32();
}

Bytes encode_av_pairs(const std::vector<AvPair>& pairs) {
  Bytes out;
  wire::Writer w(out);
  for (const auto& p : pairs) {
    if (p.id == MsvAvEOL) continue;
    w.u16(p.id);
    w.u16(static_cast<std::uint16_t>(p.value.size()));
    w.bytes(p.value);
  }
  w.u16(MsvAvEOL);
  w.u16(0);
  return out;
}

Result<std::vector<AvPair>> decode_av_pairs(ByteView b) {
  std::vector<AvPair> out;
  wire::Reader r(b);
  while (true) {
    const std::uint16_t id = r.u16();
    const std::uint16_t len = r.u16();
    if (!r.ok()) return errc::bad_ntlmssp;  // ran out before MsvAvEOL
    if (id == MsvAvEOL) return out;
    ByteView v = r.bytes(len);
    if (!r.ok()) return errc::bad_ntlmssp;
    out.push_back(AvPair{id, Bytes(v.begin(), v.end())});
  }
}

const AvPair* find_av(const std::vector<AvPair>& pairs, std::uint16_t id) {
  for (const auto& p : pairs)
    if (p.id == id) return &p;
  return nullptr;
}

// ---- NEGOTIATE_MESSAGE (2.2.1.1) -------------------------------------------------------------

Bytes encode(const NegotiateMessage& m) {
  Bytes out;
  wire::Writer w(out);
  w.bytes(ByteView(kSignature, 8));                     // 0x00 Signature
  w.u32(1);                                             // 0x08 MessageType
  w.u32(m.negotiate_flags);                             // 0x0C NegotiateFlags
  std::vector<PendingField> fields;
  fields.push_back({w.index(), Bytes(m.domain_name.begin(), m.domain_name.end())});
  w.zeros(8);                                           // 0x10 DomainNameFields
  fields.push_back({w.index(), Bytes(m.workstation.begin(), m.workstation.end())});
  w.zeros(8);                                           // 0x18 WorkstationFields
  if (m.version) put_version(w, *m.version);            // 0x20 Version
  else w.zeros(8);
  put_fields(out, fields);                              // 0x28 Payload
  return out;
}

Result<NegotiateMessage> decode_negotiate(ByteView b) {
  // Some old clients send only the first 16 bytes; everything after NegotiateFlags is optional.
  if (!check_header(b, 1, 16)) return errc::bad_ntlmssp;
  NegotiateMessage m;
  wire::Reader r(b, 12);
  m.negotiate_flags = r.u32();
  if (b.size() >= 32) {
    if (m.negotiate_flags & NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED) {
      auto d = field_at(b, 0x10);
      if (!d) return d.error();
      m.domain_name.assign(d->begin(), d->end());
    }
    if (m.negotiate_flags & NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED) {
      auto d = field_at(b, 0x18);
      if (!d) return d.error();
      m.workstation.assign(d->begin(), d->end());
    }
  }
  if ((m.negotiate_flags & NTLMSSP_NEGOTIATE_VERSION) && b.size() >= 40) {
    wire::Reader v(b, 0x20);
    m.version = read_version(v);
  }
  return m;
}

// ---- CHALLENGE_MESSAGE (2.2.1.2) -------------------------------------------------------------

Bytes encode(const ChallengeMessage& m) {
  const bool unicode = (m.negotiate_flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
  Bytes out;
  wire::Writer w(out);
  std::vector<PendingField> fields;
  w.bytes(ByteView(kSignature, 8));                     // 0x00 Signature
  w.u32(2);                                             // 0x08 MessageType
  fields.push_back({w.index(), wire_string(m.target_name, unicode)});
  w.zeros(8);                                           // 0x0C TargetNameFields
  w.u32(m.negotiate_flags);                             // 0x14 NegotiateFlags
  w.array(m.server_challenge);                          // 0x18 ServerChallenge
  w.zeros(8);                                           // 0x20 Reserved
  fields.push_back({w.index(), m.target_info.empty() && !(m.negotiate_flags & NTLMSSP_NEGOTIATE_TARGET_INFO)
                                   ? Bytes{}
                                   : encode_av_pairs(m.target_info)});
  w.zeros(8);                                           // 0x28 TargetInfoFields
  put_version(w, m.version.value_or(Version{}));        // 0x30 Version
  put_fields(out, fields);                              // 0x38 Payload
  return out;
}

Result<ChallengeMessage> decode_challenge(ByteView b) {
  if (!check_header(b, 2, 32)) return errc::bad_ntlmssp;
  ChallengeMessage m;
  wire::Reader r(b, 0x14);
  m.negotiate_flags = r.u32();
  m.server_challenge = r.array<8>();
  const bool unicode = (m.negotiate_flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
  auto tn = field_at(b, 0x0C);
  if (!tn) return tn.error();
  auto name = string_from_wire(*tn, unicode);
  if (!name) return name.error();
  m.target_name = std::move(*name);
  if (b.size() >= 48) {
    auto ti = field_at(b, 0x28);
    if (!ti) return ti.error();
    m.target_info_raw.assign(ti->begin(), ti->end());
    if (!ti->empty()) {
      auto pairs = decode_av_pairs(*ti);
      if (!pairs) return pairs.error();
      m.target_info = std::move(*pairs);
    }
  }
  if ((m.negotiate_flags & NTLMSSP_NEGOTIATE_VERSION) && b.size() >= 56) {
    wire::Reader v(b, 0x30);
    m.version = read_version(v);
  }
  return m;
}

// ---- AUTHENTICATE_MESSAGE (2.2.1.3) ----------------------------------------------------------

Bytes encode(const AuthenticateMessage& m, bool reserve_mic) {
  const bool unicode = (m.negotiate_flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
  Bytes out;
  wire::Writer w(out);
  w.bytes(ByteView(kSignature, 8));                     // 0x00 Signature
  w.u32(3);                                             // 0x08 MessageType
  std::vector<PendingField> lm_nt;
  lm_nt.push_back({w.index(), m.lm_challenge_response});
  w.zeros(8);                                           // 0x0C LmChallengeResponseFields
  lm_nt.push_back({w.index(), m.nt_challenge_response});
  w.zeros(8);                                           // 0x14 NtChallengeResponseFields
  std::vector<PendingField> names;
  names.push_back({w.index(), wire_string(m.domain_name, unicode)});
  w.zeros(8);                                           // 0x1C DomainNameFields
  names.push_back({w.index(), wire_string(m.user_name, unicode)});
  w.zeros(8);                                           // 0x24 UserNameFields
  names.push_back({w.index(), wire_string(m.workstation, unicode)});
  w.zeros(8);                                           // 0x2C WorkstationFields
  PendingField key{w.index(), m.encrypted_random_session_key};
  w.zeros(8);                                           // 0x34 EncryptedRandomSessionKeyFields
  w.u32(m.negotiate_flags);                             // 0x3C NegotiateFlags
  put_version(w, m.version.value_or(Version{}));        // 0x40 Version
  if (m.mic) w.array(*m.mic);                           // 0x48 MIC
  else if (reserve_mic) w.zeros(16);
  // Payload in the order Windows uses: names first, then responses, then the session key.
  put_fields(out, names);
  put_fields(out, lm_nt);
  std::vector<PendingField> k{key};
  put_fields(out, k);
  return out;
}

Result<AuthenticateMessage> decode_authenticate(ByteView b) {
  if (!check_header(b, 3, 64)) return errc::bad_ntlmssp;
  AuthenticateMessage m;
  wire::Reader r(b, 0x3C);
  m.negotiate_flags = r.u32();
  const bool unicode = (m.negotiate_flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
  auto lm = field_at(b, 0x0C);
  auto nt = field_at(b, 0x14);
  auto dom = field_at(b, 0x1C);
  auto user = field_at(b, 0x24);
  auto ws = field_at(b, 0x2C);
  auto key = field_at(b, 0x34);
  for (auto* f : {&lm, &nt, &dom, &user, &ws, &key})
    if (!*f) return f->error();
  m.lm_challenge_response.assign(lm->begin(), lm->end());
  m.nt_challenge_response.assign(nt->begin(), nt->end());
  m.encrypted_random_session_key.assign(key->begin(), key->end());
  auto d = string_from_wire(*dom, unicode);
  auto u = string_from_wire(*user, unicode);
  auto w = string_from_wire(*ws, unicode);
  if (!d || !u || !w) return errc::bad_ntlmssp;
  m.domain_name = std::move(*d);
  m.user_name = std::move(*u);
  m.workstation = std::move(*w);
  // The header is 64 bytes, then VERSION (8) and MIC (16) when the payload starts late enough.
  std::size_t payload = b.size();
  for (std::size_t at : {0x0C, 0x14, 0x1C, 0x24, 0x2C, 0x34}) payload = std::min(payload, field_offset(b, at));
  if (payload >= 72) {
    wire::Reader v(b, 0x40);
    m.version = read_version(v);
  }
  if (payload >= 88) {
    wire::Reader mr(b, 0x48);
    m.mic = mr.array<16>();
  }
  return m;
}

// ---- computations ----------------------------------------------------------------------------

std::string uppercase(const std::string& s) {
  // Latin-1 supplement letters are 2-byte UTF-8 sequences C3 A0..C3 BE (except C3 B7, division sign).
  std::string out = s;
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c >= 'a' && c <= 'z') {
      out[i] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && i + 1 < out.size()) {
      auto n = static_cast<unsigned char>(out[i + 1]);
      if (n >= 0xA0 && n <= 0xBE && n != 0xB7) out[i + 1] = static_cast<char>(n - 0x20);
      ++i;
    }
  }
  return out;
}

Bytes ntowf_v1(const std::string& password) { return crypto::md4({wire::utf16le_from_utf8(password)}); }

Bytes ntowf_v2_from_hash(ByteView nt_hash, const std::string& user, const std::string& domain) {
  return crypto::hmac_md5(nt_hash, {wire::utf16le_from_utf8(uppercase(user) + domain)});
}

Bytes ntowf_v2(const std::string& password, const std::string& user, const std::string& domain) {
  return ntowf_v2_from_hash(ntowf_v1(password), user, domain);
}

Bytes ntlmv2_client_blob(std::uint64_t time, ByteView client_challenge, ByteView av_pairs) {
  Bytes out;
  wire::Writer w(out);
  w.u8(1);               // Responserversion (RespType)
  w.u8(1);               // HiResponserversion (HiRespType)
  w.zeros(6);            // Z(6): Reserved1, Reserved2
  w.u64(time);           // TimeStamp
  w.bytes(client_challenge);
  w.zeros(4);            // Reserved3
  w.bytes(av_pairs);     // ServerName: the AV pairs, MsvAvEOL included
  w.zeros(4);            // Z(4)
  return out;
}

Bytes nt_proof_str(ByteView response_key_nt, ByteView server_challenge, ByteView temp) {
  return crypto::hmac_md5(response_key_nt, {server_challenge, temp});
}

Bytes lmv2_response(ByteView response_key_lm, ByteView server_challenge, ByteView client_challenge) {
  Bytes out = crypto::hmac_md5(response_key_lm, {server_challenge, client_challenge});
  out.insert(out.end(), client_challenge.begin(), client_challenge.end());
  return out;
}

Bytes session_base_key(ByteView response_key_nt, ByteView nt_proof) {
  return crypto::hmac_md5(response_key_nt, {nt_proof});
}

namespace {
// The magic constants of 3.4.5.2 / 3.4.5.3, NUL terminator included.
constexpr char kC2SSign[] = "session key to client-to-server signing key magic constant";
constexpr char kS2CSign[] = "session key to server-to-client signing key magic constant";
constexpr char kC2SSeal[] = "session key to client-to-server sealing key magic constant";
constexpr char kS2CSeal[] = "session key to server-to-client sealing key magic constant";
ByteView magic(const char* s, std::size_t n) { return ByteView(reinterpret_cast<const std::uint8_t*>(s), n); }
}  // namespace

Bytes sign_key(ByteView key, bool client_to_server) {
  return client_to_server ? crypto::md5({key, magic(kC2SSign, sizeof kC2SSign)})
                          : crypto::md5({key, magic(kS2CSign, sizeof kS2CSign)});
}

Bytes seal_key(ByteView key, std::uint32_t flags, bool client_to_server) {
  ByteView k = key;
  if (!(flags & NTLMSSP_NEGOTIATE_128)) k = key.first(std::min<std::size_t>(key.size(), (flags & NTLMSSP_NEGOTIATE_56) ? 7 : 5));
  return client_to_server ? crypto::md5({k, magic(kC2SSeal, sizeof kC2SSeal)})
                          : crypto::md5({k, magic(kS2CSeal, sizeof kS2CSeal)});
}

struct MacState::Impl {
  Bytes signing_key;
  crypto::Rc4 sealing;
  bool key_exch;
  std::uint32_t seq = 0;
};

MacState::MacState(ByteView key, std::uint32_t flags, bool client_to_server)
    : impl_(std::make_unique<Impl>(Impl{sign_key(key, client_to_server),
                                        crypto::Rc4(seal_key(key, flags, client_to_server)),
                                        (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) != 0})) {}
MacState::~MacState() = default;
MacState::MacState(MacState&&) noexcept = default;
MacState& MacState::operator=(MacState&&) noexcept = default;

Bytes MacState::get_mic(ByteView message) {
  // 3.4.4.2: with extended session security,
  //   Set NTLMSSP_MESSAGE_SIGNATURE.Checksum to HMAC_MD5(SigningKey, ConcatenationOf(SeqNum, Message))[0..7]
  //   If KEY_EXCH: Set Checksum to RC4(Handle, Checksum)
  //   Set SeqNum; SeqNum++
  std::uint8_t seq[4];
  for (int i = 0; i < 4; ++i) seq[i] = static_cast<std::uint8_t>(impl_->seq >> (8 * i));
  Bytes mac = crypto::hmac_md5(impl_->signing_key, {ByteView(seq, 4), message});
  mac.resize(8);
  if (impl_->key_exch) impl_->sealing.apply(mac);
  Bytes sig{1, 0, 0, 0};  // Version
  sig.insert(sig.end(), mac.begin(), mac.end());
  sig.insert(sig.end(), seq, seq + 4);
  ++impl_->seq;
  return sig;
}

bool MacState::verify_mic(ByteView message, ByteView signature) {
  Bytes expect = get_mic(message);
  return crypto::constant_time_equal(expect, signature);
}

std::uint64_t filetime_now() {
  using namespace std::chrono;
  const auto since_unix = duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count() / 100;
  return static_cast<std::uint64_t>(since_unix) + 116444736000000000ull;  // 1601 -> 1970 in 100 ns ticks
}

}  // namespace smb::security::ntlm
