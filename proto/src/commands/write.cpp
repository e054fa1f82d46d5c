// SMB2 WRITE codec (MS-SMB2 2.2.21, 2.2.22). Body offsets in hex.
#include "smbproto/commands/write.hpp"

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kWriteRequestFixed = 48;   // StructureSize 49 = 48 + 1 byte of Buffer
constexpr std::size_t kWriteResponseFixed = 16;  // StructureSize 17 = 16 + 1
}  // namespace

// MS-SMB2 2.2.21
void encode(wire::Writer& w, const WriteRequest& m) {
  std::size_t start = w.offset();
  std::size_t data_offset = start + kWriteRequestFixed;
  std::size_t info_offset = data_offset + m.data.size();
  bool has_info = !m.write_channel_info.empty();
  w.u16(m.structure_size);                                    // 0x00 StructureSize (49)
  w.u16(static_cast<std::uint16_t>(data_offset));             // 0x02 DataOffset (hdr 0x70)
  w.u32(static_cast<std::uint32_t>(m.data.size()));           // 0x04 Length
  w.u64(m.offset);                                            // 0x08 Offset
  detail::put(w, m.file_id);                                  // 0x10 FileId
  w.u32(m.channel);                                           // 0x20 Channel
  w.u32(m.remaining_bytes);                                   // 0x24 RemainingBytes
  w.u16(has_info ? static_cast<std::uint16_t>(info_offset) : 0);          // 0x28 WriteChannelInfoOffset
  w.u16(static_cast<std::uint16_t>(m.write_channel_info.size()));         // 0x2A WriteChannelInfoLength
  w.u32(m.flags);                                             // 0x2C Flags
  w.bytes(m.data);                                            // 0x30 Buffer: data
  w.bytes(m.write_channel_info);                              //      then channel info
  detail::pad_if_empty(w, start, kWriteRequestFixed);
}

Result<void> decode(wire::Reader& r, WriteRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  std::uint16_t data_offset = r.u16();
  std::uint32_t length = r.u32();
  out.offset = r.u64();
  out.file_id = detail::get_file_id(r);
  out.channel = r.u32();
  out.remaining_bytes = r.u32();
  std::uint16_t info_offset = r.u16();
  std::uint16_t info_length = r.u16();
  out.flags = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 49) return errc::bad_structure_size;
  auto data = detail::buffer_at(r, data_offset, length, start + kWriteRequestFixed);
  if (!data) return data.error();
  auto info = detail::buffer_at(r, info_offset, info_length, start + kWriteRequestFixed);
  if (!info) return info.error();
  out.data = detail::to_bytes(*data);
  out.write_channel_info = detail::to_bytes(*info);
  return {};
}

// MS-SMB2 2.2.22
void encode(wire::Writer& w, const WriteResponse& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);               // 0x00 StructureSize (17)
  w.u16(m.reserved);                     // 0x02 Reserved
  w.u32(m.count);                        // 0x04 Count
  w.u32(m.remaining);                    // 0x08 Remaining
  w.u16(m.write_channel_info_offset);    // 0x0C WriteChannelInfoOffset
  w.u16(m.write_channel_info_length);    // 0x0E WriteChannelInfoLength
  detail::pad_if_empty(w, start, kWriteResponseFixed);
}

Result<void> decode(wire::Reader& r, WriteResponse& out) {
  out.structure_size = r.u16();
  out.reserved = r.u16();
  out.count = r.u32();
  out.remaining = r.u32();
  out.write_channel_info_offset = r.u16();
  out.write_channel_info_length = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 17) return errc::bad_structure_size;
  return {};
}

}  // namespace smb::proto
