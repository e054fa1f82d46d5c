// SMB1 LOCKING_ANDX (MS-CIFS 3.3.5.30) on the shared byte-range lock manager, and SMB1 oplocks: grant
// (3.3.5.2.7 / MS-SMB 3.3.5.1.2), break on open (3.3.4.2), acknowledgment (3.3.5.30).
#include <algorithm>
#include <memory>
#include <span>
#include <vector>

#include "smb1_internal.hpp"
#include "smbserver/access.hpp"
#include "smbserver/log.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server::smb1 {
namespace {

bool exclusive_level(std::uint8_t l) { return l == kLevelExclusive || l == kLevelBatch; }

/** The per-file table with the SMB1 retry quirk applied when the server is configured for it (<291>). */
LockManager& locks_of(Server& s, File& f) {
  if (s.config.smb1_lock_retry_conflict && f.locks.options().retry_conflict == RetryConflict::never) {
    LockManagerOptions o = f.locks.options();
    o.retry_conflict = RetryConflict::smb1_only;
    f.locks.set_options(o);
  }
  return f.locks;
}

LockOwner owner_of(const Open& o, std::uint16_t pid) { return LockOwner::for_smb1(o.durable_file_id, pid); }

/**
 * Samba's "force DOS error" form (reply_force_doserror): the response carries the SMBSTATUS pair with
 * SMB_FLAGS2_NT_STATUS cleared even when the client asked for 32-bit codes. engine.cpp response_header()
 * recognises the 0xF1 marker (Samba's NT_STATUS_DOS encoding: 0xF1000000 | class << 16 | code).
 */
NtStatus forced_dos(std::uint8_t cls, std::uint16_t code) {
  return NtStatus{0xF1000000u | (std::uint32_t{cls} << 16) | code};
}

// MS-CIFS 2.2.2.4: ERRDOS/ERRcancelviolation (0x00AD) and ERRDOS/ERRnoatomiclocks (0x00AE). Their 32-bit forms
// (STATUS_OS2_CANCEL_VIOLATION 0x00AD0001, STATUS_OS2_ATOMIC_LOCKS_NOT_SUPPORTED 0x00AE0001) are the same four
// Status bytes as the class/code pair.
constexpr std::uint16_t kErrCancelViolation = 0x00AD;
constexpr std::uint16_t kErrNoAtomicLocks = 0x00AE;

NtStatus dos_error(const Server& s, std::uint16_t code) {
  // Windows/Samba (opt-in, --smb1-lock-retry-conflict): always the SMBSTATUS form (smbtorture raw.lock async and
  // changetype expect NT_STATUS_DOS(ERRDOS, ...)); otherwise the form the client asked for (MS-CIFS 2.2.3.1).
  if (s.config.smb1_lock_retry_conflict) return forced_dos(p::ERRDOS, code);
  return NtStatus{std::uint32_t{p::ERRDOS} | (std::uint32_t{code} << 16)};
}

/** A blocking LOCKING_ANDX waiting in the lock manager (MS-CIFS 3.3.5.30, Timeout != 0). */
struct PendingLock {
  Server* server = nullptr;
  std::uint64_t connection_id = 0;
  p::Header header;
  std::uint32_t sequence = 0;
  WaiterId waiter = 0;
  Clock::TimerId timer = 0;
  std::pair<std::uint64_t, std::uint64_t> file;
  std::uint64_t open_id = 0;         ///< Open.DurableFileId (the FID's open)
  bool large_files = false;          ///< the request's LARGE_FILES bit (range format)
  std::vector<ByteRangeLock> ranges;  ///< the Locks array, each with its PID
  bool done = false;
  bool nt_cancelled = false;          ///< SMB_COM_NT_CANCEL named it: it completes with STATUS_CANCELLED
};

/**
 * Blocking requests not answered yet, in arrival order (CANCEL_LOCK looks them up). The server runs on one
 * thread. The waiter callback in the lock manager (and the timeout timer) own a request; this list only
 * observes it, so the requests of a server that is destroyed simply expire.
 */
std::vector<std::weak_ptr<PendingLock>>& pending_locks() {
  static std::vector<std::weak_ptr<PendingLock>> list;
  return list;
}

void forget(const std::shared_ptr<PendingLock>& pl) {
  auto& l = pending_locks();
  std::erase_if(l, [&](const std::weak_ptr<PendingLock>& w) {
    auto sp = w.lock();
    return !sp || sp == pl;
  });
}

/** The range a waiting request is blocked on: the first that conflicts with a granted lock (else the first). */
const ByteRangeLock& blocker_of(const LockManager& t, const PendingLock& pl) {
  for (const auto& b : pl.ranges)
    if (t.conflicts(b.owner, b.offset, b.length, b.exclusive, /*lock_intent=*/true)) return b;
  return pl.ranges.front();
}

/** Precedence group of an SMB1 open's blocking requests (Samba keeps blocked requests per FID). */
std::uint64_t group_of(const Server& s, const Open& o) {
  return s.config.smb1_lock_retry_conflict ? (o.durable_file_id | (1ull << 63)) : 0;
}

}  // namespace

