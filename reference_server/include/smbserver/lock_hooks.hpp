// Byte-range-lock hooks the other handlers call (CLOSE, READ, WRITE, IOCTL, CREATE, control) and the open kinds LOCK consults.
//
// The LOCK handler itself is reference_server/src/handlers/lock.cpp; the per-file table is
// File::locks (lock_manager.hpp). Everything here runs on the server's single io_context thread.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "smbproto/messages.hpp"
#include "smbserver/dispatch.hpp"
#include "smbserver/lock_manager.hpp"
#include "smbserver/lock_sequence.hpp"
#include "smbserver/state.hpp"

namespace smb::server {

/** SMB2_GLOBAL_CAP_PERSISTENT_HANDLES (MS-SMB2 2.2.4). */
inline constexpr std::uint32_t kGlobalCapPersistentHandles = 0x00000010;
/** SMB2_DHANDLE_FLAG_PERSISTENT (MS-SMB2 2.2.13.2.11). */
inline constexpr std::uint32_t kDurableHandleFlagPersistent = 0x00000002;
/** MaxResiliencyTimeout of 3.3.5.15.9 (implementation-specific; in milliseconds). */
inline constexpr std::uint32_t kMaxResiliencyTimeoutMs = 300000;
/** Open.DurableOpenTimeout given to DH2Q opens when the client asks for 0 (3.3.5.9.10 <344>: 60 s). */
inline constexpr std::uint32_t kDefaultDurableTimeoutMs = 60000;

/** The owner of an SMB2 open's byte-range locks: Open.DurableFileId is unique in GlobalOpenTable. */
inline LockOwner lock_owner(const Open& open) { return LockOwner::for_smb2(open.durable_file_id); }

/** What lock_sequence.hpp reads from the Connection and the Open (3.3.5.14). */
LockSequenceContext lock_sequence_context(const Open& open);

/**
 * CLOSE / logoff / tree disconnect / connection loss of `open` (MS-SMB2 3.3.4.17, MS-FSA 2.1.5.5):
 * cancels the open's queued blocking locks (their LOCK requests complete STATUS_CANCELLED), removes
 * every byte-range lock it holds (Open.LockCount becomes 0) and grants other opens' waiters that
 * the release unblocked. Call before the open leaves File::opens. Never fails.
 */
void release_open_locks(Server& s, Open& open);

/**
 * READ conflict test (MS-SMB2 3.3.5.12 -> MS-FSA 2.1.5.3): STATUS_FILE_LOCK_CONFLICT when the range
 * overlaps another open's exclusive lock, else STATUS_SUCCESS (also for length 0 and for opens
 * without a File, e.g. pipes).
 */
NtStatus check_read_locks(const Open& open, std::uint64_t offset, std::uint64_t length);

/**
 * WRITE conflict test (MS-SMB2 3.3.5.13 -> MS-FSA 2.1.5.4): STATUS_FILE_LOCK_CONFLICT when the range
 * overlaps another open's exclusive lock or any shared lock (the writer's own included), else
 * STATUS_SUCCESS (also for length 0).
 */
NtStatus check_write_locks(const Open& open, std::uint64_t offset, std::uint64_t length);

/** Control channel: the open's held ranges, `[{"offset","length","exclusive"}]` in grant order. */
nlohmann::json held_locks_json(const Open& open);

/**
 * IOCTL FSCTL_LMR_REQUEST_RESILIENCY (MS-SMB2 3.3.5.15.9). Call after session and tree verification.
 * Returns an IOCTL response (Open.IsResilient TRUE, Open.IsDurable FALSE) or STATUS_FILE_CLOSED
 * (unknown FileId), STATUS_INVALID_DEVICE_REQUEST (dialect 2.0.2, <388>), STATUS_INVALID_PARAMETER
 * (InputCount < 8, Timeout above MaxResiliencyTimeout).
 */
HandlerResult handle_request_resiliency(RequestContext& ctx, const proto::IoctlRequest& req);

/**
 * CREATE durability grant (MS-SMB2 3.3.5.9.6 DHnQ, 3.3.5.9.10 DH2Q) for a freshly initialised,
 * non-reconnect `open`: sets Open.IsDurable / IsPersistent / CreateGuid and appends the DHnQ / DH2Q
 * response context to `resp`. The caller has already rejected forbidden context combinations.
 * Never fails: a request that does not qualify is ignored, as the spec says.
 */
void grant_durability(RequestContext& ctx, const proto::CreateRequest& req, Open& open, proto::CreateResponse& resp);

/** True when the server offers SMB2_GLOBAL_CAP_PERSISTENT_HANDLES: 3.x and some share is continuously available. */
bool offers_persistent_handles(const Server& s, std::uint16_t dialect);

}  // namespace smb::server
