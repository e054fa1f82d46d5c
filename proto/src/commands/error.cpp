// SMB2 ERROR Response codec (MS-SMB2 2.2.2).
#include "smbproto/commands/error.hpp"

namespace smb::proto {

void encode(wire::Writer& w, const ErrorResponse& m) {
  w.u16(m.structure_size);      // 0x00 StructureSize (9)
  w.u8(m.error_context_count);  // 0x02 ErrorContextCount
  w.u8(m.reserved);             // 0x03 Reserved
  w.u32(m.byte_count);          // 0x04 ByteCount
  if (m.error_data.empty()) {
    w.u8(0);                    // 0x08 ErrorData: one byte, StructureSize 9 counts it
  } else {
    w.bytes(m.error_data);      // 0x08 ErrorData
  }
}

Result<void> decode(wire::Reader& r, ErrorResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.error_context_count = r.u8();
  out.reserved = r.u8();
  out.byte_count = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 9) return errc::bad_structure_size;
  if (out.byte_count > r.remaining()) return errc::bad_length;
  auto data = r.bytes(out.byte_count);
  out.error_data.assign(data.begin(), data.end());
  // <5>: a pad byte may follow when ByteCount is 0; record what was there.
  out.body_length = static_cast<std::uint32_t>(r.size() - start);
  return {};
}

Result<void> decode(wire::Reader&, NoResponse&) { return errc::unsupported; }

}  // namespace smb::proto
