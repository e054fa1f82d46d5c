// SMB1 SMB_COM_LOCKING_ANDX, including the server's oplock break request (MS-CIFS 2.2.4.32, 3.3.4.2).
#pragma once

#include <cstdint>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

// MS-CIFS 2.2.4.32.1 TypeOfLock
inline constexpr std::uint8_t READ_WRITE_LOCK = 0x00;
inline constexpr std::uint8_t SHARED_LOCK = 0x01;
inline constexpr std::uint8_t OPLOCK_RELEASE = 0x02;
inline constexpr std::uint8_t CHANGE_LOCKTYPE = 0x04;
inline constexpr std::uint8_t CANCEL_LOCK = 0x08;
inline constexpr std::uint8_t LARGE_FILES = 0x10;
// MS-CIFS 2.2.4.32.1 NewOpLockLevel
inline constexpr std::uint8_t OPLOCK_LEVEL_NONE = 0x00;
inline constexpr std::uint8_t OPLOCK_LEVEL_II = 0x01;

/**
 * One byte range: LOCKING_ANDX_RANGE32 (10 bytes: PID, ByteOffset, LengthInBytes) without
 * LARGE_FILES, LOCKING_ANDX_RANGE64 (20 bytes: PID, Pad, ByteOffsetHigh, ByteOffsetLow,
 * LengthInBytesHigh, LengthInBytesLow) with it (MS-CIFS 2.2.4.32.1). The 64-bit halves are one
 * u64 here; the 32-bit form keeps the low 32 bits and has no pad.
 */
struct LockingAndxRange {
  std::uint16_t pid = 0;
  std::uint16_t pad = 0;
  std::uint64_t byte_offset = 0;
  std::uint64_t length_in_bytes = 0;
  bool operator==(const LockingAndxRange&) const = default;
};

/**
 * MS-CIFS 2.2.4.32.1 request, WordCount 0x08. NumberOfRequestedUnlocks/Locks are derived from
 * the vectors; the range form follows LARGE_FILES in `type_of_lock`. Bytes: Unlocks, then Locks.
 */
struct LockingAndxRequest {
  std::uint8_t word_count = 0x08;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t fid = 0;
  std::uint8_t type_of_lock = 0;       ///< names::type_of_lock
  std::uint8_t new_op_lock_level = 0;  ///< names::new_oplock_level
  std::uint32_t timeout = 0;           ///< ms; 0 fail at once, 0xFFFFFFFF wait forever
  std::vector<LockingAndxRange> unlocks;
  std::vector<LockingAndxRange> locks;
  bool operator==(const LockingAndxRequest&) const = default;
};

/** MS-CIFS 2.2.4.32.2 response: WordCount 0x02 (AndX only), ByteCount 0. */
struct LockingAndxResponse {
  std::uint8_t word_count = 0x02;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  bool operator==(const LockingAndxResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LockingAndxRange>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("pid"), m.pid);
  v(field("pad"), m.pad);
  v(field("byte_offset"), m.byte_offset);
  v(field("length_in_bytes"), m.length_in_bytes);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LockingAndxRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("fid"), m.fid);
  v(field("type_of_lock", &names::type_of_lock), m.type_of_lock);
  v(field("new_op_lock_level", &names::new_oplock_level), m.new_op_lock_level);
  v(field("timeout"), m.timeout);
  v(field("unlocks"), m.unlocks);
  v(field("locks"), m.locks);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LockingAndxResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
}

/**
 * The body of the server's oplock break notification (MS-CIFS 3.3.4.2): OPLOCK_RELEASE set,
 * NewOpLockLevel from the object store, Timeout/NumberOfRequestedUnlocks/NumberOfRequestedLocks/
 * ByteCount 0, AndXCommand 0xFF. See make_oplock_break (messages.hpp) for the whole message.
 */
LockingAndxRequest make_oplock_break_body(std::uint16_t fid, std::uint8_t new_op_lock_level);

void encode(wire::Writer& w, const LockingAndxRequest& m, const Context& c = {});
void encode(wire::Writer& w, const LockingAndxResponse& m, const Context& c = {});
/**
 * Request errors: errc::truncated, errc::bad_word_count (not 0x08), errc::bad_byte_count
 * (ByteCount past the message), errc::bad_count (the ranges the two counts announce do not fit in
 * ByteCount). Response errors: errc::truncated, errc::bad_word_count, errc::bad_byte_count (not 0).
 */
Result<void> decode(wire::Reader& r, LockingAndxRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, LockingAndxResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
