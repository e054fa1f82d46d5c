// SMB2 TREE_DISCONNECT codec (MS-SMB2 2.2.11, 2.2.12). Body offsets in hex.
#include "smbproto/commands/tree_disconnect.hpp"

namespace smb::proto {

// MS-SMB2 2.2.11
void encode(wire::Writer& w, const TreeDisconnectRequest& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, TreeDisconnectRequest& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

// MS-SMB2 2.2.12
void encode(wire::Writer& w, const TreeDisconnectResponse& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (4)
  w.u16(m.reserved);        // 0x02 Reserved
}

Result<void> decode(wire::Reader& r, TreeDisconnectResponse& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 4) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
