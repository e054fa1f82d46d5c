// LockSequenceArray decisions of SMB2 LOCK (MS-SMB2 3.3.5.14, 3.3.5.14.1, 3.3.5.14.2); see lock_sequence.hpp.
#include "smbserver/lock_sequence.hpp"

namespace smb::server {

namespace {
bool has_multi_channel(const LockSequenceContext& c) { return (c.server_capabilities & kGlobalCapMultiChannel) != 0; }
}  // namespace

bool lock_sequence_verifies(const LockSequenceContext& c) {
  switch (c.scope) {
    case LockSequenceScope::spec:
      // 3.3.5.14: resilient, durable or persistent open, or a 3.x connection with MULTI_CHANNEL.
      return c.is_resilient || c.is_durable || c.is_persistent ||
             (is_smb3_dialect(c.dialect) && has_multi_channel(c));
    case LockSequenceScope::resilient_only:
      // <370>: Windows 7 and Windows Server 2008 R2 verify only when Open.IsResilient is TRUE.
      return c.is_resilient;
    case LockSequenceScope::resilient_or_persistent:
      // Earlier <370> text (Windows 8 ... v1909, Server 2012 ... v2004): resilient or persistent opens.
      return c.is_resilient || c.is_persistent;
    case LockSequenceScope::none:
      return false;
  }
  return false;
}

bool lock_sequence_records(const LockSequenceContext& c) {
  // 3.3.5.14.1 / 3.3.5.14.2, last paragraph, literally (no 3.x qualifier on MULTI_CHANNEL there).
  return lock_sequence_in_use(c) && (c.is_resilient || c.is_durable || c.is_persistent || has_multi_channel(c));
}

LockSequenceDecision decide_lock_sequence(const LockSequenceContext& c, std::uint32_t index, std::uint8_t number,
                                          std::optional<LockSequenceSlot> entry) {
  LockSequenceDecision d;
  // 3.3.5.14: "If Connection.Dialect is not "2.0.2", the server MUST use LockSequenceIndex ..." --
  // in 2.0.2 the field is reserved (2.2.26) and the array is neither read nor written.
  if (!lock_sequence_in_use(c)) return d;
  // Index 0 or > 64: "continue lock/unlock processing"; the store step is skipped for these too.
  if (!lock_sequence_index_valid(index) || !entry) return d;
  d.record_on_success = lock_sequence_records(c);
  // Entry not Valid: "continue lock/unlock processing".
  if (!entry->valid) return d;
  // Valid entry: compared only for the open kinds / connections the (possibly narrowed) rule covers.
  if (!lock_sequence_verifies(c)) return d;
  if ((entry->sequence_number & 0xFu) == (number & 0xFu)) {
    // "... the server MUST complete the lock/unlock request with success" -- nothing else is done,
    // so nothing is recorded either (the entry already holds this number).
    d.verdict = LockSequenceVerdict::replay;
    d.record_on_success = false;
    return d;
  }
  // "Otherwise, the server MUST reset the entry by setting Valid to FALSE and continue" -- before
  // processing, so a failing request leaves the entry invalid (SMB2-LOCK-36/38).
  d.verdict = LockSequenceVerdict::mismatch;
  d.invalidate_entry = true;
  return d;
}

}  // namespace smb::server
