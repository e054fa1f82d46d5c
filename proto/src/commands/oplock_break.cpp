// SMB2 OPLOCK_BREAK family codec (MS-SMB2 2.2.23.1/2, 2.2.24.1/2, 2.2.25.1/2). Body offsets in hex.
#include "smbproto/commands/oplock_break.hpp"

#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {

template <class T>
void encode_oplock(wire::Writer& w, const T& m) {
  w.u16(m.structure_size);    // 0x00 StructureSize (24)
  w.u8(m.oplock_level);       // 0x02 OplockLevel
  w.u8(m.reserved);           // 0x03 Reserved
  w.u32(m.reserved2);         // 0x04 Reserved2
  detail::put(w, m.file_id);  // 0x08 FileId
}

template <class T>
Result<void> decode_oplock(wire::Reader& r, T& out) {
  out.structure_size = r.u16();
  out.oplock_level = r.u8();
  out.reserved = r.u8();
  out.reserved2 = r.u32();
  out.file_id = detail::get_file_id(r);
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 24) return errc::bad_structure_size;
  return {};
}

template <class T>
void encode_lease(wire::Writer& w, const T& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (36)
  w.u16(m.reserved);        // 0x02 Reserved
  w.u32(m.flags);           // 0x04 Flags
  w.array(m.lease_key);     // 0x08 LeaseKey
  w.u32(m.lease_state);     // 0x18 LeaseState
  w.u64(m.lease_duration);  // 0x1C LeaseDuration
}

template <class T>
Result<void> decode_lease(wire::Reader& r, T& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  out.flags = r.u32();
  out.lease_key = r.array<16>();
  out.lease_state = r.u32();
  out.lease_duration = r.u64();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 36) return errc::bad_structure_size;
  return {};
}

}  // namespace

// MS-SMB2 2.2.24.1 / 2.2.25.1 (and 2.2.23.1)
void encode(wire::Writer& w, const OplockBreakAcknowledgment& m) { encode_oplock(w, m); }
void encode(wire::Writer& w, const OplockBreakResponse& m) { encode_oplock(w, m); }
Result<void> decode(wire::Reader& r, OplockBreakAcknowledgment& out) { return decode_oplock(r, out); }
Result<void> decode(wire::Reader& r, OplockBreakResponse& out) { return decode_oplock(r, out); }

// MS-SMB2 2.2.24.2 / 2.2.25.2
void encode(wire::Writer& w, const LeaseBreakAcknowledgment& m) { encode_lease(w, m); }
void encode(wire::Writer& w, const LeaseBreakResponse& m) { encode_lease(w, m); }
Result<void> decode(wire::Reader& r, LeaseBreakAcknowledgment& out) { return decode_lease(r, out); }
Result<void> decode(wire::Reader& r, LeaseBreakResponse& out) { return decode_lease(r, out); }

// MS-SMB2 2.2.23.2
void encode(wire::Writer& w, const LeaseBreakNotification& m) {
  w.u16(m.structure_size);       // 0x00 StructureSize (44)
  w.u16(m.new_epoch);            // 0x02 NewEpoch
  w.u32(m.flags);                // 0x04 Flags
  w.array(m.lease_key);          // 0x08 LeaseKey
  w.u32(m.current_lease_state);  // 0x18 CurrentLeaseState
  w.u32(m.new_lease_state);      // 0x1C NewLeaseState
  w.u32(m.break_reason);         // 0x20 BreakReason
  w.u32(m.access_mask_hint);     // 0x24 AccessMaskHint
  w.u32(m.share_mask_hint);      // 0x28 ShareMaskHint
}

Result<void> decode(wire::Reader& r, LeaseBreakNotification& out) {
  out.structure_size = r.u16();
  out.new_epoch = r.u16();
  out.flags = r.u32();
  out.lease_key = r.array<16>();
  out.current_lease_state = r.u32();
  out.new_lease_state = r.u32();
  out.break_reason = r.u32();
  out.access_mask_hint = r.u32();
  out.share_mask_hint = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 44) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