Reply handle_locking(Request& r, const p::LockingAndxRequest& m) {
  Server& s = r.server;
  // MS-CIFS 3.3.5.30: "validate the FID" -> STATUS_INVALID_HANDLE (ERRDOS/ERRbadfid).
  Open* open = find_fid(r.connection, m.fid);
  bool bare_ack = (m.type_of_lock & p::OPLOCK_RELEASE) && m.unlocks.empty() && m.locks.empty();
  // A bare acknowledgment is never answered, even for an unknown FID: "If NumberOfRequestedUnlocks and
  // NumberOfRequestedLocks are both 0, the server MUST NOT send a response" (FID not matching a break: no error).
  if (!open) return bare_ack ? Reply::none() : Reply(status::STATUS_INVALID_HANDLE);

  if (m.type_of_lock & p::OPLOCK_RELEASE) {
    // 3.3.5.30: an acknowledgment of an outstanding break releases the oplock and lets waiting operations
    // proceed. The level kept is the one announced in the break unless the client acknowledges to none
    // (<290>: Windows acknowledges as LEVEL_TWO when NewOpLockLevel was 1; 3.3.5.30 text: NONE). No
    // outstanding break, or another FID: nothing is released and no error.
    if (open->oplock_state == OplockState::breaking) {
      std::uint8_t level = kLevelNone;
      auto& ann = r.state.announced;
      if (auto it = ann.find(open->durable_file_id); it != ann.end()) level = it->second;
      if (m.new_op_lock_level == p::OPLOCK_LEVEL_NONE) level = kLevelNone;
      ann.erase(open->durable_file_id);
      oplock_complete_break(s, *open, level);
    }
    // "If NumberOfRequestedUnlocks and NumberOfRequestedLocks are both 0, the server MUST NOT send a response."
    if (m.unlocks.empty() && m.locks.empty()) return Reply::none();
  }
  if (open->is_directory || !open->file) return status::STATUS_INVALID_PARAMETER;  // MS-FSA 2.1.5.8 [Validation]
  // MS-CIFS 2.2.4.32.1 <39>: CHANGE_LOCKTYPE (atomic change of the lock type) is not supported by Windows NT
  // servers; the matching error is ERRDOS/ERRnoatomiclocks (MS-CIFS 2.2.2.4), so nothing changes.
  if (m.type_of_lock & p::CHANGE_LOCKTYPE) return dos_error(s, kErrNoAtomicLocks);
  LockManager& table = locks_of(s, *open->file);
  bool exclusive = !(m.type_of_lock & p::SHARED_LOCK);
  const bool large = (m.type_of_lock & p::LARGE_FILES) != 0;
  const std::uint64_t group = group_of(s, *open);

  if (m.type_of_lock & p::CANCEL_LOCK) {
    // MS-CIFS 2.2.4.32.1: CANCEL_LOCK cancels an outstanding (blocking) lock request of this FID; <40>: Windows NT
    // cancels only the request named by the first range. A range with no pending lock request fails with
    // ERRDOS/ERRcancelviolation (MS-CIFS 2.2.2.4: "No lock request was outstanding for the supplied cancel
    // region"). Samba (and smbtorture, opt-in here) also requires the LARGE_FILES bit to match the request's.
    if (m.locks.empty()) return dos_error(s, kErrCancelViolation);
    const auto& l = m.locks.front();
    std::shared_ptr<PendingLock> match;
    for (const auto& weak : pending_locks()) {
      auto pl = weak.lock();
      if (!pl || pl->done || pl->server != &s || pl->connection_id != r.connection.id || pl->open_id != open->durable_file_id)
        continue;
      if (s.config.smb1_lock_retry_conflict && pl->large_files != large) continue;
      bool named = std::any_of(pl->ranges.begin(), pl->ranges.end(), [&](const ByteRangeLock& b) {
        return b.owner.pid == l.pid && b.offset == l.byte_offset && b.length == l.length_in_bytes;
      });
      if (!named) continue;
      match = pl;
      break;
    }
    if (!match) return dos_error(s, kErrCancelViolation);
    // The blocked request fails with STATUS_FILE_LOCK_CONFLICT (ERRDOS/ERRlock), as if its Timeout expired; with the
    // <291> quirk that reported failure counts like one of a fail-immediately lock of its blocking range.
    const ByteRangeLock& b = blocker_of(table, *match);
    (void)table.record_failure(b.owner, b.offset, b.length);
    table.cancel_waiter(match->waiter, NtStatus{0xC0000054});
    return p::LockingAndxResponse{};
  }

  // Unlocks first (3.3.5.30 -> MS-FSA 2.1.5.9): a range not locked by this FID+PID -> STATUS_RANGE_NOT_LOCKED.
  // MS-FSA 2.1.5.9 removes an exclusive match before shared ones; --smb1-unlock-oldest-first removes the
  // earliest-granted match instead (Samba; smbtorture raw.lock "unlock", samba3 branch).
  for (const auto& u : m.unlocks) {
    NtStatus st = table.unlock(owner_of(*open, u.pid), u.byte_offset, u.length_in_bytes,
                               s.config.smb1_unlock_oldest_first);
    if (!st.is_success()) return st;
  }
  if (m.locks.empty()) return p::LockingAndxResponse{};
  // MS-FSA 2.1.5.8 -> 2.1.4.12 (BYTE_RANGE_LOCK): level II holders of the stream break to none, the requester's
  // own included (smbtorture raw.oplock brl1/brl3).
  oplock_break_level2(s, *open->file);

  // Locks (MS-FSA 2.1.5.8, ExclusiveLock = !SHARED_LOCK, FailImmediately = Timeout == 0). The request is
  // atomic (MS-CIFS 3.3.5.30: if any range fails or times out the lock state does not change): a blocking
  // request with several ranges waits until all of them can be granted together (SMB1-LOCK-06).
  std::vector<ByteRangeLock> ranges;
  for (const auto& l : m.locks) ranges.push_back(ByteRangeLock{owner_of(*open, l.pid), l.byte_offset, l.length_in_bytes, exclusive});
  if (m.timeout != 0 && r.first_in_chain) {
    auto pending = std::make_shared<PendingLock>();
    pending->server = &s;
    pending->connection_id = r.connection.id;
    pending->header = r.header;
    pending->sequence = r.sequence;
    pending->file = {open->file->device, open->file->inode};
    pending->open_id = open->durable_file_id;
    pending->large_files = large;
    pending->ranges = ranges;
    Server* sp = &s;
    LockWait w = table.add_waiter_all(ranges, group, [sp, pending](NtStatus st) {
      if (pending->done) return;
      pending->done = true;
      forget(pending);
      if (pending->timer) sp->clock.cancel(pending->timer);
      // A waiter cancelled because its open went away (CLOSE, LOGOFF, TREE_DISCONNECT, PROCESS_EXIT): MS-CIFS
      // does not give the status; Windows/Samba answer STATUS_RANGE_NOT_LOCKED (smbtorture raw.lock async,
      // opt-in), the default is the conflict status of a blocking lock that did not get its range.
      if (pending->nt_cancelled)
        st = status::STATUS_CANCELLED;  // MS-CIFS 3.3.5.52 -> MS-FSA 2.1.5.20: the cancelled operation's status
      else if (st == status::STATUS_CANCELLED)
        st = sp->config.smb1_lock_retry_conflict ? status::STATUS_RANGE_NOT_LOCKED : NtStatus{0xC0000054};
      if (st == status::STATUS_SUCCESS) finish_deferred(*sp, pending->connection_id, pending->header, pending->sequence, Reply(p::LockingAndxResponse{}));
      else finish_deferred(*sp, pending->connection_id, pending->header, pending->sequence, Reply(st));
    });
    // STATUS_PENDING has success severity: compare values, never is_success() (that answered every blocking
    // request at once, granted or not: raw.bench-lock's RANGE_NOT_LOCKED on the following unlock).
    if (w.status == status::STATUS_SUCCESS) return p::LockingAndxResponse{};
    if (w.status != status::STATUS_PENDING) return w.status;
    pending->waiter = w.id;
    pending_locks().push_back(pending);
    if (m.timeout != 0xFFFFFFFF) {
      // The status of an expired Timeout is not specified by MS-CIFS; Windows-compatible servers (and Samba)
      // answer STATUS_FILE_LOCK_CONFLICT (smb1-processing.md §7.2, UNVERIFIED for Windows). With the <291>
      // quirk the expiry counts as a failed attempt of the range that still conflicts (Samba retries the
      // lock once without waiting; smbtorture raw.lock errorcode).
      pending->timer = s.clock.schedule_after(std::chrono::milliseconds(m.timeout), [sp, pending] {
        pending->timer = 0;
        if (pending->done) return;
        auto it = sp->files.find(pending->file);
        if (it == sp->files.end()) return;
        LockManager& t = it->second->locks;
        const ByteRangeLock& failed = blocker_of(t, *pending);
        (void)t.record_failure(failed.owner, failed.offset, failed.length);
        t.cancel_waiter(pending->waiter, NtStatus{0xC0000054});
      });
    }
    return Reply::later();
  }
  std::vector<std::size_t> granted;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const ByteRangeLock& l = ranges[i];
    // A queued blocking request of this FID keeps precedence over a later request that overlaps it (opt-in).
    NtStatus st = table.blocked_by_waiters(std::span<const ByteRangeLock>(&l, 1), group)
                      ? table.record_failure(l.owner, l.offset, l.length)
                      : table.lock(l.owner, l.offset, l.length, l.exclusive);
    if (!st.is_success()) {
      for (auto it = granted.rbegin(); it != granted.rend(); ++it) {
        const auto& g = ranges[*it];
        (void)table.unlock(g.owner, g.offset, g.length);
      }
      return st;
    }
    granted.push_back(i);
  }
  return p::LockingAndxResponse{};
}

