// Authentication as real SMB peers do it: SPNEGO (RFC 4178) wrapping NTLMSSP (MS-NLMP) with NTLMv2,
// plus anonymous and guest. Pure computation: the SMB layers pass security buffers in and out.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "smbproto/result.hpp"
#include "smbproto/status.hpp"
#include "smbproto/wire.hpp"

namespace smb::security {

/** Accounts the acceptor knows. User names compare case-insensitively (MS-NLMP 3.3.2). */
struct AcceptorConfig {
  std::map<std::string, std::string> users;  ///< user name -> password
  bool allow_guest = false;                  ///< unknown user or anonymous -> guest session
  std::string netbios_domain = "SMBCONFORM";
  std::string netbios_computer = "SMBCONFORM";
  std::string dns_domain = "smbconform.local";
  std::string dns_computer = "smbconform.smbconform.local";
};

/** What one acceptor step produced. */
struct AcceptStep {
  /** STATUS_MORE_PROCESSING_REQUIRED (send out_token, expect another leg), STATUS_SUCCESS, or
   *  STATUS_LOGON_FAILURE / STATUS_INVALID_PARAMETER (malformed token). */
  NtStatus status;
  wire::Bytes out_token;     ///< security buffer for the SESSION_SETUP response
};

/** Who authenticated, once an Acceptor reached STATUS_SUCCESS. */
struct AuthResult {
  std::string user;                 ///< account name as known to the server ("" for anonymous)
  std::string domain;
  bool is_guest = false;            ///< SMB2_SESSION_FLAG_IS_GUEST
  bool is_anonymous = false;        ///< SMB2_SESSION_FLAG_IS_NULL
  wire::Bytes session_key;          ///< 16 bytes (ExportedSessionKey, MS-NLMP 3.1.5.1.2); empty for anonymous/guest
};

/**
 * Server side of one SESSION_SETUP exchange. Accepts a SPNEGO NegTokenInit / NegTokenResp wrapping
 * NTLMSSP, or a raw NTLMSSP token (some clients omit SPNEGO). NTLMv2 is verified against the
 * configured password (MS-NLMP 3.3.2); NTLMv1 is refused.
 */
class Acceptor {
 public:
  explicit Acceptor(const AcceptorConfig& config);
  ~Acceptor();
  Acceptor(Acceptor&&) noexcept;
  Acceptor& operator=(Acceptor&&) noexcept;
  AcceptStep step(wire::ByteView in_token);
  const std::optional<AuthResult>& result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/** The SPNEGO NegTokenInit2 a server puts in its NEGOTIATE response (advertises NTLMSSP). */
wire::Bytes negotiate_response_token();

/** Client credentials; empty user = anonymous; `guest` asks for a guest logon with any name. */
struct Credentials {
  std::string user;
  std::string password;
  std::string domain;
  std::string workstation = "SMBCONFORM";
};

/** Client side: produces NTLMSSP NEGOTIATE then AUTHENTICATE (NTLMv2), wrapped in SPNEGO. */
class Initiator {
 public:
  explicit Initiator(Credentials creds);
  ~Initiator();
  Initiator(Initiator&&) noexcept;
  Initiator& operator=(Initiator&&) noexcept;
  /** First token (SPNEGO NegTokenInit with NTLMSSP NEGOTIATE). */
  wire::Bytes initial_token();
  /** Consumes the server's challenge token, returns the AUTHENTICATE token. Errors: errc::bad_asn1, errc::bad_ntlmssp. */
  Result<wire::Bytes> step(wire::ByteView server_token);
  /** ExportedSessionKey after step() succeeded (16 bytes; empty for anonymous). */
  const wire::Bytes& session_key() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smb::security
