// Open.LockSequenceArray rules of SMB2 LOCK (MS-SMB2 3.3.1.10, 3.3.5.14, 3.3.5.14.1, 3.3.5.14.2) as pure functions.
//
// No threads, no state of its own: the array lives in the Open. Wiring in the LOCK handler, after
// the session/tree/open lookups and the IsReplayEligible reset (3.3.5.14), before any flag check:
//
//   LockSequenceContext ctx{conn.dialect, conn.server_capabilities, open.is_resilient,
//                           open.is_durable, open.is_persistent, config_scope};
//   const auto seq = req.lock_sequence;                       // proto::LockSequence {index, number}
//   if (begin_lock_sequence(open.lock_sequence_array, ctx, seq.index, seq.number)
//       == LockSequenceVerdict::replay)
//     return LockResponse{};                                   // STATUS_SUCCESS, nothing else done
//   ... unlock path (3.3.5.14.1) or lock path (3.3.5.14.2) ...
//   if (all elements succeeded)
//     commit_lock_sequence(open.lock_sequence_array, ctx, seq.index, seq.number);
//   // on any failure: call nothing (the entry stays as begin_lock_sequence left it)
//
// The array type is generic: any std::array<E, 64> whose E has `bool valid` and an integer
// `sequence_number` works (e.g. state.hpp's LockSequenceEntry); LockSequenceSlot below is the
// module's own entry type. Entry i (1..64) is stored at [i - 1]. On CREATE (3.3.5.9) every entry
// starts Valid FALSE: use reset_lock_sequence_array().
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace smb::server {

/** One Open.LockSequenceArray entry (MS-SMB2 3.3.1.10). */
struct LockSequenceSlot {
  bool valid = false;
  std::uint8_t sequence_number = 0;  ///< 4 bits
  bool operator==(const LockSequenceSlot&) const = default;
};
using LockSequenceSlots = std::array<LockSequenceSlot, 64>;

/** Number of entries in Open.LockSequenceArray (MS-SMB2 3.3.1.10: indexes 1..64). */
inline constexpr std::uint32_t kLockSequenceEntries = 64;
/** SMB2_GLOBAL_CAP_MULTI_CHANNEL (MS-SMB2 2.2.4). */
inline constexpr std::uint32_t kGlobalCapMultiChannel = 0x00000008;

/**
 * When lock-sequence *verification* is done (profile flag `lockseq_scope`, traceability 12).
 * Narrowing applies to verification only; recording after success always follows the spec text.
 */
enum class LockSequenceScope {
  spec,                     ///< resilient, durable or persistent open, or 3.x + MULTI_CHANNEL (3.3.5.14)
  resilient_only,           ///< <370>: Windows 7 / Server 2008 R2
  resilient_or_persistent,  ///< older <370> text: Windows 8 ... v1909 / Server 2012 ... v2004
  none,                     ///< never verify (Samba's "smb2 disable lock sequence checking")
};

/** What the rules read from the Connection and the Open. */
struct LockSequenceContext {
  std::uint16_t dialect = 0;              ///< Connection.Dialect as its code (0x0202 ... 0x0311)
  std::uint32_t server_capabilities = 0;  ///< Connection.ServerCapabilities (SMB2_GLOBAL_CAP_*)
  bool is_resilient = false;              ///< Open.IsResilient
  bool is_durable = false;                ///< Open.IsDurable
  bool is_persistent = false;             ///< Open.IsPersistent
  LockSequenceScope scope = LockSequenceScope::spec;
};

/** What the LOCK handler must do before processing the elements. */
enum class LockSequenceVerdict {
  not_consulted,  ///< process normally; the entry was not looked at or not compared
  replay,         ///< 3.3.5.14: return STATUS_SUCCESS with nothing else done
  mismatch,       ///< entry was Valid with another number: it is now Valid FALSE; process normally
};

/** The decision of 3.3.5.14 without touching any state (see begin_lock_sequence for the effect). */
struct LockSequenceDecision {
  LockSequenceVerdict verdict = LockSequenceVerdict::not_consulted;
  bool invalidate_entry = false;  ///< set entry Valid FALSE before processing (only for mismatch)
  bool record_on_success = false; ///< after all elements succeed, entry := {TRUE, number}
};

/** True for the 3.x dialect family (0x0300, 0x0302, 0x0311; MS-SMB2 1.7). */
constexpr bool is_smb3_dialect(std::uint16_t dialect) { return dialect >= 0x0300 && dialect <= 0x03FF; }

/** The array is used at all: Connection.Dialect is not "2.0.2" (3.3.5.14; 2.2.26 "unused" in 2.0.2). */
constexpr bool lock_sequence_in_use(const LockSequenceContext& c) { return c.dialect != 0x0202; }

/**
 * 3.3.5.14 verification condition, narrowed by c.scope: "Open.IsResilient or Open.IsDurable or
 * Open.IsPersistent is TRUE or Connection.Dialect belongs to the SMB 3.x dialect family and
 * Connection.ServerCapabilities includes SMB2_GLOBAL_CAP_MULTI_CHANNEL" (SHOULD, <370>).
 */
bool lock_sequence_verifies(const LockSequenceContext& c);

/**
 * 3.3.5.14.1 / 3.3.5.14.2 recording condition (not narrowed by scope): "Connection.Dialect is not
 * "2.0.2" and ... Open.IsResilient or Open.IsDurable, or Open.IsPersistent is TRUE or
 * Connection.ServerCapabilities includes the SMB2_GLOBAL_CAP_MULTI_CHANNEL bit".
 */
bool lock_sequence_records(const LockSequenceContext& c);

/** True when LockSequenceIndex names an entry: 1..64 (0 is reserved, > 64 exceeds the array). */
constexpr bool lock_sequence_index_valid(std::uint32_t index) { return index >= 1 && index <= kLockSequenceEntries; }

/**
 * Pure 3.3.5.14 decision. `entry` is Open.LockSequenceArray[index] (nullopt when the index is not
 * 1..64). Only the low 4 bits of `number` are compared (2.2.26 LockSequenceNumber is 4 bits).
 * Order as the spec gives it: dialect 2.0.2 -> nothing; index 0 / > 64 / entry not Valid -> process
 * (recording allowed only for a real entry); entry Valid and verification applies -> equal numbers
 * are a replay, different numbers invalidate the entry *before* processing; entry Valid but
 * verification not done -> process.
 */
LockSequenceDecision decide_lock_sequence(const LockSequenceContext& c, std::uint32_t index, std::uint8_t number,
                                          std::optional<LockSequenceSlot> entry);

template <class E>
concept LockSequenceEntryLike = requires(E e) {
  { e.valid } -> std::convertible_to<bool>;
  e.sequence_number = std::uint8_t{0};
};

/** Marks every entry Valid FALSE (CREATE, 3.3.5.9: the array is initialized with Valid FALSE). */
template <LockSequenceEntryLike E>
void reset_lock_sequence_array(std::array<E, kLockSequenceEntries>& array) {
  for (E& e : array) {
    e.valid = false;
    e.sequence_number = 0;
  }
}

/**
 * Front end of 3.3.5.14 on the Open's array: decides, and applies the "reset the entry" effect of a
 * mismatch. Returns the verdict; on `replay` the handler answers STATUS_SUCCESS and does nothing
 * else (not even flag validation, SMB2-LOCK-39).
 */
template <LockSequenceEntryLike E>
LockSequenceVerdict begin_lock_sequence(std::array<E, kLockSequenceEntries>& array, const LockSequenceContext& c,
                                        std::uint32_t index, std::uint8_t number) {
  std::optional<LockSequenceSlot> entry;
  if (lock_sequence_index_valid(index)) {
    const E& e = array[index - 1];
    entry = LockSequenceSlot{static_cast<bool>(e.valid), static_cast<std::uint8_t>(e.sequence_number)};
  }
  const LockSequenceDecision d = decide_lock_sequence(c, index, number, entry);
  // decide_lock_sequence invalidates only entries 1..64; the guard says so where the array is indexed.
  if (d.invalidate_entry && lock_sequence_index_valid(index)) array[index - 1].valid = false;
  return d.verdict;
}

/**
 * Back end of 3.3.5.14.1 / 3.3.5.14.2: call only after every element succeeded. Sets the entry to
 * {Valid TRUE, number & 0xF} when the recording condition holds and index is 1..64 (the spec's store
 * step repeats no index guard; indexes 0 and > 64 are never stored, smb2-processing.md 7.5).
 * Returns whether the entry was written.
 */
template <LockSequenceEntryLike E>
bool commit_lock_sequence(std::array<E, kLockSequenceEntries>& array, const LockSequenceContext& c,
                          std::uint32_t index, std::uint8_t number) {
  if (!lock_sequence_index_valid(index) || !lock_sequence_records(c)) return false;
  array[index - 1].valid = true;
  array[index - 1].sequence_number = static_cast<std::uint8_t>(number & 0xFu);
  return true;
}

}  // namespace smb::server
