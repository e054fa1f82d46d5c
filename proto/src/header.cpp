// SMB2 header encode/decode (MS-SMB2 2.2.1.1 async, 2.2.1.2 sync).
#include "smbproto/header.hpp"

namespace smb::proto {

void encode(wire::Writer& w, const Header& h) {
  w.u32(h.protocol_id);              // 0x00 ProtocolId
  w.u16(h.structure_size);           // 0x04 StructureSize (64)
  w.u16(h.credit_charge);            // 0x06 CreditCharge
  w.u32(h.status);                   // 0x08 Status / ChannelSequence+Reserved
  w.u16(h.command);                  // 0x0C Command
  w.u16(h.credit_request_response);  // 0x0E CreditRequest/CreditResponse
  w.u32(h.flags);                    // 0x10 Flags
  w.u32(h.next_command);             // 0x14 NextCommand
  w.u64(h.message_id);               // 0x18 MessageId
  if (h.is_async()) {
    w.u64(h.async_id);               // 0x20 AsyncId
  } else {
    w.u32(h.reserved);               // 0x20 Reserved
    w.u32(h.tree_id);                // 0x24 TreeId
  }
  w.u64(h.session_id);               // 0x28 SessionId
  w.array(h.signature);              // 0x30 Signature
}

Result<Header> decode_header(wire::Reader& r) {
  Header h;
  h.protocol_id = r.u32();
  h.structure_size = r.u16();
  h.credit_charge = r.u16();
  h.status = r.u32();
  h.command = r.u16();
  h.credit_request_response = r.u16();
  h.flags = r.u32();
  h.next_command = r.u32();
  h.message_id = r.u64();
  if (h.is_async()) {
    h.async_id = r.u64();
  } else {
    h.reserved = r.u32();
    h.tree_id = r.u32();
  }
  h.session_id = r.u64();
  h.signature = r.array<16>();
  if (!r.ok()) return errc::truncated;
  if (h.protocol_id != kSmb2ProtocolId) return errc::bad_protocol_id;
  if (h.structure_size != 64) return errc::bad_header_size;
  return h;
}

}  // namespace smb::proto
