// NTLMSSP messages (MS-NLMP 2.2.1.1-2.2.1.3, 2.2.2.1 AV_PAIR) and the NTLMv2 computations (3.3.2, 3.4.4-3.4.5).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::security::ntlm {

// MS-NLMP 2.2.2.5 NEGOTIATE flags.
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_UNICODE = 0x00000001;
inline constexpr std::uint32_t NTLM_NEGOTIATE_OEM = 0x00000002;
inline constexpr std::uint32_t NTLMSSP_REQUEST_TARGET = 0x00000004;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_SIGN = 0x00000010;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_SEAL = 0x00000020;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_DATAGRAM = 0x00000040;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_LM_KEY = 0x00000080;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_NTLM = 0x00000200;
inline constexpr std::uint32_t NTLMSSP_ANONYMOUS = 0x00000800;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED = 0x00001000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED = 0x00002000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_ALWAYS_SIGN = 0x00008000;
inline constexpr std::uint32_t NTLMSSP_TARGET_TYPE_DOMAIN = 0x00010000;
inline constexpr std::uint32_t NTLMSSP_TARGET_TYPE_SERVER = 0x00020000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_IDENTIFY = 0x00100000;
inline constexpr std::uint32_t NTLMSSP_REQUEST_NON_NT_SESSION_KEY = 0x00400000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_TARGET_INFO = 0x00800000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_VERSION = 0x02000000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_128 = 0x20000000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000;
inline constexpr std::uint32_t NTLMSSP_NEGOTIATE_56 = 0x80000000;

// MS-NLMP 2.2.2.1 AvId values.
enum AvId : std::uint16_t {
  MsvAvEOL = 0,
  MsvAvNbComputerName = 1,
  MsvAvNbDomainName = 2,
  MsvAvDnsComputerName = 3,
  MsvAvDnsDomainName = 4,
  MsvAvDnsTreeName = 5,
  MsvAvFlags = 6,
  MsvAvTimestamp = 7,
  MsvAvSingleHost = 8,
  MsvAvTargetName = 9,
  MsvAvChannelBindings = 10,
};
/** MsvAvFlags bit 0x2: "the client is providing message integrity in the MIC field" (2.2.2.1). */
inline constexpr std::uint32_t kAvFlagMicPresent = 0x00000002;

struct AvPair {
  std::uint16_t id = 0;
  wire::Bytes value;
  bool operator==(const AvPair&) const = default;
};
/** Encodes the pairs and appends MsvAvEOL (callers never list EOL). */
wire::Bytes encode_av_pairs(const std::vector<AvPair>& pairs);
/** Decodes up to MsvAvEOL (excluded). Errors: errc::bad_ntlmssp (a pair runs past the end, or no EOL). */
Result<std::vector<AvPair>> decode_av_pairs(wire::ByteView b);
/** First pair with `id`, or nullptr. */
const AvPair* find_av(const std::vector<AvPair>& pairs, std::uint16_t id);

/** MS-NLMP 2.2.2.10 VERSION (8 bytes). */
struct Version {
  std::uint8_t product_major = 6;
  std::uint8_t product_minor = 1;
  std::uint16_t product_build = 0;
  std::uint8_t ntlm_revision = 0x0F;  ///< NTLMSSP_REVISION_W2K3
  bool operator==(const Version&) const = default;
};

/** MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE. */
struct NegotiateMessage {
  std::uint32_t negotiate_flags = 0;
  std::string domain_name;       ///< OEM, only with NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED
  std::string workstation;       ///< OEM, only with NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED
  std::optional<Version> version;
};

/** MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE. */
struct ChallengeMessage {
  std::string target_name;       ///< UTF-16LE on the wire when UNICODE is negotiated
  std::uint32_t negotiate_flags = 0;
  std::array<std::uint8_t, 8> server_challenge{};
  std::vector<AvPair> target_info;
  wire::Bytes target_info_raw;   ///< decode only: the TargetInfo bytes as received
  std::optional<Version> version;
};

/** MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE. Strings are UTF-8 here, UTF-16LE or OEM on the wire. */
struct AuthenticateMessage {
  wire::Bytes lm_challenge_response;
  wire::Bytes nt_challenge_response;
  std::string domain_name;
  std::string user_name;
  std::string workstation;
  wire::Bytes encrypted_random_session_key;
  std::uint32_t negotiate_flags = 0;
  std::optional<Version> version;
  /** The 16-byte MIC at 0x48, when the payload leaves room for it (decode) / when set (encode). */
  std::optional<std::array<std::uint8_t, 16>> mic;
};

