// SMB2 ECHO codec (MS-SMB2 2.2.28, 2.2.29). Body offsets in hex.
#include "smbproto/commands/echo.hpp"

namespace smb::proto {

// MS-SMB2 2.2.28
void encode(wire::Writer& w, const EchoRequest& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, EchoRequest& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

// MS-SMB2 2.2.29
void encode(wire::Writer& w, const EchoResponse& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, EchoResponse& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
