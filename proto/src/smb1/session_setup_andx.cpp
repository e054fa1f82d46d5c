// SMB1 SESSION_SETUP_ANDX codec, extended security (MS-SMB 2.2.4.6). Word offsets relative to Words.
#include "smbproto/smb1/session_setup_andx.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {

void encode(wire::Writer& w, const SessionSetupAndxRequest& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.max_buffer_size);                // 0x04 MaxBufferSize
  w.u16(m.max_mpx_count);                  // 0x06 MaxMpxCount
  w.u16(m.vc_number);                      // 0x08 VcNumber
  w.u32(m.session_key);                    // 0x0A SessionKey
  w.u16(static_cast<std::uint16_t>(m.security_blob.size()));  // 0x0E SecurityBlobLength
  w.u32(m.reserved);                       // 0x10 Reserved
  w.u32(m.capabilities);                   // 0x14 Capabilities
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  w.bytes(m.security_blob);
  detail::write_string(w, m.native_os, c.unicode);       // Pad + NativeOS
  detail::write_string(w, m.native_lan_man, c.unicode);  // NativeLanMan
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, SessionSetupAndxRequest& out, const Context& c) {
  auto b = detail::begin_block(r, {0x0C, 0x0D});
  if (!b) return b.error();
  if (b->word_count == 0x0D) return errc::unsupported;  // MS-CIFS 2.2.4.53.1 NTLM form: not implemented
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.max_buffer_size = r.u16();
  out.max_mpx_count = r.u16();
  out.vc_number = r.u16();
  out.session_key = r.u32();
  std::uint16_t blob_length = r.u16();
  out.reserved = r.u32();
  out.capabilities = r.u32();
  auto br = detail::bytes_reader(r, *b);
  if (blob_length > br.remaining()) return errc::bad_length;
  auto blob = br.bytes(blob_length);
  out.security_blob.assign(blob.begin(), blob.end());
  auto os = detail::read_string(br, c.unicode);
  if (!os) return os.error();
  out.native_os = *os;
  auto lm = detail::read_string(br, c.unicode);
  if (!lm) return lm.error();
  out.native_lan_man = *lm;
  detail::end_block(r, *b);
  return {};
}

void encode(wire::Writer& w, const SessionSetupAndxResponse& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u8(m.andx_command);                    // 0x00 AndXCommand
  w.u8(m.andx_reserved);                   // 0x01 AndXReserved
  w.u16(m.andx_offset);                    // 0x02 AndXOffset
  w.u16(m.action);                         // 0x04 Action
  w.u16(static_cast<std::uint16_t>(m.security_blob.size()));  // 0x06 SecurityBlobLength
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  w.bytes(m.security_blob);
  detail::write_string(w, m.native_os, c.unicode);
  detail::write_string(w, m.native_lan_man, c.unicode);
  if (!m.primary_domain.empty()) detail::write_string(w, m.primary_domain, c.unicode);
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, SessionSetupAndxResponse& out, const Context& c) {
  auto b = detail::begin_block(r, {0x03, 0x04});
  if (!b) return b.error();
  if (b->word_count == 0x03) return errc::unsupported;  // MS-CIFS 2.2.4.53.2 NTLM form: not implemented
  out.word_count = b->word_count;
  out.andx_command = r.u8();
  out.andx_reserved = r.u8();
  out.andx_offset = r.u16();
  out.action = r.u16();
  std::uint16_t blob_length = r.u16();
  auto br = detail::bytes_reader(r, *b);
  if (blob_length > br.remaining()) return errc::bad_length;
  auto blob = br.bytes(blob_length);
  out.security_blob.assign(blob.begin(), blob.end());
  for (std::string* s : {&out.native_os, &out.native_lan_man, &out.primary_domain}) {
    auto v = detail::read_string(br, c.unicode);
    if (!v) return v.error();
    *s = *v;
  }
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
