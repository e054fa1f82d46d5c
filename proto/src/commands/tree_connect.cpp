// SMB2 TREE_CONNECT codec (MS-SMB2 2.2.9, 2.2.10). Body offsets in hex.
#include "smbproto/commands/tree_connect.hpp"

#include "body.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kTreeConnectRequestFixed = 8;  // StructureSize 9 = 8 + 1 byte of Buffer
}  // namespace

// MS-SMB2 2.2.9
void encode(wire::Writer& w, const TreeConnectRequest& m) {
  std::size_t start = w.offset();
  wire::Bytes path = wire::utf16le_from_utf8(m.path);
  w.u16(m.structure_size);                                  // 0x00 StructureSize (9)
  w.u16(m.flags);                                           // 0x02 Flags/Reserved
  w.u16(static_cast<std::uint16_t>(start + kTreeConnectRequestFixed)); // 0x04 PathOffset
  w.u16(static_cast<std::uint16_t>(path.size()));           // 0x06 PathLength
  w.bytes(path);                                            // 0x08 Buffer
  detail::pad_if_empty(w, start, kTreeConnectRequestFixed);
}

Result<void> decode(wire::Reader& r, TreeConnectRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.flags = r.u16();
  std::uint16_t offset = r.u16();
  std::uint16_t length = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 9) return errc::bad_structure_size;
  auto path = detail::utf16_at(r, offset, length, start + kTreeConnectRequestFixed);
  if (!path) return path.error();
  out.path = std::move(*path);
  return {};
}

// MS-SMB2 2.2.10
void encode(wire::Writer& w, const TreeConnectResponse& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (16)
  w.u8(m.share_type);       // 0x02 ShareType
  w.u8(m.reserved);         // 0x03 Reserved
  w.u32(m.share_flags);     // 0x04 ShareFlags
  w.u32(m.capabilities);    // 0x08 Capabilities
  w.u32(m.maximal_access);  // 0x0C MaximalAccess
}

Result<void> decode(wire::Reader& r, TreeConnectResponse& out) {
  out.structure_size = r.u16();
  out.share_type = r.u8();
  out.reserved = r.u8();
  out.share_flags = r.u32();
  out.capabilities = r.u32();
  out.maximal_access = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 16) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
