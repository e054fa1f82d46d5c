// SMB2 LOCK (MS-SMB2 3.3.5.14, 3.3.5.14.1, 3.3.5.14.2; blocking locks 3.3.4.2; MS-FSA 2.1.5.8 / 2.1.5.9).
//
// Blocking locks never block a thread: the element is queued in File::locks (LockManager) with a
// callback, the request goes async (interim STATUS_PENDING, 3.3.4.2) and the callback sends the
// final response when the lock is granted (SUCCESS) or cancelled (CANCEL, CLOSE, logoff, tree
// disconnect, connection loss: STATUS_CANCELLED).
#include <memory>
#include <vector>

#include "smbserver/handlers.hpp"
#include "smbserver/lock_hooks.hpp"
#include "smbserver/oplock.hpp"

namespace smb::server {
namespace {

// MS-SMB2 2.2.26.1 SMB2_LOCK_ELEMENT Flags.
constexpr std::uint32_t SMB2_LOCKFLAG_SHARED_LOCK = 0x01;
constexpr std::uint32_t SMB2_LOCKFLAG_EXCLUSIVE_LOCK = 0x02;
constexpr std::uint32_t SMB2_LOCKFLAG_UNLOCK = 0x04;
constexpr std::uint32_t SMB2_LOCKFLAG_FAIL_IMMEDIATELY = 0x10;

/** 3.3.5.14.2: the only valid lock-path combinations are 0x01, 0x02, 0x11 and 0x12 (2.2.26.1). */
bool valid_lock_flags(std::uint32_t f) {
  return f == SMB2_LOCKFLAG_SHARED_LOCK || f == SMB2_LOCKFLAG_EXCLUSIVE_LOCK ||
         f == (SMB2_LOCKFLAG_SHARED_LOCK | SMB2_LOCKFLAG_FAIL_IMMEDIATELY) ||
         f == (SMB2_LOCKFLAG_EXCLUSIVE_LOCK | SMB2_LOCKFLAG_FAIL_IMMEDIATELY);
}

/** 3.3.5.14.1 / 3.3.5.14.2 last step: record LockSequenceArray[index] after every element succeeded. */
void record_sequence(Open& open, const proto::LockSequence& seq) {
  commit_lock_sequence(open.lock_sequence_array, lock_sequence_context(open), seq.index, seq.number);
}

/** 3.3.5.14.1 unlock path. */
HandlerResult unlock_path(Open& open, const proto::LockRequest& req) {
  const LockOwner owner = lock_owner(open);
  for (const proto::LockElement& e : req.locks) {
    // "If SMB2_LOCKFLAG_SHARED_LOCK or SMB2_LOCKFLAG_EXCLUSIVE_LOCK is set, the server MUST stop
    // processing further entries and fail the request with STATUS_INVALID_PARAMETER" -- the unlocks
    // already done stay done (no rollback on this path).
    if (e.flags & (SMB2_LOCKFLAG_SHARED_LOCK | SMB2_LOCKFLAG_EXCLUSIVE_LOCK)) return status::STATUS_INVALID_PARAMETER;
    // "If SMB2_LOCKFLAG_FAIL_IMMEDIATELY is set, the server MAY<371> ignore this bit." We do not take
    // the MAY (Windows does): 2.2.26.1 lists SMB2_LOCKFLAG_UNLOCK alone as the unlock combination,
    // so UNLOCK|FAIL_IMMEDIATELY and undefined bits are rejected like on the lock path (SMB2-LOCK-05;
    // Samba and smbtorture smb2.lock.valid-request agree).
    if (e.flags != SMB2_LOCKFLAG_UNLOCK) return status::STATUS_INVALID_PARAMETER;
    // MS-FSA 2.1.5.9 [Validation]: byte-range locks are not allowed on directories.
    if (open.is_directory) return status::STATUS_INVALID_PARAMETER;
    // <372>: MS-FSA 2.1.5.9 with LockKey 0. A failure stops processing with that status.
    NtStatus st = open.file ? open.file->locks.unlock(owner, e.offset, e.length) : status::STATUS_RANGE_NOT_LOCKED;
    if (!st.is_success()) return st;
    // "Open.LockCount MUST be decreased by 1."
    if (open.lock_count > 0) --open.lock_count;
  }
  record_sequence(open, req.lock_sequence);
  return proto::LockResponse{};
}

/** 3.3.5.14.2 with a single element without SMB2_LOCKFLAG_FAIL_IMMEDIATELY: a blocking lock. */
HandlerResult blocking_lock(RequestContext& ctx, Open& open, const proto::LockRequest& req) {
  const proto::LockElement& e = req.locks.front();
  if (open.is_directory) return status::STATUS_INVALID_PARAMETER;  // MS-FSA 2.1.5.8 [Validation]
  if (!open.file) return status::STATUS_INVALID_PARAMETER;
  oplock_break_level2(ctx.server, open);  // MS-FSA 2.1.5.8 -> 2.1.4.12, as for fail-immediately locks
  LockManager& table = open.file->locks;
  const LockOwner owner = lock_owner(open);
  const bool exclusive = (e.flags & SMB2_LOCKFLAG_EXCLUSIVE_LOCK) != 0;
  // <266>: Windows fails an operation that would go async inside a compound unless it is the last
  // one; we do the same so an interim response is never overtaken by its own final response.
  if (ctx.header.next_command != 0 && !LockManager::range_wraps(e.offset, e.length) &&
      table.conflicts(owner, e.offset, e.length, exclusive, /*lock_intent=*/true))
    return status::STATUS_INTERNAL_ERROR;

  Server& server = ctx.server;
  Open* open_ptr = &open;
  const proto::LockSequence seq = req.lock_sequence;
  // The token is filled in by make_async() below; the callback never runs before that (the table
  // never calls back from add_waiter(), and the server is single-threaded).
  auto token = std::make_shared<AsyncToken>();
  WaiterCallback on_done = [&server, open_ptr, seq, token](NtStatus st) {
    if (st.is_success()) {
      // The waiter was granted: the open is alive (an open's waiters are cancelled before it closes).
      ++open_ptr->lock_count;  // 3.3.5.14.2: "Open.LockCount MUST be increased by 1"
      record_sequence(*open_ptr, seq);
      complete_async(server, *token, HandlerResult(proto::LockResponse{}));
    } else {
      // CANCEL (3.3.5.16) or the open/session/tree/connection going away (3.3.4.17): the request
      // completes with STATUS_CANCELLED; nothing was locked, nothing is recorded.
      complete_async(server, *token, HandlerResult(st));
    }
  };
  // MS-FSA 2.1.5.8 with FailImmediately FALSE (<375>): granted now, invalid range, or queued.
  LockWait w = table.add_waiter(owner, e.offset, e.length, exclusive, std::move(on_done));
  if (w.status == status::STATUS_SUCCESS) {
    ++open.lock_count;
    record_sequence(open, seq);
    return proto::LockResponse{};
  }
  if (w.status != status::STATUS_PENDING) return w.status;
  // 3.3.4.2 (<240>, <368>): the lock waits, so the server sends an interim response with an AsyncId.
  File* file = open.file;
  const WaiterId id = w.id;
  *token = make_async(ctx, [file, id]() { return file->locks.cancel_waiter(id, status::STATUS_CANCELLED); });
  return HandlerResult::go_pending();
}

/** 3.3.5.14.2 lock path. */
HandlerResult lock_path(RequestContext& ctx, Open& open, const proto::LockRequest& req) {
  const std::size_t n = req.locks.size();
  // "If the LockCount is greater than 1 and any of the elements does not have
  // SMB2_LOCKFLAG_FAIL_IMMEDIATELY set, the server SHOULD fail the request with
  // STATUS_INVALID_PARAMETER" (<373>: Windows looks at the first element only).
  if (n > 1)
    for (const proto::LockElement& e : req.locks)
      if (!(e.flags & SMB2_LOCKFLAG_FAIL_IMMEDIATELY)) return status::STATUS_INVALID_PARAMETER;
  // A single element without FAIL_IMMEDIATELY is a blocking lock (validated like any element first).
  if (n == 1 && !(req.locks[0].flags & SMB2_LOCKFLAG_FAIL_IMMEDIATELY)) {
    if (!valid_lock_flags(req.locks[0].flags)) return status::STATUS_INVALID_PARAMETER;
    return blocking_lock(ctx, open, req);
  }
  // Elements are processed in order: an element with SMB2_LOCKFLAG_UNLOCK or an invalid flag
  // combination stops processing with STATUS_INVALID_PARAMETER *without* unlocking the earlier ones;
  // a conflict (STATUS_LOCK_NOT_GRANTED) or any other store failure unlocks every range this request
  // locked ("MUST unlock any ranges locked as part of processing the previous entries").
  // lock_all() over the valid prefix reproduces exactly that order.
  std::size_t k = 0;
  while (k < n && !(req.locks[k].flags & SMB2_LOCKFLAG_UNLOCK) && valid_lock_flags(req.locks[k].flags)) ++k;
  if (k > 0) {
    if (open.is_directory || !open.file) return status::STATUS_INVALID_PARAMETER;  // MS-FSA 2.1.5.8 [Validation]
    // MS-FSA 2.1.5.8: a byte-range lock request breaks level II oplocks of other opens (2.1.4.12).
    oplock_break_level2(ctx.server, open);
    std::vector<LockElementRequest> elems;
    elems.reserve(k);
    for (std::size_t i = 0; i < k; ++i)
      elems.push_back({req.locks[i].offset, req.locks[i].length, (req.locks[i].flags & SMB2_LOCKFLAG_EXCLUSIVE_LOCK) != 0});
    MultiLockResult r = open.file->locks.lock_all(lock_owner(open), elems);
    // On failure the granted elements are already rolled back, so LockCount is unchanged (+k, -k).
    if (!r.status.is_success()) return r.status;
    open.lock_count += static_cast<std::uint32_t>(k);  // "+1" per granted element
  }
  if (k < n) return status::STATUS_INVALID_PARAMETER;
  record_sequence(open, req.lock_sequence);
  return proto::LockResponse{};
}

}  // namespace

HandlerResult handle_lock(RequestContext& ctx, const proto::LockRequest& req) {
  // 2.2.26 / 3.3.5.2.6: LockCount MUST be at least 1; a request without elements is malformed.
  if (req.locks.empty() || (req.lock_count && *req.lock_count == 0)) return status::STATUS_INVALID_PARAMETER;
  // 3.3.5.14: session (LOCK proceeds on Expired and InProgress sessions, 3.3.5.2.9), tree, open.
  if (NtStatus st = verify_session(ctx, /*allow_not_valid=*/true); !st.is_success()) return st;
  if (NtStatus st = verify_tree(ctx); !st.is_success()) return st;
  if (NtStatus st = lookup_open(ctx, req.file_id); !st.is_success()) return st;
  Open& open = *ctx.open;
  // "If Open.IsPersistent is FALSE and Open.IsReplayEligible is TRUE, the server MUST set
  // Open.IsReplayEligible to FALSE." (v85 wording; smb2-processing.md §0)
  if (!open.is_persistent && open.is_replay_eligible) open.is_replay_eligible = false;
  // Lock-sequence replay detection (dialect != 2.0.2): a matching valid entry of a resilient,
  // durable or persistent open (or on a 3.x MULTI_CHANNEL connection) completes the request with
  // success before any flag is looked at; a mismatch resets the entry and processing continues.
  const proto::LockSequence seq = req.lock_sequence;
  if (begin_lock_sequence(open.lock_sequence_array, lock_sequence_context(open), seq.index, seq.number) ==
      LockSequenceVerdict::replay)
    return proto::LockResponse{};
  // "If the Flags field of the first element contains SMB2_LOCKFLAG_UNLOCK, the server MUST process
  // the unlock request as in 3.3.5.14.1; otherwise the lock request as in 3.3.5.14.2."
  if (req.locks.front().flags & SMB2_LOCKFLAG_UNLOCK) return unlock_path(open, req);
  return lock_path(ctx, open, req);
}

}  // namespace smb::server
