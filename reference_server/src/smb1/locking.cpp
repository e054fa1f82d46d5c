// SMB1 LOCKING_ANDX (MS-CIFS 3.3.5.30) on the shared byte-range lock manager, and SMB1 oplocks: grant
// (3.3.5.2.7 / MS-SMB 3.3.5.1.2), break on open (3.3.4.2), acknowledgment (3.3.5.30).
#include <algorithm>

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

/** A blocking LOCKING_ANDX waiting in the lock manager (MS-CIFS 3.3.5.30, Timeout != 0). */
struct PendingLock {
  std::uint64_t connection_id = 0;
  p::Header header;
  std::uint32_t sequence = 0;
  WaiterId waiter = 0;
  Clock::TimerId timer = 0;
  std::pair<std::uint64_t, std::uint64_t> file;
  bool done = false;
};

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
  // <39>: CHANGE_LOCKTYPE is not supported by NT servers.
  if (m.type_of_lock & p::CHANGE_LOCKTYPE) return NtStatus{0xC00000BB};  // STATUS_NOT_SUPPORTED
  LockManager& table = locks_of(s, *open->file);
  bool exclusive = !(m.type_of_lock & p::SHARED_LOCK);

  if (m.type_of_lock & p::CANCEL_LOCK) {
    // <40>: cancel the pending blocking lock of the first range (Windows NT cancels only the first).
    if (!m.locks.empty()) {
      const auto& l = m.locks.front();
      for (const auto& w : table.waiters())
        if (w.owner == owner_of(*open, l.pid) && w.offset == l.byte_offset && w.length == l.length_in_bytes) {
          table.cancel_waiter(w.id, NtStatus{0xC0000054});  // the blocked request fails FILE_LOCK_CONFLICT
          break;
        }
    }
    return p::LockingAndxResponse{};
  }

  // Unlocks first (3.3.5.30 -> MS-FSA 2.1.5.9): a range not locked by this FID+PID -> STATUS_RANGE_NOT_LOCKED.
  for (const auto& u : m.unlocks) {
    NtStatus st = table.unlock(owner_of(*open, u.pid), u.byte_offset, u.length_in_bytes);
    if (!st.is_success()) return st;
  }
  if (m.locks.empty()) return p::LockingAndxResponse{};

  // Locks (MS-FSA 2.1.5.8, ExclusiveLock = !SHARED_LOCK, FailImmediately = Timeout == 0). The request is
  // atomic: if any range fails, the locks granted by this request are removed again (SMB1-LOCK-03).
  if (m.timeout != 0 && m.locks.size() == 1 && r.first_in_chain) {
    const auto& l = m.locks.front();
    auto pending = std::make_shared<PendingLock>();
    pending->connection_id = r.connection.id;
    pending->header = r.header;
    pending->sequence = r.sequence;
    pending->file = {open->file->device, open->file->inode};
    Server* sp = &s;
    LockWait w = table.add_waiter(owner_of(*open, l.pid), l.byte_offset, l.length_in_bytes, exclusive,
                                  [sp, pending](NtStatus st) {
                                    if (pending->done) return;
                                    pending->done = true;
                                    if (pending->timer) sp->clock.cancel(pending->timer);
                                    // A waiter cancelled because its open closed reports the conflict.
                                    if (st == status::STATUS_CANCELLED) st = NtStatus{0xC0000054};
                                    if (st.is_success()) finish_deferred(*sp, pending->connection_id, pending->header, pending->sequence, Reply(p::LockingAndxResponse{}));
                                    else finish_deferred(*sp, pending->connection_id, pending->header, pending->sequence, Reply(st));
                                  });
    if (w.status.is_success()) return p::LockingAndxResponse{};
    if (w.status != status::STATUS_PENDING) return w.status;
    pending->waiter = w.id;
    if (m.timeout != 0xFFFFFFFF) {
      // The status of an expired Timeout is not specified by MS-CIFS; Windows-compatible servers (and Samba)
      // answer STATUS_FILE_LOCK_CONFLICT (smb1-processing.md §7.2, UNVERIFIED for Windows).
      pending->timer = s.clock.schedule_after(std::chrono::milliseconds(m.timeout), [sp, pending] {
        pending->timer = 0;
        auto it = sp->files.find(pending->file);
        if (it == sp->files.end()) return;
        it->second->locks.cancel_waiter(pending->waiter, NtStatus{0xC0000054});
      });
    }
    return Reply::later();
  }
  std::vector<std::size_t> granted;
  for (std::size_t i = 0; i < m.locks.size(); ++i) {
    const auto& l = m.locks[i];
    NtStatus st = table.lock(owner_of(*open, l.pid), l.byte_offset, l.length_in_bytes, exclusive);
    if (!st.is_success()) {
      for (auto it = granted.rbegin(); it != granted.rend(); ++it) {
        const auto& g = m.locks[*it];
        (void)table.unlock(owner_of(*open, g.pid), g.byte_offset, g.length_in_bytes);
      }
      return st;
    }
    granted.push_back(i);
  }
  return p::LockingAndxResponse{};
}

bool break_for_open(Server& s, File& file, std::uint32_t granted_access, bool overwrite, bool sharing_conflict) {
  // MS-FSA 2.1.4.12 (OPEN): an open asking only for attribute access breaks no oplock.
  constexpr std::uint32_t attr_only = access::FILE_READ_ATTRIBUTES | access::FILE_WRITE_ATTRIBUTES | access::SYNCHRONIZE;
  if ((granted_access & ~attr_only) == 0) return false;
  bool must_wait = false;
  std::vector<Open*> holders(file.opens.begin(), file.opens.end());
  for (Open* o : holders) {
    if (std::find(file.opens.begin(), file.opens.end(), o) == file.opens.end()) continue;
    if (exclusive_level(o->oplock_level)) {
      // MS-FSA 2.1.5.1.2.1: only BATCH is broken before the share-access check.
      if (sharing_conflict && o->oplock_level != kLevelBatch) continue;
      if (o->oplock_state == OplockState::breaking) {
        must_wait = true;
        continue;
      }
      // MS-FSA 2.1.4.12: exclusive/batch break to level II, or to none for supersede/overwrite.
      if (oplock_start_break(s, *o, overwrite ? kLevelNone : kLevelII)) must_wait = true;
    } else if (o->oplock_level == kLevelII && overwrite && !sharing_conflict) {
      oplock_start_break(s, *o, kLevelNone);  // no acknowledgment, no waiting
    }
  }
  return must_wait;
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

}  // namespace smb::server::smb1
