// SMB2 LOGOFF codec (MS-SMB2 2.2.7, 2.2.8). Body offsets in hex.
#include "smbproto/commands/logoff.hpp"

namespace smb::proto {

// MS-SMB2 2.2.7
void encode(wire::Writer& w, const LogoffRequest& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, LogoffRequest& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

// MS-SMB2 2.2.8
void encode(wire::Writer& w, const LogoffResponse& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, LogoffResponse& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
