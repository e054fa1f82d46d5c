// Error codes of the harness transport, client and control channel (std::error_code values, no exceptions).
#pragma once

#include <system_error>

namespace smb::harness {

/** Why a harness I/O operation did not produce a value. */
enum class errc {
  timeout = 1,         ///< the deadline passed before the operation completed
  closed,              ///< the peer closed the connection (EOF / reset)
  connect_failed,      ///< TCP or Unix-socket connect refused / unreachable
  io_error,            ///< send/recv failed with an OS error
  bad_frame,           ///< the peer sent a Direct TCP frame we cannot parse
  bad_response,        ///< a response that does not decode or does not fit the exchange
  bad_signature,       ///< a signed response whose signature does not verify
  auth_failed,         ///< SESSION_SETUP ended with an error status
  negotiate_failed,    ///< NEGOTIATE ended with an error status
  tree_connect_failed, ///< TREE_CONNECT ended with an error status
  control_error,       ///< the reference server's control channel answered "ok": false or garbage
  not_connected,       ///< operation on a closed client
};

const std::error_category& harness_category() noexcept;
std::error_code make_error_code(errc e) noexcept;

}  // namespace smb::harness

template <>
struct std::is_error_code_enum<smb::harness::errc> : std::true_type {};
