// Byte-range locks of one file (MS-FSA 2.1.4.10, 2.1.5.8, 2.1.5.9), shared by SMB2 LOCK and SMB1 LOCKING_ANDX.
//
// One LockManager per file object (Server.files, keyed by (dev, inode)): SMB1 and SMB2 opens of the
// same file use the same table, so their locks conflict with each other.
//
// Threading: NOT thread-safe. The server runs on one io_context thread and calls every member from
// it; there is no internal mutex.
//
// Callbacks: waiter callbacks (blocking locks) run only after the table is consistent again, never
// from inside a loop over its state, and never from add_waiter(). A callback may call back into the
// table (lock, unlock, add_waiter, cancel...) and may even destroy it: the table touches no member
// after it starts invoking the callbacks it collected.
//
// How the server wires it (later step; all names below are in this header):
//   * Owner of a lock (MS-FSA ByteRangeLock.OwnerOpen + LockKey):
//       SMB2: LockOwner::for_smb2(open_uid)         -- LockKey is always 0 for SMB2 (MS-SMB2 v84 <375>)
//       SMB1: LockOwner::for_smb1(open_uid, pid)    -- LockKey = PID (MS-CIFS 3.3.5.30: locks are
//                                                     owned by (FID, PID))
//     `open_uid` must identify the open uniquely on the server (e.g. Open.DurableFileId for SMB2);
//     an SMB1 FID alone is only unique per connection, so give SMB1 opens a server-unique id too.
//   * SMB2 LOCK, unlock path (3.3.5.14.1), per element in order:
//       st = table.unlock(owner, e.offset, e.length); if (st != SUCCESS) stop with st (no rollback);
//       else Open.LockCount -= 1.
//   * SMB2 LOCK, lock path (3.3.5.14.2), all elements FAIL_IMMEDIATELY: find the first element k
//     that must be rejected with INVALID_PARAMETER (UNLOCK bit, bad flag combination); call
//     lock_all(owner, elements[0..k)). If it fails, return its status (already rolled back:
//     LOCK_NOT_GRANTED is rolled back, 3.3.5.14.2); else Open.LockCount += k and, if k < count,
//     return INVALID_PARAMETER (no rollback of [0..k), 3.3.5.14.2). This matches the spec's
//     element-by-element order exactly.
//   * SMB2 LOCK, single blocking element (no FAIL_IMMEDIATELY): w = add_waiter(owner, ..., cb).
//     w.status SUCCESS: granted now. PENDING: send the interim response (3.3.4.2) and remember
//     w.id in the async request; cb(SUCCESS) later completes it, cb(status) on cancel.
//     CANCEL (3.3.5.16) -> cancel_waiter(id) -> cb(STATUS_CANCELLED).
//   * READ / WRITE (3.3.5.12 / 3.3.5.13, MS-FSA 2.1.5.3 / 2.1.5.4): check_read / check_write with
//     the SMB2 owner (SMB1: the request's PID); a non-SUCCESS result is the READ/WRITE status.
//     SMB1 ambiguity: MS-CIFS 3.3.5.15 says locks block I/O "by other clients or PIDs from the same
//     client", while 2.2.4.32 says any process using the same FID has access. The table follows
//     MS-FSA 2.1.4.10 (OwnerOpen and LockKey compared), i.e. the first reading when the handler
//     passes the request's PID.
//   * lock_all is fail-immediately only. A multi-element request whose later element is blocking
//     (Windows checks only the first element's flag, <373>) needs the handler to split it.
//   * CLOSE (3.3.4.17, MS-FSA 2.1.5.5): release_all(owner) -- cancels the open's waiters
//     (STATUS_CANCELLED) and drops all its locks (all PIDs for SMB1), then grants waiters that the
//     release unblocked. SMB1 PROCESS_EXIT: release_all(owner, ReleaseScope::owner).
//   * Directory opens: the handler returns STATUS_INVALID_PARAMETER itself (MS-FSA 2.1.5.8/2.1.5.9
//     "[Validation]"); this table does not know the file type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "smbproto/status.hpp"

namespace smb::server {

/**
 * Who owns a byte-range lock: MS-FSA ByteRangeLock.OwnerOpen plus ByteRangeLock.LockKey.
 * SMB2 passes LockKey 0 (MS-SMB2 3.3.5.14.2 <375>), so an SMB2 owner is its open; SMB1 passes the PID,
 * so an SMB1 owner is (open, PID) (MS-CIFS 3.3.5.30, 2.2.4.32: "locked ... by the same PID").
 */
struct LockOwner {
  std::uint64_t open_id = 0;  ///< server-unique id of the open (SMB2 Open / SMB1 Fid's open)
  std::uint32_t pid = 0;      ///< SMB1 PID (the LockKey); ignored for SMB2
  bool smb1 = false;          ///< SMB1 and SMB2 open ids are separate name spaces

