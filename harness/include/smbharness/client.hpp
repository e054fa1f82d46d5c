// A synchronous SMB2/3 client connection with deadlines: negotiate, authenticate, sign, tree connect, send any
// request and receive whatever comes back. Public API shared by the runner and the Python binding; no CLI concerns.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "smbharness/capture.hpp"
#include "smbharness/transport.hpp"
#include "smbproto/messages.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/security/signing.hpp"

namespace smb::harness {

// MS-SMB2 2.2.3 SecurityMode and Capabilities bits used by the client.
inline constexpr std::uint16_t kSigningEnabled = 0x0001;
inline constexpr std::uint16_t kSigningRequired = 0x0002;
inline constexpr std::uint32_t kDefaultClientCapabilities = 0x0000003F;  // DFS..DIRECTORY_LEASING, no ENCRYPTION
inline constexpr std::uint16_t kSessionFlagIsGuest = 0x0001;             // MS-SMB2 2.2.6
inline constexpr std::uint16_t kSessionFlagIsNull = 0x0002;

/** Every dialect this client can speak, oldest first (MS-SMB2 2.2.3). */
inline const std::vector<std::uint16_t>& all_dialects() {
  static const std::vector<std::uint16_t> d{0x0202, 0x0210, 0x0300, 0x0302, 0x0311};
  return d;
}
/** "3.1.1" -> 0x0311; nullopt for an unknown spelling. */
std::optional<std::uint16_t> dialect_from_string(const std::string& s);
/** 0x0311 -> "3.1.1"; hex for unknown values. */
std::string dialect_to_string(std::uint16_t d);

struct NegotiateOptions {
  std::vector<std::uint16_t> dialects = all_dialects();
  std::uint16_t security_mode = kSigningEnabled;
  std::uint32_t capabilities = kDefaultClientCapabilities;
  /** 3.1.1: SigningAlgorithms offered in the SIGNING_CAPABILITIES context (MS-SMB2 2.2.3.1.7). */
  std::vector<std::uint16_t> signing_algorithms{1, 2, 0};
};

/** How SESSION_SETUP authenticates. */
struct Account {
  enum class Kind { user, guest, anonymous } kind = Kind::user;
  security::Credentials credentials;
};

/** One message received, already split out of its compound chain. */
struct Received {
  proto::Header header;
  std::optional<proto::ResponseBody> body;  ///< nullopt when the body did not decode
  std::error_code decode_error;             ///< why body is nullopt
  wire::Bytes bytes;                        ///< this member's bytes (header first)
  enum class Signature { unsigned_, valid, invalid, unchecked } signature = Signature::unsigned_;
  Clock::time_point at;
};

/** Options of one send. */
struct SendOptions {
  std::optional<bool> sign;          ///< default: sign when the session signs
  bool advance_message_id = true;    ///< false when the caller chose the MessageId
  struct Patch {
    std::size_t offset;
    wire::Bytes bytes;
  };
  std::vector<Patch> patches;        ///< applied after signing, offsets from the SMB2 header
};

/**
 * One client connection. Not thread-safe; move-only. All operations take a deadline and never
 * block past it. Errors are values (harness::errc, proto::errc); an NTSTATUS in a response is data.
 */
class Client {
 public:
  /** Opens TCP. Errors: errc::connect_failed, errc::timeout. */
  static Result<Client> connect(const std::string& host, std::uint16_t port, Deadline deadline,
                                CaptureLog* capture = nullptr, const std::string& name = "A");

  /**
   * NEGOTIATE (MS-SMB2 3.2.4.2.2.2). On 3.1.1 offers PREAUTH_INTEGRITY (SHA-512, 32-byte salt) and
   * SIGNING_CAPABILITIES and starts the preauth hash (3.2.5.2).
   * Errors: errc::negotiate_failed (error status), errc::bad_response, transport errors.
   */
  Result<proto::NegotiateResponse> negotiate(const NegotiateOptions& opts, Deadline deadline);

  /**
   * SESSION_SETUP, as many legs as needed (MS-SMB2 3.2.4.2.3, 3.2.5.3). Derives the session keys
   * (3.2.5.3.1) and decides whether the session signs. Errors: errc::auth_failed (error status;
   * `last_status()` has it), errc::bad_signature (final response signature), errc::bad_response.
   */
  Result<proto::SessionSetupResponse> session_setup(const Account& account, Deadline deadline);

