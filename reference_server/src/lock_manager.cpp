// Byte-range lock table of one file: MS-FSA 2.1.4.10 / 2.1.5.8 / 2.1.5.9 and blocking-lock waiters (see lock_manager.hpp).
#include "smbserver/lock_manager.hpp"

#include <limits>
#include <utility>

namespace smb::server {

namespace {

/** Last byte of [offset, offset+length): offset + length - 1 in unsigned 64-bit (MS-FSA 2.1.4.10). */
constexpr std::uint64_t last_byte(std::uint64_t offset, std::uint64_t length) { return offset + length - 1; }

/**
 * Last byte of an I/O range. Lock ranges are validated against wrap before they get here; READ/WRITE
 * ranges are not, so a wrapping one is treated as reaching the end of the 64-bit space.
 */
constexpr std::uint64_t io_last_byte(std::uint64_t offset, std::uint64_t length) {
  return LockManager::range_wraps(offset, length) ? std::numeric_limits<std::uint64_t>::max()
                                                  : last_byte(offset, length);
}

bool owner_matches(const LockOwner& held, const LockOwner& who, ReleaseScope scope) {
  switch (scope) {
    case ReleaseScope::open:
      return held.same_open(who);
    case ReleaseScope::owner:
      return held == who;
  }
  return false;
}

/** Ranges overlap per MS-FSA 2.1.4.10 (after the {0,0} exclusions). */
bool ranges_overlap(std::uint64_t off1, std::uint64_t last1, std::uint64_t off2, std::uint64_t last2) {
  return off1 <= last2 && last1 >= off2;
}

}  // namespace

bool LockManager::conflicts(const LockOwner& owner, std::uint64_t offset, std::uint64_t length,
                            bool is_exclusive, bool lock_intent) const {
  // MS-FSA 2.1.4.10: "The {0, 0} range doesn't conflict with any byte-range lock."
  if (offset == 0 && length == 0) return false;
  // A zero-length range at X > 0 has LastByteOffset1 = X - 1 (the spec's arithmetic, kept as is).
  const std::uint64_t last1 = io_last_byte(offset, length);
  for (const ByteRangeLock& l : locks_) {
    // 2.1.4.10: a lock over {0, 0} overlaps nothing "by definition".
    if (l.offset == 0 && l.length == 0) continue;
    const std::uint64_t last2 = last_byte(l.offset, l.length);
    if (!ranges_overlap(offset, last1, l.offset, last2)) continue;
    if (l.exclusive) {
      // An exclusive lock of another OwnerOpen or LockKey conflicts with every access.
      if (!(l.owner == owner)) return true;
      // The owner's own exclusive lock blocks only its own exclusive *lock* requests; its reads,
      // writes and shared locks inside it are allowed (SMB2-LOCK-16 (a)/(b), SMB2-LOCK-31).
      if (lock_intent && is_exclusive) return true;
    } else if (is_exclusive) {
      // A shared lock (any owner, the requester's own included) conflicts with exclusive intent:
      // an exclusive lock request or a write (SMB2-LOCK-16 (c), SMB2-LOCK-29/30).
      return true;
    }
  }
  return false;
}

NtStatus LockManager::not_granted(const LockOwner& owner, std::uint64_t offset, std::uint64_t length) {
  const bool quirk = options_.retry_conflict == RetryConflict::always ||
                     (options_.retry_conflict == RetryConflict::smb1_only && owner.smb1);
  if (!quirk) return status::STATUS_LOCK_NOT_GRANTED;
  if (owner.smb1) {
    // MS-CIFS 3.3.5.30 <291> as Windows and Samba apply it to SMB1 (see RetryConflict): the last failure
    // per open (any PID) by start offset; offsets in [0xEF000000, 2^63) always get FILE_LOCK_CONFLICT.
    const bool high = offset >= 0xEF000000u && (offset >> 63) == 0;
    for (FailedLock& f : last_failures_) {
      if (!f.owner.same_open(owner)) continue;
      const bool repeat = f.offset == offset;
      f = FailedLock{owner, offset, length};
      return (high || repeat) ? status::STATUS_FILE_LOCK_CONFLICT : status::STATUS_LOCK_NOT_GRANTED;
    }
    last_failures_.push_back(FailedLock{owner, offset, length});
    return high ? status::STATUS_FILE_LOCK_CONFLICT : status::STATUS_LOCK_NOT_GRANTED;
  }
  // MS-CIFS 3.3.5.30 <291>: a retry of a range that just failed gets STATUS_FILE_LOCK_CONFLICT.
  const std::uint64_t last = io_last_byte(offset, length);
  for (FailedLock& f : last_failures_) {
    if (!(f.owner == owner)) continue;
    const bool same = f.offset == offset && f.length == length;
    if (same || ranges_overlap(offset, last, f.offset, io_last_byte(f.offset, f.length))) {
      f.offset = offset;
      f.length = length;
      return status::STATUS_FILE_LOCK_CONFLICT;
    }
    f.offset = offset;
    f.length = length;
    return status::STATUS_LOCK_NOT_GRANTED;
  }
  last_failures_.push_back(FailedLock{owner, offset, length});
  return status::STATUS_LOCK_NOT_GRANTED;
}

NtStatus LockManager::lock(const LockOwner& owner, std::uint64_t offset, std::uint64_t length, bool exclusive) {
  // MS-FSA 2.1.5.8 [Validation]: the range must not run past 2^64 - 1.
  if (range_wraps(offset, length)) return status::STATUS_INVALID_LOCK_RANGE;
  // 2.1.5.8 [Processing]: conflict test with LockIntent TRUE, then (FailImmediately) fail.
  if (conflicts(owner, offset, length, exclusive, /*lock_intent=*/true)) return not_granted(owner, offset, length);
  locks_.push_back(ByteRangeLock{owner, offset, length, exclusive});
  return status::STATUS_SUCCESS;
}

NtStatus LockManager::unlock(const LockOwner& owner, std::uint64_t offset, std::uint64_t length, bool oldest_first) {
  // MS-FSA 2.1.5.9 [Validation].
  if (range_wraps(offset, length)) return status::STATUS_INVALID_LOCK_RANGE;
  // 2.1.5.9 [Processing]: the last matching lock, unless an exclusive one is met first. With `oldest_first`
  // (Samba model, opt-in) the first matching lock in grant order, shared or exclusive.
  std::size_t to_remove = locks_.size();
  for (std::size_t i = 0; i < locks_.size(); ++i) {
    const ByteRangeLock& l = locks_[i];
    if (l.offset == offset && l.length == length && l.owner == owner) {
      to_remove = i;
      if (l.exclusive || oldest_first) break;
    }
  }
  if (to_remove == locks_.size()) return status::STATUS_RANGE_NOT_LOCKED;
  locks_.erase(locks_.begin() + static_cast<std::ptrdiff_t>(to_remove));
  Completions done;
  grant_waiters(done);
  run(done);  // may destroy *this: nothing below touches members
  return status::STATUS_SUCCESS;
}

MultiLockResult LockManager::lock_all(const LockOwner& owner, std::span<const LockElementRequest> elements) {
  const std::size_t before = locks_.size();
  for (std::size_t i = 0; i < elements.size(); ++i) {
    const LockElementRequest& e = elements[i];
    NtStatus st = lock(owner, e.offset, e.length, e.exclusive);
    if (st != status::STATUS_SUCCESS) {
      // lock() only appends, so the locks this call granted are exactly the tail [before, end).
      // Removing them restores the state before the call; no waiter can have been blocked only by
      // them (the table is single-threaded), so there is nothing to retry.
      locks_.resize(before);
      return MultiLockResult{st, i, 0};
    }
  }
  return MultiLockResult{status::STATUS_SUCCESS, 0, elements.size()};
}

LockWait LockManager::add_waiter(const LockOwner& owner, std::uint64_t offset, std::uint64_t length,
                                 bool exclusive, WaiterCallback callback) {
  if (range_wraps(offset, length)) return LockWait{status::STATUS_INVALID_LOCK_RANGE, 0};
  if (!conflicts(owner, offset, length, exclusive, /*lock_intent=*/true)) {
    locks_.push_back(ByteRangeLock{owner, offset, length, exclusive});
    return LockWait{status::STATUS_SUCCESS, 0};
  }
  // MS-FSA 2.1.5.8: without FailImmediately the operation waits (cancellable) until it can be granted.
  const WaiterId id = next_waiter_id_++;
  waiters_.push_back(Waiter{id, ByteRangeLock{owner, offset, length, exclusive}, std::move(callback)});
  return LockWait{status::STATUS_PENDING, id};
}

bool LockManager::waiter_overlaps(const Waiter& w, const ByteRangeLock& r) const {
  // Overlap per MS-FSA 2.1.4.10 (the {0, 0} range overlaps nothing) with exclusive intent on either side.
  auto clash = [&](const ByteRangeLock& q) {
    if (!q.exclusive && !r.exclusive) return false;
    if ((q.offset == 0 && q.length == 0) || (r.offset == 0 && r.length == 0)) return false;
    return ranges_overlap(r.offset, io_last_byte(r.offset, r.length), q.offset, io_last_byte(q.offset, q.length));
  };
  if (clash(w.request)) return true;
  for (const ByteRangeLock& q : w.more)
    if (clash(q)) return true;
  return false;
}

bool LockManager::blocked_by_waiters(std::span<const ByteRangeLock> elements, std::uint64_t group) const {
  if (group == 0) return false;
  for (const Waiter& w : waiters_) {
    if (w.group != group) continue;
    for (const ByteRangeLock& e : elements)
      if (waiter_overlaps(w, e)) return true;
  }
  return false;
}

bool LockManager::try_grant_all(const ByteRangeLock& first, const std::vector<ByteRangeLock>& more) {
  // All or nothing, in order (a later element also meets the earlier ones of the same request).
  const std::size_t before = locks_.size();
  auto take = [&](const ByteRangeLock& r) {
    if (conflicts(r.owner, r.offset, r.length, r.exclusive, /*lock_intent=*/true)) return false;
    locks_.push_back(r);
    return true;
  };
  if (!take(first)) return false;
  for (const ByteRangeLock& r : more) {
    if (!take(r)) {
      locks_.resize(before);
      return false;
    }
  }
  return true;
}

void LockManager::grant_waiters(Completions& out) {
  // FIFO pass: each waiter is tested against the locks as they stand, including those granted
  // earlier in this pass, so two waiters for the same exclusive range are never both granted.
  // A waiter of a precedence group (add_waiter_all) also waits for the earlier, still queued
  // requests of its group that it overlaps.
  for (std::size_t i = 0; i < waiters_.size();) {
    const Waiter& w = waiters_[i];
    bool behind = false;
    if (w.group != 0) {
      for (std::size_t j = 0; j < i && !behind; ++j) {
        if (waiters_[j].group != w.group) continue;
        behind = waiter_overlaps(waiters_[j], w.request);
        for (const ByteRangeLock& e : w.more)
          if (!behind) behind = waiter_overlaps(waiters_[j], e);
      }
    }
    if (behind || !try_grant_all(w.request, w.more)) {
      ++i;
      continue;
    }
    out.emplace_back(std::move(waiters_[i].callback), status::STATUS_SUCCESS);
    waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

LockWait LockManager::add_waiter_all(std::vector<ByteRangeLock> elements, std::uint64_t group, WaiterCallback callback) {
  if (elements.empty()) return LockWait{status::STATUS_SUCCESS, 0};
  for (const ByteRangeLock& e : elements)
    if (range_wraps(e.offset, e.length)) return LockWait{status::STATUS_INVALID_LOCK_RANGE, 0};
  ByteRangeLock first = elements.front();
  std::vector<ByteRangeLock> more(elements.begin() + 1, elements.end());
  if (!blocked_by_waiters(elements, group) && try_grant_all(first, more)) return LockWait{status::STATUS_SUCCESS, 0};
  const WaiterId id = next_waiter_id_++;
  waiters_.push_back(Waiter{id, first, std::move(callback), std::move(more), group});
  return LockWait{status::STATUS_PENDING, id};
}

void LockManager::run(Completions& done) {
  for (auto& [cb, st] : done) {
    if (cb) cb(st);
  }
}

bool LockManager::cancel_waiter(WaiterId id, NtStatus reason) {
  for (std::size_t i = 0; i < waiters_.size(); ++i) {
    if (waiters_[i].id != id) continue;
    WaiterCallback cb = std::move(waiters_[i].callback);
    const bool grouped = waiters_[i].group != 0;
    waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
    // A cancelled waiter held nothing; only a request of a precedence group can have held back
    // later requests, which may be grantable now.
    Completions done;
    done.emplace_back(std::move(cb), reason);
    if (grouped) grant_waiters(done);
    run(done);  // may destroy *this
    return true;
  }
  return false;
}

std::size_t LockManager::cancel_waiters(const LockOwner& owner, NtStatus reason, ReleaseScope scope) {
  Completions done;
  bool grouped = false;
  for (std::size_t i = 0; i < waiters_.size();) {
    if (owner_matches(waiters_[i].request.owner, owner, scope)) {
      grouped = grouped || waiters_[i].group != 0;
      done.emplace_back(std::move(waiters_[i].callback), reason);
      waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  const std::size_t n = done.size();
  if (grouped) grant_waiters(done);  // requests held back by a cancelled precedence-group request
  run(done);
  return n;
}

std::size_t LockManager::release_all(const LockOwner& owner, ReleaseScope scope) {
  Completions done;
  // 1. MS-SMB2 3.3.4.17: the open's pending requests (its blocking locks) complete STATUS_CANCELLED.
  //    Done before the locks go so the closing owner's own waiters are never granted.
  bool grouped = false;
  for (std::size_t i = 0; i < waiters_.size();) {
    if (owner_matches(waiters_[i].request.owner, owner, scope)) {
      grouped = grouped || waiters_[i].group != 0;
      done.emplace_back(std::move(waiters_[i].callback), status::STATUS_CANCELLED);
      waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  // 2. MS-FSA 2.1.5.5: all byte-range locks owned by the open are removed.
  const std::size_t before = locks_.size();
  std::erase_if(locks_, [&](const ByteRangeLock& l) { return owner_matches(l.owner, owner, scope); });
  const std::size_t removed = before - locks_.size();
  std::erase_if(last_failures_, [&](const FailedLock& f) { return owner_matches(f.owner, owner, scope); });
  // 3. Waiters blocked by the removed locks are granted (MS-FSA 2.1.5.8: wait "until ... the owning
  //    open is closed"; SMB2-LOCK-24 (b)).
  if (removed != 0 || grouped) grant_waiters(done);
  run(done);  // may destroy *this
  return removed;
}

NtStatus LockManager::check_read(const LockOwner& owner, std::uint64_t offset, std::uint64_t length) const {
  return conflicts(owner, offset, length, /*is_exclusive=*/false, /*lock_intent=*/false)
             ? status::STATUS_FILE_LOCK_CONFLICT
             : status::STATUS_SUCCESS;
}

NtStatus LockManager::check_write(const LockOwner& owner, std::uint64_t offset, std::uint64_t length) const {
  return conflicts(owner, offset, length, /*is_exclusive=*/true, /*lock_intent=*/false)
             ? status::STATUS_FILE_LOCK_CONFLICT
             : status::STATUS_SUCCESS;
}

std::vector<ByteRangeLock> LockManager::held(const LockOwner& owner, ReleaseScope scope) const {
  std::vector<ByteRangeLock> out;
  for (const ByteRangeLock& l : locks_) {
    if (owner_matches(l.owner, owner, scope)) out.push_back(l);
  }
  return out;
}

std::size_t LockManager::lock_count(const LockOwner& owner, ReleaseScope scope) const {
  std::size_t n = 0;
  for (const ByteRangeLock& l : locks_) {
    if (owner_matches(l.owner, owner, scope)) ++n;
  }
  return n;
}

std::vector<LockWaiterInfo> LockManager::waiters() const {
  std::vector<LockWaiterInfo> out;
  out.reserve(waiters_.size());
  for (const Waiter& w : waiters_) {
    out.push_back(LockWaiterInfo{w.id, w.request.owner, w.request.offset, w.request.length, w.request.exclusive});
  }
  return out;
}

}  // namespace smb::server
