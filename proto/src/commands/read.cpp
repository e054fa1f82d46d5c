// SMB2 READ codec (MS-SMB2 2.2.19, 2.2.20). Body offsets in hex.
#include "smbproto/commands/read.hpp"

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kReadRequestFixed = 48;   // StructureSize 49 = 48 + 1 byte of Buffer
constexpr std::size_t kReadResponseFixed = 16;  // StructureSize 17 = 16 + 1
}  // namespace

// MS-SMB2 2.2.19
void encode(wire::Writer& w, const ReadRequest& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);                                  // 0x00 StructureSize (49)
  w.u8(m.padding);                                          // 0x02 Padding
  w.u8(m.flags);                                            // 0x03 Flags
  w.u32(m.length);                                          // 0x04 Length
  w.u64(m.offset);                                          // 0x08 Offset
  detail::put(w, m.file_id);                                // 0x10 FileId
  w.u32(m.minimum_count);                                   // 0x20 MinimumCount
  w.u32(m.channel);                                         // 0x24 Channel
  w.u32(m.remaining_bytes);                                 // 0x28 RemainingBytes
  bool has_info = !m.read_channel_info.empty();
  w.u16(has_info ? static_cast<std::uint16_t>(start + kReadRequestFixed) : 0);  // 0x2C ReadChannelInfoOffset
  w.u16(static_cast<std::uint16_t>(m.read_channel_info.size()));             // 0x2E ReadChannelInfoLength
  w.bytes(m.read_channel_info);                             // 0x30 Buffer
  detail::pad_if_empty(w, start, kReadRequestFixed);
}

Result<void> decode(wire::Reader& r, ReadRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.padding = r.u8();
  out.flags = r.u8();
  out.length = r.u32();
  out.offset = r.u64();
  out.file_id = detail::get_file_id(r);
  out.minimum_count = r.u32();
  out.channel = r.u32();
  out.remaining_bytes = r.u32();
  std::uint16_t info_offset = r.u16();
  std::uint16_t info_length = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 49) return errc::bad_structure_size;
  auto info = detail::buffer_at(r, info_offset, info_length, start + kReadRequestFixed);
  if (!info) return info.error();
  out.read_channel_info = detail::to_bytes(*info);
  return {};
}

// MS-SMB2 2.2.20
void encode(wire::Writer& w, const ReadResponse& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);                                  // 0x00 StructureSize (17)
  w.u8(static_cast<std::uint8_t>(start + kReadResponseFixed));  // 0x02 DataOffset (hdr 0x50)
  w.u8(m.reserved);                                         // 0x03 Reserved
  w.u32(static_cast<std::uint32_t>(m.data.size()));         // 0x04 DataLength
  w.u32(m.data_remaining);                                  // 0x08 DataRemaining
  w.u32(m.flags);                                           // 0x0C Reserved2/Flags
  w.bytes(m.data);                                          // 0x10 Buffer
  detail::pad_if_empty(w, start, kReadResponseFixed);
}

Result<void> decode(wire::Reader& r, ReadResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  std::uint8_t data_offset = r.u8();
  out.reserved = r.u8();
  std::uint32_t data_length = r.u32();
  out.data_remaining = r.u32();
  out.flags = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 17) return errc::bad_structure_size;
  auto data = detail::buffer_at(r, data_offset, data_length, start + kReadResponseFixed);
  if (!data) return data.error();
  out.data = detail::to_bytes(*data);
  return {};
}

}  // namespace smb::proto
