// Codecs of the small SMB1 messages (CLOSE, FLUSH, DELETE, DELETE_DIRECTORY, RENAME, NT_RENAME, ECHO, LOGOFF_ANDX,
// TREE_DISCONNECT, error response). Word offsets relative to Words, in hex.
#include "smbproto/smb1/simple.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {
namespace {

// A block of `word_count` words written by `put_words`, then ByteCount 0.
template <class F>
void words_only(wire::Writer& w, std::uint8_t word_count, F&& put_words) {
  auto words = detail::begin_words(w, word_count);
  put_words();
  detail::finish_words(w, words, 2 * std::size_t{word_count});
  w.u16(0);  // ByteCount
}

// Reads a block whose ByteCount MUST be 0; `get_words` reads the words.
template <class F>
Result<void> read_words_only(wire::Reader& r, std::uint8_t word_count, std::uint8_t& out_wc, F&& get_words) {
  auto b = detail::begin_block(r, {word_count});
  if (!b) return b.error();
  if (b->byte_count != 0) return errc::bad_byte_count;
  out_wc = b->word_count;
  get_words();
  detail::end_block(r, *b);
  return {};
}

void write_andx(wire::Writer& w, std::uint8_t cmd, std::uint8_t reserved, std::uint16_t offset) {
  w.u8(cmd);        // 0x00 AndXCommand
  w.u8(reserved);   // 0x01 AndXReserved
  w.u16(offset);    // 0x02 AndXOffset
}

}  // namespace

