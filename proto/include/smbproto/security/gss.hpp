// Authentication as real SMB peers do it: SPNEGO (RFC 4178) wrapping NTLMSSP (MS-NLMP) with NTLMv2,
// plus anonymous and guest. Pure computation: the SMB layers pass security buffers in and out.
#pragma once

#include <array>
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
  bool allow_guest = false;                  ///< unknown user -> guest session (wrong password never is)
  bool allow_anonymous = true;               ///< empty user + empty NT response -> anonymous (IS_NULL) session
  std::string netbios_domain = "SMBCONFORM";
  std::string netbios_computer = "SMBCONFORM";
  std::string dns_domain = "smbconform.local";
  std::string dns_computer = "smbconform.smbconform.local";
  /** Tests and reproducible captures only: use this ServerChallenge instead of 8 random bytes. */
  std::optional<std::array<std::uint8_t, 8>> fixed_server_challenge;
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
  /**
   * Consumes one SESSION_SETUP security buffer and returns the status and the buffer to send back:
   * STATUS_MORE_PROCESSING_REQUIRED (NEGOTIATE -> CHALLENGE leg), STATUS_SUCCESS (result() is set),
   * STATUS_LOGON_FAILURE (bad password, unknown user without guest, NTLMv1, bad MIC / mechListMIC,
   * no NTLMSSP among the offered mechs), STATUS_INVALID_PARAMETER (malformed DER or NTLMSSP, or a
   * token out of sequence). An empty first buffer is answered with the NegTokenInit2 hint and
   * STATUS_MORE_PROCESSING_REQUIRED. After SUCCESS or a failure the Acceptor is finished; further
   * calls return STATUS_INVALID_PARAMETER.
   */
  AcceptStep step(wire::ByteView in_token);
  const std::optional<AuthResult>& result() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/** The SPNEGO NegTokenInit2 a server puts in its NEGOTIATE response (advertises NTLMSSP). */
wire::Bytes negotiate_response_token();

/** Client credentials; empty user = anonymous. A guest logon is an unknown user name with any password. */
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
  /**
   * Consumes the server's token. First call: the CHALLENGE (SPNEGO NegTokenResp or raw NTLMSSP);
   * returns the AUTHENTICATE token (with a mechListMIC when the NTLM MIC is used). Optional second
   * call: the server's final token from the STATUS_SUCCESS response (may be empty); checks its
   * mechListMIC when present and returns an empty buffer.
   * Errors: errc::bad_asn1 (malformed DER, missing responseToken), errc::bad_ntlmssp (malformed
   * CHALLENGE), errc::unsupported (server rejected, or chose a mech other than NTLMSSP),
   * errc::bad_value (server mechListMIC does not verify, or step() called after completion).
   */
  Result<wire::Bytes> step(wire::ByteView server_token);
  /** ExportedSessionKey after step() succeeded (16 bytes; empty for anonymous). */
  const wire::Bytes& session_key() const;
  /** True once the final server token was accepted by step(). */
  bool complete() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smb::security
