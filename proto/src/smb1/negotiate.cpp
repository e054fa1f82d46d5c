// SMB1 NEGOTIATE codec (MS-CIFS 2.2.4.52, MS-SMB 2.2.4.5). Word offsets relative to Words, in hex.
#include "smbproto/smb1/negotiate.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {

bool offers_smb2(const NegotiateRequest& m) {
  for (const auto& d : m.dialects)
    if (d == "SMB 2.002" || d == "SMB 2.???") return true;  // MS-SMB2 3.3.5.3.1
  return false;
}

void encode(wire::Writer& w, const NegotiateRequest& m, const Context&) {
  auto words = detail::begin_words(w, m.word_count);
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  for (const auto& d : m.dialects) {
    w.u8(0x02);                             // BufferFormat: dialect string
    detail::write_string(w, d, false);      // OEM, NUL-terminated
  }
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, NegotiateRequest& out, const Context&) {
  auto b = detail::begin_block(r, {0});
  if (!b) return b.error();
  out.word_count = b->word_count;
  auto br = detail::bytes_reader(r, *b);
  out.dialects.clear();
  while (br.remaining() > 0) {
    if (br.u8() != 0x02) return errc::bad_value;  // 2.2.4.52.1: BufferFormat MUST be 0x02
    out.dialects.push_back(detail::read_oem_string(br));
  }
  detail::end_block(r, *b);
  return {};
}

void encode(wire::Writer& w, const NegotiateResponse& m, const Context& c) {
  auto words = detail::begin_words(w, m.word_count);
  w.u16(m.dialect_index);                  // 0x00 DialectIndex
  w.u8(m.security_mode);                   // 0x02 SecurityMode
  w.u16(m.max_mpx_count);                  // 0x03 MaxMpxCount
  w.u16(m.max_number_vcs);                 // 0x05 MaxNumberVcs
  w.u32(m.max_buffer_size);                // 0x07 MaxBufferSize
  w.u32(m.max_raw_size);                   // 0x0B MaxRawSize
  w.u32(m.session_key);                    // 0x0F SessionKey
  w.u32(m.capabilities);                   // 0x13 Capabilities
  w.u64(m.system_time);                    // 0x17 SystemTime
  w.u16(m.server_time_zone);               // 0x1F ServerTimeZone
  bool extended = (m.capabilities & CAP_EXTENDED_SECURITY) != 0;
  w.u8(extended ? 0 : static_cast<std::uint8_t>(m.challenge.size()));  // 0x21 ChallengeLength
  detail::finish_words(w, words, 2 * std::size_t{m.word_count});
  auto bc = detail::begin_bytes(w);
  if (m.word_count == 0x11) {
    if (extended) {
      w.array(m.server_guid.bytes);        // MS-SMB 2.2.4.5.2.1 ServerGUID
      w.bytes(m.security_blob);            // SecurityBlob
    } else {
      w.bytes(m.challenge);                // MS-SMB 2.2.4.5.2.2 Challenge
      detail::write_string(w, m.domain_name, c.unicode, false);  // DomainName (no pad)
      detail::write_string(w, m.server_name, c.unicode, false);  // ServerName (no pad)
    }
  }
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, NegotiateResponse& out, const Context& c) {
  auto b = detail::begin_block(r, {0x01, 0x11});
  if (!b) return b.error();
  out = NegotiateResponse{};
  out.word_count = b->word_count;
  out.dialect_index = r.u16();
  if (b->word_count == 0x01) {  // 2.2.4.52.2: only DialectIndex when no dialect is supported
    detail::end_block(r, *b);
    return {};
  }
  out.security_mode = r.u8();
  out.max_mpx_count = r.u16();
  out.max_number_vcs = r.u16();
  out.max_buffer_size = r.u32();
  out.max_raw_size = r.u32();
  out.session_key = r.u32();
  out.capabilities = r.u32();
  out.system_time = r.u64();
  out.server_time_zone = r.u16();
  std::uint8_t challenge_length = r.u8();
  auto br = detail::bytes_reader(r, *b);
  if (out.capabilities & CAP_EXTENDED_SECURITY) {
    if (br.remaining() < 16) return errc::bad_byte_count;  // ServerGUID is 16 bytes
    out.server_guid.bytes = br.array<16>();
    auto blob = br.bytes(br.remaining());
    out.security_blob.assign(blob.begin(), blob.end());
  } else {
    if (br.remaining() < challenge_length) return errc::bad_byte_count;
    auto ch = br.bytes(challenge_length);
    out.challenge.assign(ch.begin(), ch.end());
    auto dn = detail::read_string(br, c.unicode, false);
    if (!dn) return dn.error();
    out.domain_name = *dn;
    auto sn = detail::read_string(br, c.unicode, false);
    if (!sn) return sn.error();
    out.server_name = *sn;
  }
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
