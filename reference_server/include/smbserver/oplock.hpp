// SMB2 oplocks on the reference server: grant (MS-SMB2 3.3.5.9, MS-FSA 2.1.5.18), break (3.3.4.6, MS-FSA 2.1.4.12),
// acknowledgment (3.3.5.22.1) and the acknowledgment timer on the controllable clock (3.3.2.1, 3.3.6.1).
//
// Threading: like the rest of the server state, everything here runs on the server's single io_context thread
// (or a test's thread). Nothing blocks: an operation that must wait for a break (a conflicting CREATE) registers a
// waiter and goes async (3.3.4.2); the waiter re-runs when the break resolves — acknowledgment, timer expiry, or the
// holder's close — through a zero-delay timer on Server.clock, so it runs after the current request is answered.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "smbproto/commands/create.hpp"
#include "smbproto/commands/oplock_break.hpp"
#include "smbserver/dispatch.hpp"
#include "smbserver/state.hpp"

namespace smb::server {

// MS-SMB2 2.2.13 RequestedOplockLevel / 2.2.23.1 OplockLevel values.
inline constexpr std::uint8_t SMB2_OPLOCK_LEVEL_NONE = 0x00;
inline constexpr std::uint8_t SMB2_OPLOCK_LEVEL_II = 0x01;
inline constexpr std::uint8_t SMB2_OPLOCK_LEVEL_EXCLUSIVE = 0x08;
inline constexpr std::uint8_t SMB2_OPLOCK_LEVEL_BATCH = 0x09;
inline constexpr std::uint8_t SMB2_OPLOCK_LEVEL_LEASE = 0xFF;

/** Windows' acknowledgment timeout for persistent opens (MS-SMB2 3.3.4.6 <246>: 60 000 ms). */
inline constexpr std::chrono::milliseconds kPersistentOplockTimeout{60000};

/** Per-server oplock bookkeeping that the abstract data model (state.hpp) has no place for. */
struct OplockTable {
  /** One outstanding break that needs an acknowledgment (Open.OplockState == Breaking). */
  struct Break {
    Clock::TimerId timer = 0;        ///< the acknowledgment timer (3.3.2.1)
    std::uint8_t offered = 0;        ///< OplockLevel sent in the notification (2.2.23.1)
  };
  /** An operation (a CREATE) waiting for breaks on one file to resolve. */
  struct Waiter {
    std::pair<std::uint64_t, std::uint64_t> file;  ///< (device, inode) of the File it waits on
    std::function<void()> resume;                   ///< re-runs the operation and completes it
  };
  std::map<std::uint64_t, Break> breaking;  ///< keyed by Open.DurableFileId
  /** Keyed by (ConnectionId, AsyncId) of the waiting request. */
  std::map<std::pair<std::uint64_t, std::uint64_t>, Waiter> waiters;
  /** Test hook for SMB2-OPLK-17: the object store rejects the next `ack_fault_count` acknowledgments. */
  NtStatus ack_fault = status::STATUS_SUCCESS;
  int ack_fault_count = 0;  ///< -1: until cleared
  std::uint64_t breaks_sent = 0;     ///< notifications sent (statistics for tests and the control channel)
  std::uint64_t timeouts_fired = 0;  ///< breaks completed by the timer (3.3.6.1)
};

/** The server's oplock table, created on first use. */
OplockTable& oplock_table(Server& s);

/**
 * Parks the SMB2 request in `ctx` until the oplock break on the File keyed `file` (device, inode) resolves
 * (acknowledgment, timeout or the holder's close): the first wait makes the request async (MS-SMB2 3.3.4.2; the
 * caller sends the interim response) and a CANCEL completes it with STATUS_CANCELLED (3.3.5.16). When the break
 * resolves, `rerun` processes the request again with the same AsyncId; a re-run that must wait again re-registers.
 * Used by CREATE (3.3.5.9) and by SET_INFO rename (rename.hpp). Returns the pending result.
 */
HandlerResult oplock_wait_for_break(RequestContext& ctx, std::pair<std::uint64_t, std::uint64_t> file,
                                    std::function<HandlerResult(RequestContext&)> rerun);

/**
 * Open.OplockTimeout interval for `open` (3.3.4.6): Server config `oplock_timeout` (default 35 s, <217>/<246>); a
 * persistent open gets 60 s (<246>) unless the timeout was configured to something other than the 35 s default.
 */
Clock::Duration oplock_timeout_for(const Server& s, const Open& open);

/**
 * The oplock checks of an open of an existing file (MS-FSA 2.1.5.1.2.1 via 2.1.4.12, MS-SMB2 3.3.4.6), called by
 * CREATE before the object store is touched. BATCH oplocks are broken before the share-access check, every other
 * kind after it (so with `sharing_conflict` only BATCH holders are broken). EXCLUSIVE/BATCH holders are broken to
 * II, or to NONE for FILE_SUPERSEDE/FILE_OVERWRITE/FILE_OVERWRITE_IF; a level II holder is broken to NONE (no
 * acknowledgment) by an overwriting open. Opens asking only for attribute access break nothing.
 *
 * Returns nullopt when the CREATE may go on now, or a pending HandlerResult after registering the request as a
 * waiter (make_async on the first wait; a re-run keeps its AsyncId). Never returns an error status.
 */
std::optional<HandlerResult> oplock_break_for_open(RequestContext& ctx, const proto::CreateRequest& req, File& file,
                                                   std::uint32_t granted_access, bool sharing_conflict);

/**
 * The dialect-independent core of oplock_break_for_open, shared by SMB2 CREATE and the SMB1 opens and path
 * operations (NT_CREATE_ANDX, OPEN_ANDX, DELETE, SET_PATH_INFORMATION): applies MS-FSA 2.1.4.12 (OPEN) to every
 * holder on `file` for an open with `granted_access` and `create_disposition` (MS-FSA 2.1.5.1). Returns true when
 * an acknowledgment is outstanding, so that the caller must wait (it registers its own waiter).
 */
bool oplock_break_holders_for_open(Server& s, File& file, std::uint32_t granted_access,
                                   std::uint32_t create_disposition, bool sharing_conflict);

/**
 * MS-FSA 2.1.5.1.2.1 share-access check between an existing open and a new request (with the 2.1.5.1.2.2 rule
 * that attribute-only "stat" opens take no part). Defined in handlers/create.cpp; SMB1 opens use the same one.
 */
bool share_access_conflict(const Open& existing, std::uint32_t desired_access, std::uint32_t share_access);

/** The File that currently has `path` open on `share`, if any (by name, before the store is touched). */
File* file_open_by_path(Server& s, const Share* share, const std::string& path);

/** Level II holders of `file` break to NONE (MS-FSA 2.1.4.12 for WRITE, byte-range LOCK, end-of-file changes). */
void oplock_break_level2(Server& s, File& file);

/**
 * A WRITE on `writer` breaks every level II oplock on the file to NONE (MS-FSA 2.1.5.4 -> 2.1.4.12, MS-SMB2
 * 2.2.24.1): a notification with OplockLevel NONE is sent, the holders drop to {NONE, None} at once, nobody
 * acknowledges and the writer is not delayed. Also usable for byte-range LOCK and end-of-file changes.
 */
void oplock_break_level2(Server& s, Open& writer);

/**
 * Called by close_open (3.3.4.17) before the Open is torn down: cancels its acknowledgment timer and lets the
 * operations waiting on its file re-run (a closed holder completes the break).
 */
void oplock_on_close(Server& s, Open& open);

/**
 * Starts a break of `holder` to `new_level` (3.3.4.6): sends the Oplock Break Notification (2.2.23.1) and, for
 * EXCLUSIVE/BATCH holders, sets OplockState Breaking and arms the acknowledgment timer. A holder with no usable
 * connection is closed when it is not durable/resilient/persistent, else its break completes with NONE.
 * Returns true when the caller must wait (an acknowledgment is outstanding).
 */
bool oplock_start_break(Server& s, Open& holder, std::uint8_t new_level);

/**
 * Completes the break of `open` at `level` (MS-FSA 2.1.5.19): cancels the acknowledgment timer, sets OplockLevel to
 * `level` and OplockState to Held (II) or None (NONE), and lets the operations waiting on its file re-run.
 */
void oplock_complete_break(Server& s, Open& open, std::uint8_t level);

/**
 * 3.3.6.1 expiry for one open: if it is still Breaking, the break is completed with NONE (OplockLevel NONE,
 * OplockState None) and its waiters re-run. No message is sent to the holder.
 */
void oplock_expire(Server& s, std::uint64_t durable_file_id);

/**
 * OPLOCK_BREAK acknowledgment (3.3.5.22.1). Errors: STATUS_USER_SESSION_DELETED / NETWORK_SESSION_EXPIRED /
 * ACCESS_DENIED (3.3.5.2.9), STATUS_NETWORK_NAME_DELETED (3.3.5.2.11), STATUS_FILE_CLOSED (no open),
 * STATUS_INVALID_DEVICE_STATE (not Breaking), STATUS_INVALID_PARAMETER (LEASE level), STATUS_INVALID_OPLOCK_PROTOCOL
 * (illegal level), or the status injected through the control channel's oplock_ack fault (SMB2-OPLK-17).
 */
HandlerResult handle_oplock_break(RequestContext& ctx, const proto::OplockBreakAcknowledgment& req);

/**
 * Lease break acknowledgment (3.3.5.22.2), reached when the OPLOCK_BREAK request has StructureSize 36 on a dialect
 * other than 2.0.2. The reference server grants no leases, so there is no lease table for the ClientGuid:
 * STATUS_OBJECT_NAME_NOT_FOUND. On 2.0.2: STATUS_INVALID_PARAMETER (a 36-byte oplock acknowledgment is malformed).
 */
HandlerResult handle_lease_break_ack(RequestContext& ctx, const proto::LeaseBreakAcknowledgment& req);

}  // namespace smb::server
