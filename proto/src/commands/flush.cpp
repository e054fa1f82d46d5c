// SMB2 FLUSH codec (MS-SMB2 2.2.17, 2.2.18). Body offsets in hex.
#include "smbproto/commands/flush.hpp"

#include "smbproto/detail/fileid.hpp"

namespace smb::proto {

void encode(wire::Writer& w, const FlushRequest& m) {
  w.u16(m.structure_size);    // 0x00 StructureSize (24)
  w.u16(m.reserved1);         // 0x02 Reserved1
  w.u32(m.reserved2);         // 0x04 Reserved2
  detail::put(w, m.file_id);  // 0x08 FileId (16)
}

Result<void> decode(wire::Reader& r, FlushRequest& out) {
  out.structure_size = r.u16();
  out.reserved1 = r.u16();
  out.reserved2 = r.u32();
  out.file_id = detail::get_file_id(r);
  if (!r.ok()) return errc::truncated;
  // StructureSize is checked after the fixed part is known to be present: a short body is
  // reported as truncated even when its first two bytes are wrong too.
  if (out.structure_size != 24) return errc::bad_structure_size;
  return {};
}

void encode(wire::Writer& w, const FlushResponse& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, FlushResponse& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