std::uint8_t grant_smb1_oplock(Request& r, Open& open, std::uint32_t flags) {
  // MS-CIFS 3.3.5.2.7: never for directories; the requested type if nobody else has the file open; level II
  // when others have it open and level II is supported (the client announced CAP_LEVEL_II_OPLOCKS); none
  // otherwise. MS-SMB <116>: OPBATCH -> LEVEL_BATCH, OPLOCK -> LEVEL_ONE.
  if (open.is_directory || open.is_pipe || !open.file) return kLevelNone;
  std::uint8_t requested = (flags & p::NT_CREATE_REQUEST_OPBATCH)  ? kLevelBatch
                           : (flags & p::NT_CREATE_REQUEST_OPLOCK) ? kLevelExclusive
                                                                   : kLevelNone;
  if (requested == kLevelNone) return kLevelNone;
  bool others = false, exclusive_held = false;
  for (const Open* o : open.file->opens) {
    if (o == &open) continue;
    others = true;
    if (exclusive_level(o->oplock_level)) exclusive_held = true;
  }
  if (!others) return requested;
  if (exclusive_held) return kLevelNone;
  if (!(r.state.client_capabilities & p::CAP_LEVEL_II_OPLOCKS)) return kLevelNone;
  return kLevelII;
}

void wait_for_break(Request& r, File& file) {
  Server& s = r.server;
  OplockTable::Waiter w;
  w.file = {file.device, file.inode};
  std::uint64_t cid = r.connection.id;
  wire::Bytes msg = r.message;
  std::uint32_t seq = r.sequence;
  w.resume = [&s, cid, msg, seq] { rerun_message(s, cid, msg, seq); };
  // Keys of SMB2 waiters are (ConnectionId, AsyncId); SMB1 ones use the top bit so they never collide.
  std::uint64_t id = (1ull << 63) | r.state.next_deferred++;
  oplock_table(s).waiters[{cid, id}] = std::move(w);
}

std::size_t cancel_pending_smb1(Server& s, Connection& c, const p::Header& h) {
  // MS-CIFS 3.3.5.52: "search the Server.Connection.PendingRequestTable for any pending commands that have the same
  // UID, TID, PID, and MID ... pass the CancelRequestID to the object store" (MS-FSA 2.1.5.20: the operation
  // completes with STATUS_CANCELLED). The pending SMB1 commands of this server are blocking LOCKING_ANDX requests.
  std::vector<std::shared_ptr<PendingLock>> hits;
  for (const auto& weak : pending_locks()) {
    auto pl = weak.lock();
    if (!pl || pl->done || pl->server != &s || pl->connection_id != c.id) continue;
    const p::Header& q = pl->header;
    if (q.uid == h.uid && q.tid == h.tid && q.pid_low == h.pid_low && q.pid_high == h.pid_high && q.mid == h.mid)
      hits.push_back(pl);
  }
  for (const auto& pl : hits) {
    auto it = s.files.find(pl->file);
    if (it == s.files.end()) continue;
    pl->nt_cancelled = true;
    it->second->locks.cancel_waiter(pl->waiter, status::STATUS_CANCELLED);
  }
  return hits.size();
}

}  // namespace smb::server::smb1