  static constexpr LockOwner for_smb2(std::uint64_t open_id) { return LockOwner{open_id, 0, false}; }
  static constexpr LockOwner for_smb1(std::uint64_t open_id, std::uint32_t pid) {
    return LockOwner{open_id, pid, true};
  }

  /** Same OwnerOpen (the PID is not compared). */
  constexpr bool same_open(const LockOwner& o) const { return smb1 == o.smb1 && open_id == o.open_id; }
  /** Same OwnerOpen and LockKey (MS-FSA 2.1.4.10 / 2.1.5.9 owner test); SMB2 ignores `pid`. */
  friend constexpr bool operator==(const LockOwner& a, const LockOwner& b) {
    return a.same_open(b) && (!a.smb1 || a.pid == b.pid);
  }
};

/** One granted lock (MS-FSA 2.1.1.4 ByteRangeLock). */
struct ByteRangeLock {
  LockOwner owner;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  bool exclusive = false;
  bool operator==(const ByteRangeLock&) const = default;
};

/** One element of an atomic multi-lock request (SMB2 LOCK lock path, SMB1 LOCKING_ANDX Locks[]). */
struct LockElementRequest {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  bool exclusive = false;
};

/** Result of lock_all(). */
struct MultiLockResult {
  NtStatus status;              ///< SUCCESS, or the status of the element that failed
  std::size_t failed_index = 0; ///< index of that element (meaningless on SUCCESS)
  std::size_t granted = 0;      ///< locks added by the call: all elements on SUCCESS, 0 on failure
};

/** Which of an owner's locks/waiters release_all(), held() and lock_count() take. */
enum class ReleaseScope {
  open,   ///< every PID of the open (CLOSE: MS-FSA 2.1.5.5 removes all locks of the open)
  owner,  ///< exactly this (open, PID) (SMB1 SMB_COM_PROCESS_EXIT)
};

/**
 * The Windows retry quirk (MS-CIFS 3.3.5.30 <291>; traceability SMB1-LOCK-01, profile flag
 * `lock_retry_conflict`): after a fail-immediately lock of an owner fails with
 * STATUS_LOCK_NOT_GRANTED, a later failing fail-immediately lock by the same owner whose range is
 * the same as or overlaps the failed one returns STATUS_FILE_LOCK_CONFLICT instead.
 * SMB1 owners follow the rule Windows and Samba apply (smbtorture raw.lock lockx/errorcode, written
 * against Windows; Samba brlock.c brl_lock_failed): the last failure is remembered per open (FID,
 * whatever the PID) by its start offset only; a failing lock with the same start offset, or with a
 * start offset in [0xEF000000, 2^63), gets STATUS_FILE_LOCK_CONFLICT. SMB2 owners (`always`) keep the
 * per-owner, overlapping-range rule.
 */
enum class RetryConflict {
  never,      ///< always STATUS_LOCK_NOT_GRANTED (MS-FSA 2.1.5.8; the default)
  smb1_only,  ///< quirk for SMB1 owners only (what MS-CIFS documents)
  always,     ///< quirk for SMB1 and SMB2 owners (Windows tolerance, UNVERIFIED for SMB2)
};

struct LockManagerOptions {
  RetryConflict retry_conflict = RetryConflict::never;
};

/** Id of a queued blocking lock; 0 is never used. */
using WaiterId = std::uint64_t;
/** Completion of a blocking lock: STATUS_SUCCESS when granted, else the cancel status. */
using WaiterCallback = std::function<void(NtStatus)>;

/** Result of add_waiter(). */
struct LockWait {
  NtStatus status;  ///< SUCCESS (granted now), STATUS_PENDING (queued, see id), INVALID_LOCK_RANGE
  WaiterId id = 0;  ///< non-zero only when status is STATUS_PENDING
};

/** A queued blocking lock, as listed by waiters(). */
struct LockWaiterInfo {
  WaiterId id = 0;
  LockOwner owner;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  bool exclusive = false;
};

/**
 * The byte-range lock list of one stream (MS-FSA Open.Stream.ByteRangeLockList) plus the queue of
 * blocking lock requests waiting on it. See the file comment for threading and wiring.
 * Destroying the table drops queued waiters without invoking their callbacks (the server cancels
 * them through release_all() when each open closes, so none are left when the file object dies).
 */
class LockManager {
 public:
  explicit LockManager(LockManagerOptions options = {}) : options_(options) {}
  LockManager(const LockManager&) = delete;
  LockManager& operator=(const LockManager&) = delete;

