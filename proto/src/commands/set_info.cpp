// SMB2 SET_INFO codec (MS-SMB2 2.2.39, 2.2.40). Body offsets in hex.
#include "smbproto/commands/set_info.hpp"

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kSetInfoRequestFixed = 32;  // StructureSize 33 = 32 + 1 byte of Buffer
}  // namespace

// MS-SMB2 2.2.39
void encode(wire::Writer& w, const SetInfoRequest& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);                                   // 0x00 StructureSize (33)
  w.u8(m.info_type);                                         // 0x02 InfoType
  w.u8(m.file_info_class);                                   // 0x03 FileInfoClass
  w.u32(static_cast<std::uint32_t>(m.buffer.size()));        // 0x04 BufferLength
  w.u16(static_cast<std::uint16_t>(start + kSetInfoRequestFixed));  // 0x08 BufferOffset (hdr 0x60)
  w.u16(m.reserved);                                         // 0x0A Reserved
  w.u32(m.additional_information);                           // 0x0C AdditionalInformation
  detail::put(w, m.file_id);                                 // 0x10 FileId
  w.bytes(m.buffer);                                         // 0x20 Buffer
  detail::pad_if_empty(w, start, kSetInfoRequestFixed);
}

Result<void> decode(wire::Reader& r, SetInfoRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.info_type = r.u8();
  out.file_info_class = r.u8();
  std::uint32_t length = r.u32();
  std::uint16_t offset = r.u16();
  out.reserved = r.u16();
  out.additional_information = r.u32();
  out.file_id = detail::get_file_id(r);
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 33) return errc::bad_structure_size;
  auto buf = detail::buffer_at(r, offset, length, start + kSetInfoRequestFixed);
  if (!buf) return buf.error();
  out.buffer = detail::to_bytes(*buf);
  return {};
}

// MS-SMB2 2.2.40
void encode(wire::Writer& w, const SetInfoResponse& m) {
  w.u16(m.structure_size);  // 0x00 StructureSize (2)
}

Result<void> decode(wire::Reader& r, SetInfoResponse& out) {
  out.structure_size = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 2) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
