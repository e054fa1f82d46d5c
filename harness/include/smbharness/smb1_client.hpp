// A synchronous SMB1 (NT LM 0.12, extended security) client connection with deadlines, the SMB1 twin of client.hpp:
// negotiate, authenticate (SPNEGO/NTLMv2), sign (MS-CIFS 3.1.4.1), tree connect, send any request, receive anything.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "smbharness/capture.hpp"
#include "smbharness/client.hpp"
#include "smbharness/transport.hpp"
#include "smbproto/smb1/messages.hpp"
#include "smbproto/security/gss.hpp"

namespace smb::harness {

/** One SMB1 message received from the server (a response, or a server request such as the oplock break). */
struct Smb1Received {
  proto::smb1::Header header;
  /** The decoded blocks: responses for REPLY messages, otherwise the server's request (oplock break). */
  std::optional<proto::smb1::Smb1Response> response;
  std::optional<proto::smb1::Smb1Request> request;
  std::error_code decode_error;  ///< why neither decoded
  wire::Bytes bytes;             ///< the SMB message (no transport prefix)
  enum class Signature { unsigned_, valid, invalid } signature = Signature::unsigned_;
  Clock::time_point at;
};

/** Options of one SMB1 send. */
struct Smb1SendOptions {
  std::optional<bool> sign;              ///< default: sign when signing is active
  bool expects_response = true;          ///< false: a one-way request (bare oplock ack) uses one sequence number
  std::vector<SendOptions::Patch> patches;  ///< applied after signing, offsets from the SMB header
};

/**
 * One SMB1 client connection. Not thread-safe; move-only; every operation takes a deadline. Errors are values
 * (harness::errc); a Status in a response is data. MIDs count up from 1; 0xFFFF is never used (reserved for the
 * server's oplock break, MS-CIFS 2.2.1.6.2).
 */
class Smb1Client {
 public:
  /** Opens TCP. Errors: errc::connect_failed, errc::timeout. */
  static Result<Smb1Client> connect(const std::string& host, std::uint16_t port, Deadline deadline,
                                    CaptureLog* capture = nullptr, const std::string& name = "A");

  /**
   * SMB_COM_NEGOTIATE offering "NT LM 0.12" with extended security (MS-CIFS 2.2.4.52, MS-SMB 2.2.4.5).
   * Errors: errc::negotiate_failed (error status or DialectIndex 0xFFFF), errc::bad_response, transport errors.
   */
  Result<proto::smb1::NegotiateResponse> negotiate(Deadline deadline);
  /**
   * SESSION_SETUP_ANDX legs with SPNEGO/NTLMv2 (MS-SMB 3.2.4.2.4). `require_signing` asks for signing; signing
   * starts after the final leg when either side requires it (MS-CIFS 3.2.4.2.4: the final request is sequence 0,
   * its response 1). Errors: errc::auth_failed (last_status() has the status), errc::bad_signature, errc::bad_response.
   */
  Result<proto::smb1::SessionSetupAndxResponse> session_setup(const Account& account, bool require_signing,
                                                              Deadline deadline);
  /**
   * A second SESSION_SETUP_ANDX on this connection (MS-CIFS: several UIDs per connection). The live UID stays the
   * first one; returns the new UID. Not supported once signing is active. Errors: as session_setup.
   */
  Result<std::uint16_t> add_session(const Account& account, Deadline deadline);
  /** TREE_CONNECT_ANDX to `unc`. Errors: errc::tree_connect_failed, errc::bad_response, transport errors. */
  Result<proto::smb1::TreeConnectAndxResponse> tree_connect(const std::string& unc, Deadline deadline);

  /** Header for a new request: next MID, live UID/TID, our PID, Flags2 UNICODE|NT_STATUS|EXTENDED_SECURITY|LONG_NAMES. */
  proto::smb1::Header make_header(proto::smb1::Command command) const;
  /** Encodes (AndX chain), signs, patches and sends. Returns the MID. Transport errors. */
  Result<std::uint16_t> send(proto::smb1::Header header, const std::vector<proto::smb1::RequestBody>& bodies,
                             const Smb1SendOptions& opts = {});
  /** Raw bytes; `framed` = already carry the stream header. Transport errors. */
  Result<void> send_raw(wire::ByteView bytes, bool framed, Deadline deadline);
  /** The next message from the server, in arrival order. Errors: errc::timeout, errc::closed, errc::bad_frame. */
  Result<Smb1Received> receive(Deadline deadline);
  /** The response to `mid`; other messages are queued for receive(). */
  Result<Smb1Received> wait_for(std::uint16_t mid, Deadline deadline);
  /** Waits until the server closes; true on close. */
  bool wait_closed(Deadline deadline, bool& got_data) { return transport_.wait_closed(deadline, got_data); }

  void close() { transport_.close(); }
  bool is_open() const { return transport_.is_open(); }
  const TcpTransport& transport() const { return transport_; }

  std::uint16_t uid() const { return uid_; }
  std::uint16_t tid() const { return tid_; }
  std::uint32_t pid() const { return pid_; }
  bool signing_active() const { return signing_; }
  NtStatus last_status() const { return last_status_; }
  const proto::smb1::NegotiateResponse& negotiate_response() const { return negotiate_; }
  const wire::Bytes& last_sent() const { return last_sent_; }

 private:
  Result<Smb1Received> exchange(proto::smb1::Header h, const proto::smb1::RequestBody& body, Deadline deadline);
  Smb1Received decode(wire::Bytes bytes);

  TcpTransport transport_;
  std::deque<Smb1Received> queue_;
  std::uint16_t uid_ = 0;
  std::uint16_t tid_ = 0;
  std::uint32_t pid_ = 0x0000FEFF;
  std::uint16_t next_mid_ = 1;
  bool signing_ = false;
  wire::Bytes mac_key_;
  std::uint32_t next_sequence_ = 0;
  /** MID -> sequence number used by the request (its response is signed with + 1). */
  std::map<std::uint16_t, std::uint32_t> sequences_;
  NtStatus last_status_{};
  proto::smb1::NegotiateResponse negotiate_;
  wire::Bytes last_sent_;
};

}  // namespace smb::harness
