// SMB1 TREE_CONNECT_ANDX codec (MS-CIFS 2.2.4.55, MS-SMB 2.2.4.7). Word offsets relative to Words.
#include "smbproto/smb1/tree_connect_andx.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {

void encode(wire::Writer& w, const TreeConnectAndxRequest& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.flags);                          // 0x04 Flags
  w.u16(static_cast<std::uint16_t>(m.password.size()));  // 0x06 PasswordLength
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  w.bytes(m.password);                     // Password
  detail::write_string(w, m.path, c.unicode);  // Pad + Path
  detail::write_string(w, m.service, false);   // Service (OEM_STRING)
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, TreeConnectAndxRequest& out, const Context& c) {
  auto b = detail::begin_block(r, {0x04});
  if (!b) return b.error();
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.flags = r.u16();
  std::uint16_t password_length = r.u16();
  auto br = detail::bytes_reader(r, *b);
  if (password_length > br.remaining()) return errc::bad_length;
  auto pw = br.bytes(password_length);
  out.password.assign(pw.begin(), pw.end());
  auto path = detail::read_string(br, c.unicode);
  if (!path) return path.error();
  out.path = *path;
  out.service = detail::read_oem_string(br);
  detail::end_block(r, *b);
  return {};
}

void encode(wire::Writer& w, const TreeConnectAndxResponse& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.optional_support);               // 0x04 OptionalSupport
  w.u32(m.maximal_share_access_rights);    // 0x06 MaximalShareAccessRights (MS-SMB)
  w.u32(m.guest_maximal_share_access_rights);  // 0x0A GuestMaximalShareAccessRights (MS-SMB)
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  detail::write_string(w, m.service, false);                 // Service (OEM_STRING)
  detail::write_string(w, m.native_file_system, c.unicode);  // NativeFileSystem (SMB_STRING)
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, TreeConnectAndxResponse& out, const Context& c) {
  auto b = detail::begin_block(r, {0x03, 0x07});
  if (!b) return b.error();
  out = TreeConnectAndxResponse{};
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.optional_support = r.u16();
  if (b->word_count == 0x07) {
    out.maximal_share_access_rights = r.u32();
    out.guest_maximal_share_access_rights = r.u32();
  }
  auto br = detail::bytes_reader(r, *b);
  out.service = detail::read_oem_string(br);
  auto fs = detail::read_string(br, c.unicode);
  if (!fs) return fs.error();
  out.native_file_system = *fs;
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