/** Signature "NTLMSSP\0" (2.2.1). */
bool is_ntlmssp(wire::ByteView b);
/** MessageType at 0x08, or 0 when `b` is not an NTLMSSP message. */
std::uint32_t message_type(wire::ByteView b);

wire::Bytes encode(const NegotiateMessage& m);
wire::Bytes encode(const ChallengeMessage& m);
/** Encodes with the MIC field at 0x48 (zeros when `m.mic` is unset but `reserve_mic`). */
wire::Bytes encode(const AuthenticateMessage& m, bool reserve_mic = true);
/** Errors: errc::bad_ntlmssp (signature, type, a field outside the message). */
Result<NegotiateMessage> decode_negotiate(wire::ByteView b);
/** Errors: errc::bad_ntlmssp (signature, type, a field outside the message, bad AV pairs, bad UTF-16). */
Result<ChallengeMessage> decode_challenge(wire::ByteView b);
/** Errors: errc::bad_ntlmssp (signature, type, a field outside the message, bad UTF-16). */
Result<AuthenticateMessage> decode_authenticate(wire::ByteView b);

// ---- MS-NLMP 3.3.1 / 3.3.2 / 3.4.5 computations ------------------------------------------------

/** NTOWFv1 = MD4(UNICODE(Passwd)) (3.3.1). */
wire::Bytes ntowf_v1(const std::string& password);
/** NTOWFv2 = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(ConcatenationOf(Uppercase(User), UserDom))) (3.3.2). */
wire::Bytes ntowf_v2(const std::string& password, const std::string& user, const std::string& domain);
/** Same, from an NT hash (NTOWFv1) instead of the password. */
wire::Bytes ntowf_v2_from_hash(wire::ByteView nt_hash, const std::string& user, const std::string& domain);

/**
 * temp of 3.3.2: ConcatenationOf(Responserversion 1, HiResponserversion 1, Z(6), Time, ClientChallenge,
 * Z(4), ServerName (AV pairs incl. EOL), Z(4)) — i.e. NTLMv2_CLIENT_CHALLENGE (2.2.2.7) plus 4 zero bytes.
 */
wire::Bytes ntlmv2_client_blob(std::uint64_t time, wire::ByteView client_challenge, wire::ByteView av_pairs);
/** NTProofStr = HMAC_MD5(ResponseKeyNT, ConcatenationOf(CHALLENGE_MESSAGE.ServerChallenge, temp)) (3.3.2). */
wire::Bytes nt_proof_str(wire::ByteView response_key_nt, wire::ByteView server_challenge, wire::ByteView temp);
/** LMv2 response: HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge (3.3.2). */
wire::Bytes lmv2_response(wire::ByteView response_key_lm, wire::ByteView server_challenge,
                          wire::ByteView client_challenge);
/** SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr) (3.3.2); for NTLMv2 KeyExchangeKey = SessionBaseKey (3.4.5.1). */
wire::Bytes session_base_key(wire::ByteView response_key_nt, wire::ByteView nt_proof);

/** MS-NLMP 3.4.5.2 SIGNKEY with extended session security; `client_to_server` picks the magic constant. */
wire::Bytes sign_key(wire::ByteView exported_session_key, bool client_to_server);
/** MS-NLMP 3.4.5.3 SEALKEY with extended session security (key length from NEGOTIATE_128/56). */
wire::Bytes seal_key(wire::ByteView exported_session_key, std::uint32_t negotiate_flags, bool client_to_server);

/**
 * One direction of NTLM message integrity with extended session security (3.4.4.2 MAC, 3.4.2
 * GSS_GetMIC): signing key, RC4 sealing handle (persisting across messages), sequence number.
 */
class MacState {
 public:
  MacState(wire::ByteView exported_session_key, std::uint32_t negotiate_flags, bool client_to_server);
  ~MacState();
  MacState(MacState&&) noexcept;
  MacState& operator=(MacState&&) noexcept;
  /** The 16-byte NTLMSSP_MESSAGE_SIGNATURE (2.2.2.9.1) of `message`; advances SeqNum. */
  wire::Bytes get_mic(wire::ByteView message);
  /** Checks `signature` against `message`; advances SeqNum either way. */
  bool verify_mic(wire::ByteView message, wire::ByteView signature);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/** 100-ns ticks since 1601-01-01 UTC (FILETIME), for MsvAvTimestamp / the NTLMv2 client blob. */
std::uint64_t filetime_now();

/** Upper-cases ASCII and Latin-1 letters (enough for account names; MS-NLMP Uppercase()). */
std::string uppercase(const std::string& s);

}  // namespace smb::security::ntlm
