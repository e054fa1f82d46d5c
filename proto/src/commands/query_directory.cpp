// SMB2 QUERY_DIRECTORY codec (MS-SMB2 2.2.33, 2.2.34). Body offsets in hex.
#include "smbproto/commands/query_directory.hpp"

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kQueryDirectoryRequestFixed = 32;  // StructureSize 33 = 32 + 1 byte of Buffer
constexpr std::size_t kQueryDirectoryResponseFixed = 8;  // StructureSize 9 = 8 + 1
}  // namespace

// MS-SMB2 2.2.33
void encode(wire::Writer& w, const QueryDirectoryRequest& m) {
  std::size_t start = w.offset();
  wire::Bytes name = wire::utf16le_from_utf8(m.file_name);
  w.u16(m.structure_size);                                   // 0x00 StructureSize (33)
  w.u8(m.file_information_class);                            // 0x02 FileInformationClass
  w.u8(m.flags);                                             // 0x03 Flags
  w.u32(m.file_index);                                       // 0x04 FileIndex
  detail::put(w, m.file_id);                                 // 0x08 FileId
  w.u16(static_cast<std::uint16_t>(start + kQueryDirectoryRequestFixed));  // 0x18 FileNameOffset
  w.u16(static_cast<std::uint16_t>(name.size()));            // 0x1A FileNameLength
  w.u32(m.output_buffer_length);                             // 0x1C OutputBufferLength
  w.bytes(name);                                             // 0x20 Buffer
  detail::pad_if_empty(w, start, kQueryDirectoryRequestFixed);
}

Result<void> decode(wire::Reader& r, QueryDirectoryRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.file_information_class = r.u8();
  out.flags = r.u8();
  out.file_index = r.u32();
  out.file_id = detail::get_file_id(r);
  std::uint16_t name_offset = r.u16();
  std::uint16_t name_length = r.u16();
  out.output_buffer_length = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 33) return errc::bad_structure_size;
  auto name = detail::utf16_at(r, name_offset, name_length, start + kQueryDirectoryRequestFixed);
  if (!name) return name.error();
  out.file_name = std::move(*name);
  return {};
}

// MS-SMB2 2.2.34
void encode(wire::Writer& w, const QueryDirectoryResponse& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);                                    // 0x00 StructureSize (9)
  w.u16(static_cast<std::uint16_t>(start + kQueryDirectoryResponseFixed));  // 0x02 OutputBufferOffset (hdr 0x48)
  w.u32(static_cast<std::uint32_t>(m.output_buffer.size()));  // 0x04 OutputBufferLength
  w.bytes(m.output_buffer);                                   // 0x08 Buffer
  detail::pad_if_empty(w, start, kQueryDirectoryResponseFixed);
}

Result<void> decode(wire::Reader& r, QueryDirectoryResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  std::uint16_t offset = r.u16();
  std::uint32_t length = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 9) return errc::bad_structure_size;
  auto buf = detail::buffer_at(r, offset, length, start + kQueryDirectoryResponseFixed);
  if (!buf) return buf.error();
  out.output_buffer = detail::to_bytes(*buf);
  return {};
}

}  // namespace smb::proto
