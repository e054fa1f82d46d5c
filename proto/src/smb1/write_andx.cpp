// SMB1 WRITE_ANDX codec (MS-CIFS 2.2.4.43, MS-SMB 2.2.4.3). Word offsets relative to Words.
#include "smbproto/smb1/write_andx.hpp"

#include <algorithm>

#include "block.hpp"

namespace smb::proto::smb1 {

void encode(wire::Writer& w, const WriteAndxRequest& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  std::size_t start = w.offset() - 1;
  auto length = static_cast<std::uint32_t>(m.data.size());
  auto data_offset = static_cast<std::uint16_t>(start + 1 + 2 * std::size_t{m.word_count} + 2 + 1);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.fid);                            // 0x04 FID
  w.u32(m.offset);                         // 0x06 Offset
  w.u32(m.timeout);                        // 0x0A Timeout
  w.u16(m.write_mode);                     // 0x0E WriteMode
  w.u16(m.remaining);                      // 0x10 Remaining
  w.u16(static_cast<std::uint16_t>(length >> 16));  // 0x12 DataLengthHigh (MS-SMB; MS-CIFS Reserved)
  w.u16(static_cast<std::uint16_t>(length));        // 0x14 DataLength
  w.u16(data_offset);                               // 0x16 DataOffset
  w.u32(m.offset_high);                    // 0x18 OffsetHigh (WordCount 0x0E)
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  std::size_t bytes = 1 + m.data.size();
  w.u16(static_cast<std::uint16_t>(bytes > 0xFFFF ? 0xFFFF : bytes));  // ByteCount
  w.u8(0);                                 // Pad
  w.bytes(m.data);
}

Result<void> decode(wire::Reader& r, WriteAndxRequest& out, const Context&) {
  auto b = detail::begin_block(r, {0x0C, 0x0E});
  if (!b) return b.error();
  out = WriteAndxRequest{};
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.fid = r.u16();
  out.offset = r.u32();
  out.timeout = r.u32();
  out.write_mode = r.u16();
  out.remaining = r.u16();
  std::uint32_t length = std::uint32_t{r.u16()} << 16;
  length |= r.u16();
  std::uint16_t data_offset = r.u16();
  if (b->word_count == 0x0E) out.offset_high = r.u32();
  if (length > 0) {
    if (data_offset < b->bytes) return errc::bad_offset;
    auto d = r.view_at(data_offset, length);
    if (!d) return d.error();
    out.data.assign(d->begin(), d->end());
  }
  r.seek(std::max<std::size_t>(b->end, length > 0 ? std::size_t{data_offset} + length : 0));
  return {};
}

void encode(wire::Writer& w, const WriteAndxResponse& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.count);                          // 0x04 Count
  w.u16(m.available);                      // 0x06 Available
  w.u16(m.count_high);                     // 0x08 CountHigh (MS-SMB)
  w.u16(m.reserved);                       // 0x0A Reserved
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  w.u16(0);                                // ByteCount
}

Result<void> decode(wire::Reader& r, WriteAndxResponse& out, const Context&) {
  auto b = detail::begin_block(r, {0x06});
  if (!b) return b.error();
  if (b->byte_count != 0) return errc::bad_byte_count;  // 2.2.4.43.2: ByteCount MUST be 0
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.count = r.u16();
  out.available = r.u16();
  out.count_high = r.u16();
  out.reserved = r.u16();
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
