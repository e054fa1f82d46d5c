// SMB2 OPLOCK_BREAK family: oplock and lease break notification/acknowledgment/response (MS-SMB2 2.2.23-2.2.25).
//
// All share Command 0x0012; StructureSize tells them apart (24 oplock, 36 lease ack/response,
// 44 lease notification). The server's Oplock Break Notification (2.2.23.1) has the oplock
// response's layout and decodes as OplockBreakResponse; the runner tells the two apart by
// MessageId 0xFFFFFFFFFFFFFFFF (3.3.4.6).
#pragma once

#include <array>
#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.24.1 Oplock Break Acknowledgment (client -> server). */
struct OplockBreakAcknowledgment {
  std::uint16_t structure_size = 24;  ///< MUST be 24
  std::uint8_t oplock_level = 0;      ///< names::oplock_level (NONE or II)
  std::uint8_t reserved = 0;
  std::uint32_t reserved2 = 0;
  FileId file_id;
  bool operator==(const OplockBreakAcknowledgment&) const = default;
};

/** MS-SMB2 2.2.25.1 Oplock Break Response; also 2.2.23.1 Oplock Break Notification (same layout). */
struct OplockBreakResponse {
  std::uint16_t structure_size = 24;  ///< MUST be 24
  std::uint8_t oplock_level = 0;      ///< names::oplock_level
  std::uint8_t reserved = 0;
  std::uint32_t reserved2 = 0;
  FileId file_id;
  bool operator==(const OplockBreakResponse&) const = default;
};

/** MS-SMB2 2.2.23.2 Lease Break Notification (server -> client, not 2.0.2). */
struct LeaseBreakNotification {
  std::uint16_t structure_size = 44;  ///< MUST be 44
  std::uint16_t new_epoch = 0;        ///< 3.x; else 0
  std::uint32_t flags = 0;            ///< names::lease_break_flags
  std::array<std::uint8_t, 16> lease_key{};
  std::uint32_t current_lease_state = 0;  ///< names::lease_state
  std::uint32_t new_lease_state = 0;      ///< names::lease_state
  std::uint32_t break_reason = 0;         ///< MUST be 0
  std::uint32_t access_mask_hint = 0;     ///< MUST be 0
  std::uint32_t share_mask_hint = 0;      ///< MUST be 0
  bool operator==(const LeaseBreakNotification&) const = default;
};

/** MS-SMB2 2.2.24.2 Lease Break Acknowledgment (client -> server). */
struct LeaseBreakAcknowledgment {
  std::uint16_t structure_size = 36;  ///< MUST be 36
  std::uint16_t reserved = 0;
  std::uint32_t flags = 0;            ///< MUST be 0
  std::array<std::uint8_t, 16> lease_key{};
  std::uint32_t lease_state = 0;      ///< names::lease_state
  std::uint64_t lease_duration = 0;   ///< MUST be 0
  bool operator==(const LeaseBreakAcknowledgment&) const = default;
};

/** MS-SMB2 2.2.25.2 Lease Break Response (server -> client). */
struct LeaseBreakResponse {
  std::uint16_t structure_size = 36;  ///< MUST be 36
  std::uint16_t reserved = 0;
  std::uint32_t flags = 0;            ///< MUST be 0
  std::array<std::uint8_t, 16> lease_key{};
  std::uint32_t lease_state = 0;      ///< names::lease_state
  std::uint64_t lease_duration = 0;   ///< MUST be 0
  bool operator==(const LeaseBreakResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, OplockBreakAcknowledgment> ||
           std::same_as<std::remove_cvref_t<M>, OplockBreakResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("oplock_level", &names::oplock_level), m.oplock_level);
  v(field("reserved"), m.reserved);
  v(field("reserved2"), m.reserved2);
  v(field("file_id"), m.file_id);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LeaseBreakNotification>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("new_epoch"), m.new_epoch);
  v(field("flags", &names::lease_break_flags), m.flags);
  v(field("lease_key"), m.lease_key);
  v(field("current_lease_state", &names::lease_state), m.current_lease_state);
  v(field("new_lease_state", &names::lease_state), m.new_lease_state);
  v(field("break_reason"), m.break_reason);
  v(field("access_mask_hint"), m.access_mask_hint);
  v(field("share_mask_hint"), m.share_mask_hint);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LeaseBreakAcknowledgment> ||
           std::same_as<std::remove_cvref_t<M>, LeaseBreakResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
  v(field("flags"), m.flags);
  v(field("lease_key"), m.lease_key);
  v(field("lease_state", &names::lease_state), m.lease_state);
  v(field("lease_duration"), m.lease_duration);
}

void encode(wire::Writer& w, const OplockBreakAcknowledgment& m);
void encode(wire::Writer& w, const OplockBreakResponse& m);
void encode(wire::Writer& w, const LeaseBreakNotification& m);
void encode(wire::Writer& w, const LeaseBreakAcknowledgment& m);
void encode(wire::Writer& w, const LeaseBreakResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size (24 / 44 / 36 expected). */
Result<void> decode(wire::Reader& r, OplockBreakAcknowledgment& out);
Result<void> decode(wire::Reader& r, OplockBreakResponse& out);
Result<void> decode(wire::Reader& r, LeaseBreakNotification& out);
Result<void> decode(wire::Reader& r, LeaseBreakAcknowledgment& out);
Result<void> decode(wire::Reader& r, LeaseBreakResponse& out);

}  // namespace smb::proto
