// SMB2 CLOSE codec (MS-SMB2 2.2.15, 2.2.16). Body offsets in hex.
#include "smbproto/commands/close.hpp"

#include "smbproto/detail/fileid.hpp"

namespace smb::proto {

// MS-SMB2 2.2.15
void encode(wire::Writer& w, const CloseRequest& m) {
  w.u16(m.structure_size);    // 0x00 StructureSize (24)
  w.u16(m.flags);             // 0x02 Flags
  w.u32(m.reserved);          // 0x04 Reserved
  detail::put(w, m.file_id);  // 0x08 FileId
}

Result<void> decode(wire::Reader& r, CloseRequest& out) {
  out.structure_size = r.u16();
  out.flags = r.u16();
  out.reserved = r.u32();
  out.file_id = detail::get_file_id(r);
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 24) return errc::bad_structure_size;
  return {};
}

// MS-SMB2 2.2.16
void encode(wire::Writer& w, const CloseResponse& m) {
  w.u16(m.structure_size);    // 0x00 StructureSize (60)
  w.u16(m.flags);             // 0x02 Flags
  w.u32(m.reserved);          // 0x04 Reserved
  w.u64(m.creation_time);     // 0x08 CreationTime
  w.u64(m.last_access_time);  // 0x10 LastAccessTime
  w.u64(m.last_write_time);   // 0x18 LastWriteTime
  w.u64(m.change_time);       // 0x20 ChangeTime
  w.u64(m.allocation_size);   // 0x28 AllocationSize
  w.u64(m.end_of_file);       // 0x30 EndofFile
  w.u32(m.file_attributes);   // 0x38 FileAttributes
}

Result<void> decode(wire::Reader& r, CloseResponse& out) {
  out.structure_size = r.u16();
  out.flags = r.u16();
  out.reserved = r.u32();
  out.creation_time = r.u64();
  out.last_access_time = r.u64();
  out.last_write_time = r.u64();
  out.change_time = r.u64();
  out.allocation_size = r.u64();
  out.end_of_file = r.u64();
  out.file_attributes = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 60) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
