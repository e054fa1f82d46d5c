// SMB2 SESSION_SETUP codec (MS-SMB2 2.2.5, 2.2.6). Body offsets in hex.
#include "smbproto/commands/session_setup.hpp"

#include "body.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kSessionSetupRequestFixed = 24;   // StructureSize 25 = 24 + 1 byte of Buffer
constexpr std::size_t kSessionSetupResponseFixed = 8;   // StructureSize 9 = 8 + 1
}  // namespace

// MS-SMB2 2.2.5
void encode(wire::Writer& w, const SessionSetupRequest& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);                                            // 0x00 StructureSize (25)
  w.u8(m.flags);                                                      // 0x02 Flags
  w.u8(m.security_mode);                                              // 0x03 SecurityMode
  w.u32(m.capabilities);                                              // 0x04 Capabilities
  w.u32(m.channel);                                                   // 0x08 Channel
  w.u16(static_cast<std::uint16_t>(start + kSessionSetupRequestFixed));           // 0x0C SecurityBufferOffset
  w.u16(static_cast<std::uint16_t>(m.security_buffer.size()));        // 0x0E SecurityBufferLength
  w.u64(m.previous_session_id);                                       // 0x10 PreviousSessionId
  w.bytes(m.security_buffer);                                         // 0x18 Buffer
  detail::pad_if_empty(w, start, kSessionSetupRequestFixed);
}

Result<void> decode(wire::Reader& r, SessionSetupRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.flags = r.u8();
  out.security_mode = r.u8();
  out.capabilities = r.u32();
  out.channel = r.u32();
  std::uint16_t offset = r.u16();
  std::uint16_t length = r.u16();
  out.previous_session_id = r.u64();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 25) return errc::bad_structure_size;
  auto buf = detail::buffer_at(r, offset, length, start + kSessionSetupRequestFixed);
  if (!buf) return buf.error();
  out.security_buffer = detail::to_bytes(*buf);
  return {};
}

// MS-SMB2 2.2.6
void encode(wire::Writer& w, const SessionSetupResponse& m) {
  std::size_t start = w.offset();
  w.u16(m.structure_size);                                            // 0x00 StructureSize (9)
  w.u16(m.session_flags);                                             // 0x02 SessionFlags
  w.u16(static_cast<std::uint16_t>(start + kSessionSetupResponseFixed));          // 0x04 SecurityBufferOffset
  w.u16(static_cast<std::uint16_t>(m.security_buffer.size()));        // 0x06 SecurityBufferLength
  w.bytes(m.security_buffer);                                         // 0x08 Buffer
  detail::pad_if_empty(w, start, kSessionSetupResponseFixed);
}

Result<void> decode(wire::Reader& r, SessionSetupResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.session_flags = r.u16();
  std::uint16_t offset = r.u16();
  std::uint16_t length = r.u16();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 9) return errc::bad_structure_size;
  auto buf = detail::buffer_at(r, offset, length, start + kSessionSetupResponseFixed);
  if (!buf) return buf.error();
  out.security_buffer = detail::to_bytes(*buf);
  return {};
}

}  // namespace smb::proto
