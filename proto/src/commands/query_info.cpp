// SMB2 QUERY_INFO codec (MS-SMB2 2.2.37, 2.2.38). Body offsets in hex.
#include "smbproto/commands/query_info.hpp"

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kQueryInfoRequestFixed = 40;  // StructureSize 41 = 40 + 1 byte of Buffer
constexpr std::size_t kQueryInfoResponseFixed = 8;  // StructureSize 9 = 8 + 1
}  // namespace

// MS-SMB2 2.2.37
void encode(wire::Writer& w, const QueryInfoRequest& m) {
  std::size_t start = w.offset();
  bool has_input = !m.input_buffer.empty();
  w.u16(m.structure_size);                                       // 0x00 StructureSize (41)
  w.u8(m.info_type);                                             // 0x02 InfoType
  w.u8(m.file_info_class);                                       // 0x03 FileInfoClass
  w.u32(m.output_buffer_length);                                 // 0x04 OutputBufferLength
  w.u16(has_input ? static_cast<std::uint16_t>(start + kQueryInfoRequestFixed) : 0);  // 0x08 InputBufferOffset
  w.u16(m.reserved);                                             // 0x0A Reserved
  w.u32(static_cast<std::uint32_t>(m.input_buffer.size()));      // 0x0C InputBufferLength
  w.u32(m.additional_information);                               // 0x10 AdditionalInformation
  w.u32(m.flags);                                                // 0x14 Flags
  detail::put(w, m.file_id);                                     // 0x18 FileId
  w.bytes(m.input_buffer);                                       // 0x28 Buffer
  detail::pad_if_empty(w, start, kQueryInfoRequestFixed);
}

Result<void> decode(wire::Reader& r, QueryInfoRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.info_type = r.u8();
  out.file_info_class = r.u8();
  out.output_buffer_length = r.u32();
  std::uint16_t offset = r.u16();
  out.reserved = r.u16();
  std::uint32_t length = r.u32();
  out.additional_information = r.u32();
  out.flags = r.u32();
  out.file_id = detail::get_file_id(r);
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 41) return errc::bad_structure_size;
  auto buf = detail::buffer_at(r, offset, length, start + kQueryInfoRequestFixed);
  if (!buf) return buf.error();
  out.input_buffer = detail::to_bytes(*buf);
  return {};
}

// MS-SMB2 2.2.38
void encode(wire::Writer& w, const QueryInfoResponse& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);                                    // 0x00 StructureSize (9)
  w.u16(static_cast<std::uint16_t>(start + kQueryInfoResponseFixed));  // 0x02 OutputBufferOffset (hdr 0x48)
  w.u32(static_cast<std::uint32_t>(m.output_buffer.size()));  // 0x04 OutputBufferLength
  w.bytes(m.output_buffer);                                   // 0x08 Buffer
  detail::pad_if_empty(w, start, kQueryInfoResponseFixed);
}

Result<void> decode(wire::Reader& r, QueryInfoResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  std::uint16_t offset = r.u16();
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 9) return errc::bad_structure_size;
  auto buf = detail::buffer_at(r, offset, length, start + kQueryInfoResponseFixed);
  if (!buf) return buf.error();
  out.output_buffer = detail::to_bytes(*buf);
  return {};
}

}  // namespace smb::proto
