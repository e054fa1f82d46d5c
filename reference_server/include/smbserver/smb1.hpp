// SMB1 (NT LM 0.12) on the reference server: per-connection state, the message handler and the oplock-break bridge.
//
// Threading: like the rest of the server, everything runs on the single io_context thread (or a test's thread).
//
// Data model: SMB1 reuses the SMB2 abstract data model of state.hpp so that share modes, the byte-range lock
// manager (File::locks) and the oplock machinery (oplock.hpp) are shared with SMB2:
//   * UID  -> Session, with Session.SessionId == UID (allocated so it never collides with an SMB2 SessionId);
//   * TID  -> TreeConnect in the UID's Session.TreeConnectTable, TreeId == TID, unique per connection
//             (MS-CIFS Connection.TreeConnectTable is per connection);
//   * FID  -> Open in the opener's Session.OpenTable, FileId == FID, unique per connection
//             (MS-CIFS Connection.FileOpenTable); Open.DurableFileId is the server-unique id used as the
//             byte-range lock owner (LockOwner::for_smb1(DurableFileId, PID)).
//   * Open.OplockLevel keeps the SMB2 encoding (0x00, 0x01 II, 0x08 exclusive, 0x09 batch) so that an SMB2 CREATE
//     breaks an SMB1 oplock and vice versa; the NT_CREATE_ANDX response maps it to the MS-CIFS values.
// SMB1 is off unless ServerConfig::smb1_enabled (--smb1): connection.cpp only calls the handler then.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "smbproto/messages.hpp"
#include "smbserver/state.hpp"

namespace smb::server {

/** One TRANS2 FIND_FIRST2 search kept for FIND_NEXT2 (MS-CIFS 3.3.5.58.1 / 3.3.5.58.2). */
struct Smb1Search {
  std::vector<DirEntry> entries;  ///< snapshot incl. "." and ".." (directory searches)
  std::size_t next = 0;
  std::string pattern;
  std::uint16_t information_level = 0;
};

/** SMB1 connection state (MS-CIFS 3.3.1.3 Server.Connection) that the SMB2 Connection has no place for. */
struct Smb1ConnectionState {
  bool negotiated = false;                 ///< NT LM 0.12 selected
  std::uint32_t server_capabilities = 0;   ///< what the NEGOTIATE response announced
  std::uint32_t client_capabilities = 0;   ///< from SESSION_SETUP_ANDX (MS-CIFS Server.Connection.ClientCapabilities)
  std::uint16_t next_tid = 1;
  std::uint16_t next_fid = 1;
  // Signing (MS-CIFS 3.3.1.3 / 3.1.4.1): active once a session with a key was established with signing.
  bool signing_active = false;
  wire::Bytes mac_key;
  std::uint32_t next_sequence = 0;         ///< sequence number expected on the next request
  // TRANS2 searches (Connection.SearchOpenTable), keyed by SID.
  std::map<std::uint16_t, Smb1Search> searches;
  std::uint16_t next_sid = 1;
  /** Oplock breaks announced to SMB1 opens: Open.DurableFileId -> announced level (SMB2 encoding, 0 or 0x01). */
  std::map<std::uint64_t, std::uint8_t> announced;
  /** PID that opened each SMB1 open (Open.DurableFileId -> PID), for SMB_COM_FLUSH with FID 0xFFFF. */
  std::map<std::uint64_t, std::uint32_t> opener_pid;
  std::uint64_t next_deferred = 1;         ///< ids of requests answered later (oplock wait, blocking lock)
};

/**
 * Installs the SMB1 handler as Server::smb1_handler. connection.cpp calls it only when SMB1 is enabled
 * (ServerConfig::smb1_enabled, --smb1) and the message is not an SMB1 NEGOTIATE that upgrades to SMB2.
 */
void install_smb1(Server& s);

/**
 * Processes one SMB1 message (the Direct TCP payload, starting with 0xFF 'S' 'M' 'B'): common validation
 * (MS-CIFS 3.3.5.2, MS-SMB 3.3.5.1), the AndX chain, the handlers and the response. Returns false when the
 * connection must be closed (malformed beyond an error response, MS-CIFS 3.3.5.2); never throws.
 */
bool smb1_process(Server& s, Connection& c, wire::ByteView message);

/** True when `c` speaks SMB1 (an SMB1 message other than an SMB2-upgrading NEGOTIATE was processed on it). */
inline bool is_smb1(const Connection& c) { return c.smb1 != nullptr; }

/**
 * Bridge from the shared oplock machinery (oplock.cpp sends an SMB2 Oplock Break Notification through
 * send_message): when `c` is an SMB1 connection, connection.cpp's send_message calls this instead of
 * encoding SMB2. An OPLOCK_BREAK notification becomes the MS-CIFS 3.3.4.2 LOCKING_ANDX break request
 * (OPLOCK_RELEASE, NewOpLockLevel 0 or 1, MID 0xFFFF, PIDLow 0xFFFF, never signed); the acknowledgment
 * timer is switched to the SMB1 expiry rule (3.3.6.1: the open keeps the announced level). Other messages
 * are dropped (nothing else is ever sent unsolicited to an SMB1 connection).
 */
void smb1_send_unsolicited(Server& s, Connection& c, const proto::Header& h, const proto::ResponseBody& body);

}  // namespace smb::server
