// SMB1 READ_ANDX codec (MS-CIFS 2.2.4.42, MS-SMB 2.2.4.2). Word offsets relative to Words.
#include "smbproto/smb1/read_andx.hpp"

#include <algorithm>

#include "block.hpp"

namespace smb::proto::smb1 {

void encode(wire::Writer& w, const ReadAndxRequest& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.fid);                            // 0x04 FID
  w.u32(m.offset);                         // 0x06 Offset
  w.u16(m.max_count_of_bytes_to_return);   // 0x0A MaxCountOfBytesToReturn
  w.u16(m.min_count_of_bytes_to_return);   // 0x0C MinCountOfBytesToReturn
  w.u32(m.timeout_or_max_count_high);      // 0x0E Timeout_or_MaxCountHigh
  w.u16(m.remaining);                      // 0x12 Remaining
  w.u32(m.offset_high);                    // 0x14 OffsetHigh (WordCount 0x0C)
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  w.u16(0);                                // ByteCount
}

Result<void> decode(wire::Reader& r, ReadAndxRequest& out, const Context&) {
  auto b = detail::begin_block(r, {0x0A, 0x0C});
  if (!b) return b.error();
  if (b->byte_count != 0) return errc::bad_byte_count;  // 2.2.4.42.1: ByteCount MUST be 0
  out = ReadAndxRequest{};
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.fid = r.u16();
  out.offset = r.u32();
  out.max_count_of_bytes_to_return = r.u16();
  out.min_count_of_bytes_to_return = r.u16();
  out.timeout_or_max_count_high = r.u32();
  out.remaining = r.u16();
  if (b->word_count == 0x0C) out.offset_high = r.u32();
  detail::end_block(r, *b);
  return {};
}

void encode(wire::Writer& w, const ReadAndxResponse& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  std::size_t start = w.offset() - 1;      // the WordCount byte, header-relative
  auto length = static_cast<std::uint32_t>(m.data.size());
  // One pad byte after ByteCount (Windows and Samba), so Data starts at start+1+2*WC+2+1.
  auto data_offset = static_cast<std::uint16_t>(start + 1 + 2 * std::size_t{m.word_count} + 2 + 1);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.available);                      // 0x04 Available
  w.u16(m.data_compaction_mode);           // 0x06 DataCompactionMode
  w.u16(m.reserved1);                      // 0x08 Reserved1
  w.u16(static_cast<std::uint16_t>(length));        // 0x0A DataLength
  w.u16(data_offset);                               // 0x0C DataOffset
  w.u16(static_cast<std::uint16_t>(length >> 16));  // 0x0E DataLengthHigh (MS-SMB)
  w.array(m.reserved2);                    // 0x10 Reserved2 (8)
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  // ByteCount counts the pad and the data; above 0xFFFF it cannot (CAP_LARGE_READX) and is 0xFFFF.
  std::size_t bytes = 1 + m.data.size();
  w.u16(static_cast<std::uint16_t>(bytes > 0xFFFF ? 0xFFFF : bytes));
  w.u8(0);                                 // Pad
  w.bytes(m.data);
}

Result<void> decode(wire::Reader& r, ReadAndxResponse& out, const Context&) {
  auto b = detail::begin_block(r, {0x0C});
  if (!b) return b.error();
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.available = r.u16();
  out.data_compaction_mode = r.u16();
  out.reserved1 = r.u16();
  std::uint32_t length = r.u16();
  std::uint16_t data_offset = r.u16();
  length |= std::uint32_t{r.u16()} << 16;
  out.reserved2 = r.array<8>();
  out.data.clear();
  if (length > 0) {
    if (data_offset < b->bytes) return errc::bad_offset;
    auto d = r.view_at(data_offset, length);
    if (!d) return d.error();
    out.data.assign(d->begin(), d->end());
  }
  // Large reads carry Data past ByteCount: the block ends after whichever is later.
  r.seek(std::max<std::size_t>(b->end, length > 0 ? std::size_t{data_offset} + length : 0));
  return {};
}

}  // namespace smb::proto::smb1