  const LockManagerOptions& options() const { return options_; }
  void set_options(LockManagerOptions o) { options_ = o; }

  /**
   * MS-FSA 2.1.5.8 with FailImmediately TRUE: grants the lock or fails at once.
   * Returns STATUS_SUCCESS (lock added), STATUS_INVALID_LOCK_RANGE (length != 0 and
   * offset + length - 1 wraps past 2^64-1), STATUS_LOCK_NOT_GRANTED (conflict per 2.1.4.10 with
   * LockIntent TRUE), or STATUS_FILE_LOCK_CONFLICT (conflict, retry quirk enabled, see RetryConflict).
   */
  NtStatus lock(const LockOwner& owner, std::uint64_t offset, std::uint64_t length, bool exclusive);

  /**
   * MS-FSA 2.1.5.9: removes one lock of exactly this owner with exactly this offset and length
   * (an exclusive one in preference to shared ones), then grants waiters the removal unblocked.
   * Returns STATUS_SUCCESS, STATUS_INVALID_LOCK_RANGE (wrapping range), STATUS_RANGE_NOT_LOCKED
   * (no such lock: sub-, super- and overlapping ranges and other owners' locks never match).
   * `oldest_first` (opt-in Samba model, SMB1 --smb1-unlock-oldest-first): the earliest-granted matching lock goes,
   * whatever its mode (Samba brl_unlock_windows_default; its exclusive-first search is under #if ZERO_ZERO).
   */
  NtStatus unlock(const LockOwner& owner, std::uint64_t offset, std::uint64_t length, bool oldest_first = false);

  /**
   * Applies `elements` in order with lock(); when one fails, removes the locks this call granted
   * (MS-SMB2 3.3.5.14.2: "MUST unlock any ranges locked as part of processing the previous
   * entries"; MS-CIFS 3.3.5.30: LOCKING_ANDX is atomic, SMB1-LOCK-03). Exactly the locks added by
   * this call are removed, never an identical lock the owner held before.
   * Returns status SUCCESS, or the failing element's status from lock() with its index.
   */
  MultiLockResult lock_all(const LockOwner& owner, std::span<const LockElementRequest> elements);

  /**
   * Blocking lock (MS-FSA 2.1.5.8 with FailImmediately FALSE). Tries at once: SUCCESS (granted;
   * `callback` is dropped) or INVALID_LOCK_RANGE; otherwise queues the request and returns
   * STATUS_PENDING with its id. A queued request is retried, in FIFO order among waiters, whenever
   * locks go away (unlock, release_all); when granted it is removed from the queue and `callback`
   * gets STATUS_SUCCESS. The retry quirk never applies here. `callback` is never invoked from
   * inside add_waiter().
   */
  LockWait add_waiter(const LockOwner& owner, std::uint64_t offset, std::uint64_t length, bool exclusive,
                      WaiterCallback callback);

  /**
   * Removes a queued waiter and invokes its callback with `reason` (CANCEL: MS-SMB2 3.3.5.16 ->
   * STATUS_CANCELLED; an SMB1 timeout may pass STATUS_LOCK_NOT_GRANTED / FILE_LOCK_CONFLICT).
   * Returns false (and calls nothing) if the id is unknown, already granted or already cancelled.
   */
  bool cancel_waiter(WaiterId id, NtStatus reason = status::STATUS_CANCELLED);

  /**
   * SMB1 multi-range blocking lock (MS-CIFS 3.3.5.30, LOCKING_ANDX with Timeout != 0 and several Locks):
   * all `elements` (each with its own owner: the PID is per range) are granted together or not at all,
   * never partially (the request is atomic). Tries at once: SUCCESS (all granted), INVALID_LOCK_RANGE
   * (an element wraps), else queues the request and returns STATUS_PENDING.
   * `group` != 0 gives requests of one group arrival-order precedence (Samba's per-FID rule, the SMB1
   * handler passes the open): a queued request of the group blocks later requests of the same group
   * whose ranges overlap it with exclusive intent on either side, even when the later one could be
   * granted now (smbtorture raw.lock.multilock2). group 0 behaves exactly like add_waiter().
   */
  LockWait add_waiter_all(std::vector<ByteRangeLock> elements, std::uint64_t group, WaiterCallback callback);

  /**
   * True if a range of `elements` overlaps a queued request of `group` (group != 0) with exclusive intent
   * on either side: an SMB1 request that must not overtake that queued request (see add_waiter_all()).
   */
  bool blocked_by_waiters(std::span<const ByteRangeLock> elements, std::uint64_t group) const;

