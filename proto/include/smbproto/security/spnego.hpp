// SPNEGO tokens (RFC 4178, with the NegTokenInit2 extension of MS-SPNG 2.2.1): typed structs and DER encode/decode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::security {

/** DER contents octets of an OBJECT IDENTIFIER (no tag/length), e.g. 2b 06 01 05 05 02 for SPNEGO. */
using Oid = wire::Bytes;

/** 1.3.6.1.5.5.2, SPNEGO (RFC 4178 4.1). */
const Oid& spnego_oid();
/** 1.3.6.1.4.1.311.2.2.10, NTLMSSP (MS-NLMP 1.9). */
const Oid& ntlmssp_oid();
/** 1.2.840.113554.1.2.2, Kerberos 5 (RFC 4121), and 1.2.840.48018.1.2.2, the MS variant (MS-KILE). */
const Oid& kerberos_oid();
const Oid& ms_kerberos_oid();

/**
 * NegTokenInit (RFC 4178 4.2.1) / NegTokenInit2 (MS-SPNG 2.2.1). Carried inside the GSS-API
 * InitialContextToken [APPLICATION 0] { thisMech = SPNEGO OID, [0] NegTokenInit } (RFC 2743 3.1).
 */
struct NegTokenInit {
  std::vector<Oid> mech_types;          ///< [0] MechTypeList
  wire::Bytes mech_types_der;           ///< decode only: the exact MechTypeList DER the MIC covers (RFC 4178 5)
  std::optional<wire::Bytes> req_flags; ///< [1] ContextFlags BIT STRING contents, if present
  std::optional<wire::Bytes> mech_token;     ///< [2] the optimistic token for mech_types[0]
  std::optional<std::string> hint_name;      ///< NegTokenInit2 [3] negHints.hintName
  std::optional<wire::Bytes> mech_list_mic;  ///< [3] (RFC 4178) or [4] (NegTokenInit2)
};

/** RFC 4178 4.2.2 negState. */
enum class NegState : std::uint8_t { accept_completed = 0, accept_incomplete = 1, reject = 2, request_mic = 3 };

/** NegTokenResp (RFC 4178 4.2.2), the [1] alternative of NegotiationToken; not wrapped in [APPLICATION 0]. */
struct NegTokenResp {
  std::optional<NegState> neg_state;         ///< [0]
  std::optional<Oid> supported_mech;         ///< [1]
  std::optional<wire::Bytes> response_token; ///< [2]
  std::optional<wire::Bytes> mech_list_mic;  ///< [3]
};

/** DER of the MechTypeList SEQUENCE OF OID, as both peers feed it to the mechListMIC (RFC 4178 5 and 4.2.1). */
wire::Bytes encode_mech_type_list(const std::vector<Oid>& mechs);

/**
 * Encodes InitialContextToken { SPNEGO OID, [0] NegTokenInit }. Uses the NegTokenInit2 layout
 * (negHints at [3], mechListMIC at [4]) when `hint_name` is set, else RFC 4178's.
 */
wire::Bytes encode(const NegTokenInit& t);
/** Encodes [1] NegTokenResp. */
wire::Bytes encode(const NegTokenResp& t);

/**
 * Decodes InitialContextToken { SPNEGO OID, [0] NegTokenInit(2) }. Accepts both the RFC 4178 and
 * the NegTokenInit2 field layout. Errors: errc::bad_asn1 (any DER error, wrong mech OID, wrong
 * tags, trailing bytes, an empty MechTypeList).
 */
Result<NegTokenInit> decode_neg_token_init(wire::ByteView token);
/** Decodes [1] NegTokenResp. Errors: errc::bad_asn1 (including an unknown negState value). */
Result<NegTokenResp> decode_neg_token_resp(wire::ByteView token);

/** Dotted form of an OID's contents octets, e.g. "1.3.6.1.4.1.311.2.2.10"; "?" if malformed. */
std::string oid_to_string(const Oid& oid);

}  // namespace smb::security