// MS-CIFS 2.2.4.5 CLOSE
void encode(wire::Writer& w, const CloseRequest& m, const Context&) {
  words_only(w, m.word_count, [&] {
    w.u16(m.fid);                  // 0x00 FID
    w.u32(m.last_time_modified);   // 0x02 LastTimeModified
  });
}
Result<void> decode(wire::Reader& r, CloseRequest& out, const Context&) {
  return read_words_only(r, 0x03, out.word_count, [&] {
    out.fid = r.u16();
    out.last_time_modified = r.u32();
  });
}
void encode(wire::Writer& w, const CloseResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, CloseResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

// MS-CIFS 2.2.4.6 FLUSH
void encode(wire::Writer& w, const FlushRequest& m, const Context&) {
  words_only(w, m.word_count, [&] { w.u16(m.fid); });  // 0x00 FID
}
Result<void> decode(wire::Reader& r, FlushRequest& out, const Context&) {
  return read_words_only(r, 0x01, out.word_count, [&] { out.fid = r.u16(); });
}
void encode(wire::Writer& w, const FlushResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, FlushResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

// MS-CIFS 2.2.4.7 DELETE and 2.2.4.2 DELETE_DIRECTORY: Bytes = BufferFormat 0x04 + SMB_STRING.
namespace {
void write_name_block(wire::Writer& w, std::uint8_t buffer_format, const std::string& name, const Context& c) {
  auto bc = detail::begin_bytes(w);
  w.u8(buffer_format);
  detail::write_string(w, name, c.unicode);
  detail::patch_byte_count(w, bc);
}
Result<void> read_name_block(wire::Reader& r, const detail::Block& b, std::uint8_t& buffer_format,
                             std::string& name, const Context& c) {
  auto br = detail::bytes_reader(r, b);
  if (br.remaining() < 1) return errc::bad_byte_count;
  buffer_format = br.u8();
  if (buffer_format != 0x04) return errc::bad_value;  // "MUST be 0x04"
  auto s = detail::read_string(br, c.unicode);
  if (!s) return s.error();
  name = *s;
  detail::end_block(r, b);
  return {};
}
}  // namespace

void encode(wire::Writer& w, const DeleteRequest& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u16(m.search_attributes);  // 0x00 SearchAttributes
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  write_name_block(w, m.buffer_format, m.file_name, c);
}
Result<void> decode(wire::Reader& r, DeleteRequest& out, const Context& c) {
  auto b = detail::begin_block(r, {0x01});
  if (!b) return b.error();
  out.word_count = b->word_count;
  out.search_attributes = r.u16();
  return read_name_block(r, *b, out.buffer_format, out.file_name, c);
}
void encode(wire::Writer& w, const DeleteResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, DeleteResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

void encode(wire::Writer& w, const DeleteDirectoryRequest& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  write_name_block(w, m.buffer_format, m.directory_name, c);
}
Result<void> decode(wire::Reader& r, DeleteDirectoryRequest& out, const Context& c) {
  auto b = detail::begin_block(r, {0});
  if (!b) return b.error();
  out.word_count = b->word_count;
  return read_name_block(r, *b, out.buffer_format, out.directory_name, c);
}
void encode(wire::Writer& w, const DeleteDirectoryResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, DeleteDirectoryResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

// MS-CIFS 2.2.4.8 RENAME and 2.2.4.66 NT_RENAME: Bytes = BufferFormat1 0x04 + OldFileName + BufferFormat2 0x04 +
// NewFileName (each SMB_STRING 2-aligned from the header start when Unicode).
namespace {
void write_two_names(wire::Writer& w, std::uint8_t bf1, const std::string& old_name, std::uint8_t bf2,
                     const std::string& new_name, const Context& c) {
  auto bc = detail::begin_bytes(w);
  w.u8(bf1);
  detail::write_string(w, old_name, c.unicode);
  w.u8(bf2);
  detail::write_string(w, new_name, c.unicode);
  detail::patch_byte_count(w, bc);
}
Result<void> read_two_names(wire::Reader& r, const detail::Block& b, std::uint8_t& bf1, std::string& old_name,
                            std::uint8_t& bf2, std::string& new_name, const Context& c) {
  auto br = detail::bytes_reader(r, b);
  if (br.remaining() < 1) return errc::bad_byte_count;
  bf1 = br.u8();
  if (bf1 != 0x04) return errc::bad_value;  // "MUST be 0x04"
  auto o = detail::read_string(br, c.unicode);
  if (!o) return o.error();
  if (br.remaining() < 1) return errc::bad_byte_count;
  bf2 = br.u8();
  if (bf2 != 0x04) return errc::bad_value;  // "MUST be 0x04"
  auto n = detail::read_string(br, c.unicode);
  if (!n) return n.error();
  old_name = *o;
  new_name = *n;
  detail::end_block(r, b);
  return {};
}
}  // namespace

void encode(wire::Writer& w, const RenameRequest& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u16(m.search_attributes);  // 0x00 SearchAttributes
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  write_two_names(w, m.buffer_format1, m.old_file_name, m.buffer_format2, m.new_file_name, c);
}
Result<void> decode(wire::Reader& r, RenameRequest& out, const Context& c) {
  auto b = detail::begin_block(r, {0x01});
  if (!b) return b.error();
  out.word_count = b->word_count;
  out.search_attributes = r.u16();
  return read_two_names(r, *b, out.buffer_format1, out.old_file_name, out.buffer_format2, out.new_file_name, c);
}
void encode(wire::Writer& w, const RenameResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, RenameResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

void encode(wire::Writer& w, const NtRenameRequest& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u16(m.search_attributes);  // 0x00 SearchAttributes
  w.u16(m.information_level);  // 0x02 InformationLevel
  w.u32(m.reserved);           // 0x04 Reserved
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  write_two_names(w, m.buffer_format1, m.old_file_name, m.buffer_format2, m.new_file_name, c);
}
Result<void> decode(wire::Reader& r, NtRenameRequest& out, const Context& c) {
  auto b = detail::begin_block(r, {0x04});
  if (!b) return b.error();
  out.word_count = b->word_count;
  out.search_attributes = r.u16();
  out.information_level = r.u16();
  out.reserved = r.u32();
  return read_two_names(r, *b, out.buffer_format1, out.old_file_name, out.buffer_format2, out.new_file_name, c);
}
void encode(wire::Writer& w, const NtRenameResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, NtRenameResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

// MS-CIFS 2.2.4.39 ECHO
namespace {
void write_echo(wire::Writer& w, std::uint8_t word_count, std::uint16_t word, const wire::Bytes& data) {
  auto words = detail::begin_words(w, word_count);
  w.u16(word);  // 0x00 EchoCount / SequenceNumber
  detail::finish_words(w, words, 2 * std::size_t{word_count});
  auto bc = detail::begin_bytes(w);
  w.bytes(data);
  detail::patch_byte_count(w, bc);
}
Result<void> read_echo(wire::Reader& r, std::uint8_t& word_count, std::uint16_t& word, wire::Bytes& data) {
  auto b = detail::begin_block(r, {0x01});
  if (!b) return b.error();
  word_count = b->word_count;
  word = r.u16();
  auto br = detail::bytes_reader(r, *b);
  auto d = br.bytes(br.remaining());
  data.assign(d.begin(), d.end());
  detail::end_block(r, *b);
  return {};
}
}  // namespace

void encode(wire::Writer& w, const EchoRequest& m, const Context&) { write_echo(w, m.word_count, m.echo_count, m.data); }
Result<void> decode(wire::Reader& r, EchoRequest& out, const Context&) {
  return read_echo(r, out.word_count, out.echo_count, out.data);
}
void encode(wire::Writer& w, const EchoResponse& m, const Context&) {
  write_echo(w, m.word_count, m.sequence_number, m.data);
}
Result<void> decode(wire::Reader& r, EchoResponse& out, const Context&) {
  return read_echo(r, out.word_count, out.sequence_number, out.data);
}

// MS-CIFS 2.2.4.54 LOGOFF_ANDX
void encode(wire::Writer& w, const LogoffAndxRequest& m, const Context&) {
  words_only(w, m.word_count, [&] { write_andx(w, m.andx_command, m.andx_reserved, m.andx_offset); });
}
Result<void> decode(wire::Reader& r, LogoffAndxRequest& out, const Context&) {
  return read_words_only(r, 0x02, out.word_count, [&] {
    out.andx_command = r.u8();
    out.andx_reserved = r.u8();
    out.andx_offset = r.u16();
  });
}
void encode(wire::Writer& w, const LogoffAndxResponse& m, const Context&) {
  words_only(w, m.word_count, [&] { write_andx(w, m.andx_command, m.andx_reserved, m.andx_offset); });
}
Result<void> decode(wire::Reader& r, LogoffAndxResponse& out, const Context&) {
  return read_words_only(r, 0x02, out.word_count, [&] {
    out.andx_command = r.u8();
    out.andx_reserved = r.u8();
    out.andx_offset = r.u16();
  });
}

// MS-CIFS 2.2.4.51 TREE_DISCONNECT
void encode(wire::Writer& w, const TreeDisconnectRequest& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, TreeDisconnectRequest& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}
void encode(wire::Writer& w, const TreeDisconnectResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, TreeDisconnectResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

// MS-CIFS 2.2.4.65 NT_CANCEL (no response is ever sent; the response type only completes the command table)
void encode(wire::Writer& w, const NtCancelRequest& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, NtCancelRequest& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}
void encode(wire::Writer& w, const NtCancelResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, NtCancelResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

// MS-CIFS 2.2.3.1 / 3.3.4.1.2 error response
void encode(wire::Writer& w, const Smb1ErrorResponse& m, const Context&) { words_only(w, m.word_count, [] {}); }
Result<void> decode(wire::Reader& r, Smb1ErrorResponse& out, const Context&) {
  return read_words_only(r, 0, out.word_count, [] {});
}

}  // namespace smb::proto::smb1
