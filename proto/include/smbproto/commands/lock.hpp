// SMB2 LOCK request and response (MS-SMB2 2.2.26, 2.2.26.1, 2.2.27).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/**
 * MS-SMB2 2.2.26 LockSequenceNumber (4 bits) / LockSequenceIndex (28 bits), one little-endian
 * uint32 at body 0x04: v = (index << 4) | (number & 0xF). The number is the LOW nibble of body
 * byte 0x04 (several public libraries swap the two).
 */
struct LockSequence {
  std::uint32_t index = 0;  ///< 1..64 valid; 0 = no sequence (3.3.5.14)
  std::uint8_t number = 0;  ///< 4 bits
  bool operator==(const LockSequence&) const = default;
};

/** MS-SMB2 2.2.26.1 SMB2_LOCK_ELEMENT (24 bytes). */
struct LockElement {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  std::uint32_t flags = 0;     ///< names::lock_flags
  std::uint32_t reserved = 0;
  bool operator==(const LockElement&) const = default;
};

/** MS-SMB2 2.2.26 SMB2 LOCK Request. */
struct LockRequest {
  std::uint16_t structure_size = 48;  ///< MUST be 48 whatever LockCount is
  /**
   * LockCount. Unset: the encoder writes locks.size(). Set: written verbatim, so a scenario can send
   * LockCount 0 with one element present (3.3.5.14 "If the LockCount field is zero, the server MUST
   * fail the request with STATUS_INVALID_PARAMETER"). Decode always sets it.
   */
  std::optional<std::uint16_t> lock_count;
  LockSequence lock_sequence;
  FileId file_id;
  std::vector<LockElement> locks;
  bool operator==(const LockRequest&) const = default;
};

/** MS-SMB2 2.2.27 SMB2 LOCK Response. */
struct LockResponse {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;
  bool operator==(const LockResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LockSequence>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("index"), m.index);
  v(field("number"), m.number);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LockElement>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("offset"), m.offset);
  v(field("length"), m.length);
  v(field("flags", &names::lock_flags), m.flags);
  v(field("reserved"), m.reserved);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LockRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("lock_count"), m.lock_count);
  v(field("lock_sequence"), m.lock_sequence);
  v(field("file_id"), m.file_id);
  v(field("locks"), m.locks);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LockResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

/** Packs/unpacks the u32 at body 0x04. Bits of `index` above 28 and of `number` above 4 are dropped. */
constexpr std::uint32_t pack_lock_sequence(const LockSequence& s) { return (s.index << 4) | (s.number & 0xFu); }
constexpr LockSequence unpack_lock_sequence(std::uint32_t v) {
  return LockSequence{v >> 4, static_cast<std::uint8_t>(v & 0xFu)};
}

/** Request: 24 fixed bytes then every element of `locks` (whatever lock_count says). */
void encode(wire::Writer& w, const LockRequest& m);
void encode(wire::Writer& w, const LockResponse& m);
/**
 * Request: reads LockCount elements; LockCount 0 decodes to no elements (the server rejects it).
 * Errors: errc::truncated (fixed part or any of the LockCount elements cut), errc::bad_structure_size.
 */
Result<void> decode(wire::Reader& r, LockRequest& out);
Result<void> decode(wire::Reader& r, LockResponse& out);

}  // namespace smb::proto