  /**
   * Records a failed lock attempt of `owner` for the retry quirk and returns the status a failing
   * fail-immediately lock gets (STATUS_LOCK_NOT_GRANTED, or STATUS_FILE_LOCK_CONFLICT per RetryConflict).
   * For an SMB1 blocking lock whose Timeout expired (Samba answers it like a last fail-immediately try).
   */
  NtStatus record_failure(const LockOwner& owner, std::uint64_t offset, std::uint64_t length) {
    return not_granted(owner, offset, length);
  }

  /** Cancels every waiter of `owner` (per `scope`) with `reason`; returns how many. */
  std::size_t cancel_waiters(const LockOwner& owner, NtStatus reason = status::STATUS_CANCELLED,
                             ReleaseScope scope = ReleaseScope::open);

  /**
   * CLOSE / logoff / disconnect of an open (MS-SMB2 3.3.4.17; MS-FSA 2.1.5.5 removes all byte-range
   * locks owned by the open): cancels the owner's waiters with STATUS_CANCELLED, removes its locks,
   * then grants other waiters that became grantable. Returns the number of locks removed.
   */
  std::size_t release_all(const LockOwner& owner, ReleaseScope scope = ReleaseScope::open);

  /**
   * READ conflict test (MS-FSA 2.1.5.3 -> 2.1.4.10 with IsExclusive FALSE, LockIntent FALSE):
   * STATUS_FILE_LOCK_CONFLICT if [offset, offset+length) overlaps an exclusive lock of another
   * owner, else STATUS_SUCCESS. A wrapping I/O range is treated as ending at 2^64-1.
   */
  NtStatus check_read(const LockOwner& owner, std::uint64_t offset, std::uint64_t length) const;

  /**
   * WRITE conflict test (MS-FSA 2.1.5.4 -> 2.1.4.10 with IsExclusive TRUE, LockIntent FALSE):
   * STATUS_FILE_LOCK_CONFLICT if the range overlaps an exclusive lock of another owner or ANY shared
   * lock (the writer's own included), else STATUS_SUCCESS.
   */
  NtStatus check_write(const LockOwner& owner, std::uint64_t offset, std::uint64_t length) const;

  /**
   * MS-FSA 2.1.4.10 as a predicate (TRUE = conflict). Exposed for the control channel and tests;
   * the operations above use it.
   */
  bool conflicts(const LockOwner& owner, std::uint64_t offset, std::uint64_t length, bool is_exclusive,
                 bool lock_intent) const;

  /** Locks held by `owner` (per `scope`), in grant order. */
  std::vector<ByteRangeLock> held(const LockOwner& owner, ReleaseScope scope = ReleaseScope::open) const;
  /** Number of locks held by `owner` (per `scope`); equals Open.LockCount for SMB2 opens. */
  std::size_t lock_count(const LockOwner& owner, ReleaseScope scope = ReleaseScope::open) const;
  /** Every granted lock, in grant order. */
  const std::vector<ByteRangeLock>& locks() const { return locks_; }
  /** Queued blocking locks, FIFO order. */
  std::vector<LockWaiterInfo> waiters() const;
  std::size_t waiter_count() const { return waiters_.size(); }
  bool empty() const { return locks_.empty() && waiters_.empty(); }

  /** MS-FSA 2.1.5.8/2.1.5.9 validation: length != 0 and offset + length - 1 < offset (wraps). */
  static constexpr bool range_wraps(std::uint64_t offset, std::uint64_t length) {
    return length != 0 && offset + length - 1 < offset;
  }

 private:
  struct Waiter {
    WaiterId id;
    ByteRangeLock request;
    WaiterCallback callback;
    std::vector<ByteRangeLock> more;  ///< add_waiter_all(): the elements after `request`
    std::uint64_t group = 0;          ///< add_waiter_all(): precedence group (0: none)
  };
  struct FailedLock {
    LockOwner owner;
    std::uint64_t offset;
    std::uint64_t length;
  };
  using Completions = std::vector<std::pair<WaiterCallback, NtStatus>>;

  NtStatus not_granted(const LockOwner& owner, std::uint64_t offset, std::uint64_t length);
  void grant_waiters(Completions& out);
  bool try_grant_all(const ByteRangeLock& first, const std::vector<ByteRangeLock>& more);
  bool waiter_overlaps(const Waiter& w, const ByteRangeLock& r) const;
  static void run(Completions& done);

  LockManagerOptions options_;
  std::vector<ByteRangeLock> locks_;
  std::vector<Waiter> waiters_;
  std::vector<FailedLock> last_failures_;  ///< retry quirk: one entry per owner at most
  WaiterId next_waiter_id_ = 1;
};

}  // namespace smb::server
