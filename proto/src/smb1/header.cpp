// SMB1 header codec (MS-CIFS 2.2.3.1). Offsets from the header start, in hex.
#include "smbproto/smb1/header.hpp"

namespace smb::proto::smb1 {

void encode(wire::Writer& w, const Header& h) {
  w.u32(h.protocol);              // 0x00 Protocol
  w.u8(h.command);                // 0x04 Command
  w.u32(h.status);                // 0x05 Status
  w.u8(h.flags);                  // 0x09 Flags
  w.u16(h.flags2);                // 0x0A Flags2
  w.u16(h.pid_high);              // 0x0C PIDHigh
  w.array(h.security_features);   // 0x0E SecurityFeatures (8)
  w.u16(h.reserved);              // 0x16 Reserved
  w.u16(h.tid);                   // 0x18 TID
  w.u16(h.pid_low);               // 0x1A PIDLow
  w.u16(h.uid);                   // 0x1C UID
  w.u16(h.mid);                   // 0x1E MID
}

Result<Header> decode_header(wire::Reader& r) {
  Header h;
  h.protocol = r.u32();
  h.command = r.u8();
  h.status = r.u32();
  h.flags = r.u8();
  h.flags2 = r.u16();
  h.pid_high = r.u16();
  h.security_features = r.array<8>();
  h.reserved = r.u16();
  h.tid = r.u16();
  h.pid_low = r.u16();
  h.uid = r.u16();
  h.mid = r.u16();
  if (!r.ok()) return errc::truncated;
  if (h.protocol != kProtocol) return errc::bad_protocol_id;  // 2.2.3.1: MUST be 0xFF 'S' 'M' 'B'
  return h;
}

}  // namespace smb::proto::smb1
