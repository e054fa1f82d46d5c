// Direct TCP framing and compound splitting.
#include "smbproto/framing.hpp"

#include "smbproto/header.hpp"

namespace smb::proto {

Result<std::size_t> parse_frame(wire::ByteView in, wire::ByteView& payload, std::size_t max_length) {
  if (in.size() < 4) return errc::need_more;
  if (in[0] != 0) return errc::bad_frame_header;  // MS-SMB2 2.1: Zero (1 byte) MUST be 0
  std::size_t len = (std::size_t{in[1]} << 16) | (std::size_t{in[2]} << 8) | in[3];
  if (len > max_length) return errc::frame_too_large;
  if (in.size() - 4 < len) return errc::need_more;
  payload = in.subspan(4, len);
  return 4 + len;
}

void append_frame(wire::Bytes& out, wire::ByteView message) {
  wire::Writer w(out);
  w.u8(0);
  w.u24be(static_cast<std::uint32_t>(message.size()));
  w.bytes(message);
}

Result<std::vector<wire::ByteView>> split_compound(wire::ByteView message, std::size_t max_commands) {
  std::vector<wire::ByteView> out;
  std::size_t off = 0;
  for (;;) {
    if (out.size() >= max_commands) return errc::too_many_commands;
    if (message.size() - off < kHeaderSize) return errc::truncated;
    wire::Reader r(message.subspan(off));
    r.seek(0x14);
    std::uint32_t next = r.u32();  // 0x14 NextCommand
    if (next == 0) {
      out.push_back(message.subspan(off));
      return out;
    }
    // MS-SMB2 2.2.1: NextCommand is the offset to the next 8-byte aligned header.
    if (next % 8 != 0 || next < kHeaderSize || next > message.size() - off) return errc::bad_next_command;
    out.push_back(message.subspan(off, next));
    off += next;
  }
}

}  // namespace smb::proto
