// Reference server configuration: listen address, shares, accounts and protocol knobs, from CLI or JSON.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "smbserver/log.hpp"
#include "smbserver/object_store.hpp"

namespace smb::server {

/** Where the control side channel listens: a Unix socket path or 127.0.0.1:PORT. */
struct ControlEndpoint {
  bool is_tcp = false;
  std::string path;               ///< Unix socket path (is_tcp false)
  std::string address;            ///< TCP address (is_tcp true)
  std::uint16_t port = 0;         ///< TCP port; 0 picks a free one
};

/** Everything the server needs to start. Defaults are the documented ones. */
struct ServerConfig {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 445;                ///< 0 picks a free port
  std::vector<ShareConfig> shares;                ///< disk shares; IPC$ is always added as a pipe share
  std::map<std::string, std::string> users;       ///< user name -> password
  bool guest_allowed = false;
  std::optional<ControlEndpoint> control;
  bool smb1_enabled = false;
  /** MS-CIFS 3.3.5.30 <291> Windows quirk: a retried failing SMB1 lock gets STATUS_FILE_LOCK_CONFLICT (smb1.hpp). */
  bool smb1_lock_retry_conflict = false;
  /** W2K/Samba: a zero-length SMB1 WRITE_AND_CLOSE neither truncates nor closes (MS-CIFS 2.2.4.40.1 says both). */
  bool smb1_wac_zero_keeps_open = false;
  /**
   * Samba: SMB_COM_ECHO is answered whatever its TID (smbtorture raw.oplock batch21 sends TID 0). Off: MS-CIFS
   * 3.3.5.33, the TID MUST be valid or 0xFFFF (else ERRSRV/ERRinvtid).
   */
  bool smb1_echo_any_tid = false;
  /**
   * Samba: an SMB1 unlock matching several locks of the same FID+PID+range removes the earliest-granted one (shared
   * or exclusive). Off: MS-FSA 2.1.5.9, an exclusive match is removed before shared ones.
   */
  bool smb1_unlock_oldest_first = false;
  /**
   * Samba: SMB1 LOGOFF_ANDX closes the UID's opens but its tree connects stay valid on the connection (handed to
   * another session of the connection). Off: MS-CIFS 3.3.5.44 / 2.2.4.54, the UID's tree connects are disconnected.
   */
  bool smb1_logoff_keeps_trees = false;
  /**
   * Status of a pending blocking LOCK whose open is closed by SMB2 CLOSE. Default STATUS_CANCELLED (MS-SMB2 3.3.4.17
   * -> 3.3.5.16); opt-in STATUS_RANGE_NOT_LOCKED models Windows/Samba (smbtorture smb2.lock.cancel "cancel by close").
   */
  NtStatus close_pending_lock_status = status::STATUS_CANCELLED;
  std::chrono::milliseconds oplock_timeout{35000};  ///< 3.3.2.1 <217>: Windows waits 35 s
  bool signing_required = false;                  ///< RequireMessageSigning (3.3.1.5)
  bool multichannel = false;                      ///< advertise SMB2_GLOBAL_CAP_MULTI_CHANNEL (3.x)
  std::uint16_t min_dialect = 0x0202;
  std::uint16_t max_dialect = 0x0311;
  std::uint16_t max_credits = 8192;               ///< upper bound of outstanding credits per connection
  std::uint32_t max_transact_size = 8u << 20;     ///< 8 MiB
  std::uint32_t max_read_size = 8u << 20;
  std::uint32_t max_write_size = 8u << 20;
  LogLevel log_level = LogLevel::warn;
  std::string server_name = "SMBCONFORM";
};

/** "NAME=DIR[,flush=full|data_only|data_sync_only|none][,ca][,ro]" -> share; nullopt or an error message. */
std::optional<std::string> parse_share_spec(std::string_view spec, ShareConfig& out);
/** "cancelled" (default, spec) | "range-not-locked" (Windows/Samba) -> the close_pending_lock_status; error message otherwise. */
std::optional<std::string> parse_close_pending_lock_status(std::string_view v, NtStatus& out);
/** "NAME:PASSWORD" -> (name, password); error message on a missing ':' or empty name. */
std::optional<std::string> parse_user_spec(std::string_view spec, std::string& name, std::string& password);
/** "HOST:PORT" (IPv4 dotted quad) -> address/port; error message otherwise. */
std::optional<std::string> parse_host_port(std::string_view spec, std::string& address, std::uint16_t& port);
/** "PATH" (contains '/' or no ':') -> Unix socket; "127.0.0.1:PORT" -> TCP. */
std::optional<std::string> parse_control_spec(std::string_view spec, ControlEndpoint& out);
/** "2.0.2" / "2.1" / "3.0" / "3.0.2" / "3.1.1" or "0x0311" -> dialect code. */
std::optional<std::uint16_t> parse_dialect(std::string_view text);

/**
 * Applies a JSON configuration object (see CONTROL.md "Configuration file"). Unknown keys are
 * rejected. Returns an error message, or nullopt on success.
 */
std::optional<std::string> apply_config_json(const nlohmann::json& j, ServerConfig& out);

/** Cross-field checks (at least one share, dialect range sane, unique share names). */
std::optional<std::string> validate(const ServerConfig& c);

}  // namespace smb::server
