// SMB2 LOCK codec (MS-SMB2 2.2.26, 2.2.26.1, 2.2.27). Body offsets in hex.
#include "smbproto/commands/lock.hpp"

#include "smbproto/detail/fileid.hpp"

namespace smb::proto {

// MS-SMB2 2.2.26
void encode(wire::Writer& w, const LockRequest& m) {
  w.u16(m.structure_size);                                                    // 0x00 StructureSize (48)
  w.u16(m.lock_count ? *m.lock_count : static_cast<std::uint16_t>(m.locks.size()));  // 0x02 LockCount
  w.u32(pack_lock_sequence(m.lock_sequence));  // 0x04 LockSequenceNumber (bits 0-3) / LockSequenceIndex (4-31)
  detail::put(w, m.file_id);                   // 0x08 FileId
  for (const auto& l : m.locks) {              // 0x18 Locks
    w.u64(l.offset);                           // +0x00 Offset
    w.u64(l.length);                           // +0x08 Length
    w.u32(l.flags);                            // +0x10 Flags
    w.u32(l.reserved);                         // +0x14 Reserved
  }
}

Result<void> decode(wire::Reader& r, LockRequest& out) {
  out.structure_size = r.u16();
  std::uint16_t count = r.u16();
  out.lock_sequence = unpack_lock_sequence(r.u32());
  out.file_id = detail::get_file_id(r);
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 48) return errc::bad_structure_size;
  out.lock_count = count;
  out.locks.clear();
  // Bound before allocating: a huge LockCount with a short body is truncation, not a 1.5 MB vector.
  if (std::size_t{count} * 24 > r.remaining()) return errc::truncated;
  out.locks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    LockElement l;
    l.offset = r.u64();
    l.length = r.u64();
    l.flags = r.u32();
    l.reserved = r.u32();
    out.locks.push_back(l);
  }
  return {};
}

// MS-SMB2 2.2.27
void encode(wire::Writer& w, const LockResponse& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, LockResponse& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
