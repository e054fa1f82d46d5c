// SMB1 WRITE_AND_CLOSE codec (MS-CIFS 2.2.4.40). Offsets from the header start (the seed's table), in hex.
#include "smbproto/smb1/write_and_close.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {

void encode(wire::Writer& w, const WriteAndCloseRequest& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);  // 0x20 WordCount
  w.u16(m.fid);                            // 0x21 FID
  w.u16(m.count_of_bytes_to_write);        // 0x23 CountOfBytesToWrite
  w.u32(m.write_offset_in_bytes);          // 0x25 WriteOffsetInBytes
  w.u32(m.last_write_time);                // 0x29 LastWriteTime
  w.array(m.reserved);                     // 0x2D Reserved[3] (WordCount 0x0C)
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  w.u16(static_cast<std::uint16_t>(1 + m.data.size()));  // 0x2D / 0x39 ByteCount
  w.u8(m.pad);                             // Pad
  w.bytes(m.data);                         // Data
}

Result<void> decode(wire::Reader& r, WriteAndCloseRequest& out, const Context&) {
  auto b = detail::begin_block(r, {0x06, 0x0C});
  if (!b) return b.error();
  out = WriteAndCloseRequest{};
  out.word_count = b->word_count;
  out.fid = r.u16();
  out.count_of_bytes_to_write = r.u16();
  out.write_offset_in_bytes = r.u32();
  out.last_write_time = r.u32();
  if (b->word_count == 0x0C) out.reserved = r.array<12>();
  // 2.2.4.40.1: "ByteCount ... MUST be 1 + CountOfBytesToWrite"
  if (b->byte_count != 1 + std::size_t{out.count_of_bytes_to_write}) return errc::bad_byte_count;
  auto br = detail::bytes_reader(r, *b);
  out.pad = br.u8();
  auto d = br.bytes(out.count_of_bytes_to_write);
  out.data.assign(d.begin(), d.end());
  detail::end_block(r, *b);
  return {};
}

void encode(wire::Writer& w, const WriteAndCloseResponse& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  w.u16(m.count_of_bytes_written);         // 0x21 CountOfBytesWritten
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  w.u16(0);                                // 0x23 ByteCount
}

Result<void> decode(wire::Reader& r, WriteAndCloseResponse& out, const Context&) {
  auto b = detail::begin_block(r, {0x01});
  if (!b) return b.error();
  if (b->byte_count != 0) return errc::bad_byte_count;  // 2.2.4.40.2: ByteCount MUST be 0
  out.word_count = b->word_count;
  out.count_of_bytes_written = r.u16();
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