  /** TREE_CONNECT to `unc` ("\\\\host\\share"). Errors: errc::tree_connect_failed, errc::bad_response. */
  Result<proto::TreeConnectResponse> tree_connect(const std::string& unc, Deadline deadline);

  /**
   * Header for a new request: next MessageId, CreditCharge per 3.2.4.1.5 (0 on 2.0.2), CreditRequest,
   * the live SessionId/TreeId. Does not consume the MessageId (send does).
   */
  proto::Header make_header(proto::Command command, std::size_t payload_size = 0) const;

  /** Encodes, signs, patches and sends one request. Returns its MessageId. Transport errors. */
  Result<std::uint64_t> send(proto::Header header, const proto::RequestBody& body, const SendOptions& opts = {});
  /**
   * Sends a compound chain in one frame (MS-SMB2 3.2.4.1.4): pads members to 8 bytes, sets
   * NextCommand, signs each member. Headers must already carry RELATED flags as wanted.
   */
  Result<void> send_compound(std::vector<proto::Header> headers, const std::vector<proto::RequestBody>& bodies,
                             const std::vector<SendOptions>& opts);
  /** Raw bytes; `framed` = already carry the stream header. Transport errors. */
  Result<void> send_raw(wire::ByteView bytes, bool framed, Deadline deadline);
  /** Signs an encoded message in place with the session's key (sets SMB2_FLAGS_SIGNED). */
  void sign_message(std::span<std::uint8_t> message) const;

  /**
   * The next message from the server (responses, interim responses, notifications), in arrival order.
   * Errors: errc::timeout, errc::closed, errc::bad_frame, errc::io_error.
   */
  Result<Received> receive(Deadline deadline);
  /** The final (non-interim) response to `message_id`; other messages are queued for receive(). */
  Result<Received> wait_for(std::uint64_t message_id, Deadline deadline);
  /** Waits until the server closes; true on close, false if a message or the deadline came first. */
  bool wait_closed(Deadline deadline, bool& got_data);

  void close() { transport_.close(); }
  bool is_open() const { return transport_.is_open(); }
  const TcpTransport& transport() const { return transport_; }

  // Live state.
  std::uint16_t dialect() const { return dialect_; }
  std::uint64_t session_id() const { return session_id_; }
  std::uint32_t tree_id() const { return tree_id_; }
  void set_session_id(std::uint64_t s) { session_id_ = s; }
  void set_tree_id(std::uint32_t t) { tree_id_ = t; }
  std::uint64_t next_message_id() const { return next_message_id_; }
  std::uint32_t credits() const { return credits_; }
  bool session_signs() const { return signs_; }
  bool has_signing_key() const { return !keys_.signing_key.empty(); }
  const proto::NegotiateResponse& negotiate_response() const { return negotiate_; }
  std::uint16_t session_flags() const { return session_flags_; }
  NtStatus last_status() const { return last_status_; }
  security::SigningAlgorithm signing_algorithm() const { return signing_alg_; }
  /** Bytes of the last message (or compound chain) sent, without the stream header. */
  const wire::Bytes& last_sent() const { return last_sent_; }

 private:
  Result<Received> exchange(proto::Header h, const proto::RequestBody& body, Deadline deadline,
                            security::PreauthHash* preauth, wire::Bytes* sent_bytes);
  void verify(Received& r) const;
  bool should_sign(std::uint16_t command) const;

  TcpTransport transport_;
  std::deque<Received> queue_;
  std::uint16_t dialect_ = 0;
  std::uint64_t session_id_ = 0;
  std::uint32_t tree_id_ = 0;
  std::uint64_t next_message_id_ = 0;
  std::uint32_t credits_ = 1;
  std::uint16_t client_security_mode_ = kSigningEnabled;
  bool signs_ = false;
  std::uint16_t session_flags_ = 0;
  NtStatus last_status_{};
  proto::NegotiateResponse negotiate_;
  security::SessionKeys keys_;
  security::SigningAlgorithm signing_alg_ = security::SigningAlgorithm::hmac_sha256;
  std::optional<security::PreauthHash> connection_preauth_;
  std::string host_;
  wire::Bytes last_sent_;
};

}  // namespace smb::harness
