// SMB2 IOCTL codec and FSCTL payloads (MS-SMB2 2.2.31, 2.2.31.3, 2.2.31.4, 2.2.32, 2.2.32.6).
#include "smbproto/commands/ioctl.hpp"

#include "body.hpp"
#include "smbproto/detail/fileid.hpp"

namespace smb::proto {
namespace {
constexpr std::size_t kIoctlRequestFixed = 56;   // StructureSize 57 = 56 + 1 byte of Buffer
constexpr std::size_t kIoctlResponseFixed = 48;  // StructureSize 49 = 48 + 1
std::size_t align8(std::size_t v) { return (v + 7) & ~std::size_t{7}; }
}  // namespace

// MS-SMB2 2.2.31
void encode(wire::Writer& w, const IoctlRequest& m) {
  std::size_t start = w.offset();
  std::size_t input_offset = start + kIoctlRequestFixed;
  std::size_t output_offset = m.output.empty() ? 0 : align8(input_offset + m.input.size());
  w.u16(m.structure_size);                                 // 0x00 StructureSize (57)
  w.u16(m.reserved);                                       // 0x02 Reserved
  w.u32(m.ctl_code);                                       // 0x04 CtlCode
  detail::put(w, m.file_id);                               // 0x08 FileId
  w.u32(static_cast<std::uint32_t>(input_offset));         // 0x18 InputOffset
  w.u32(static_cast<std::uint32_t>(m.input.size()));       // 0x1C InputCount
  w.u32(m.max_input_response);                             // 0x20 MaxInputResponse
  w.u32(static_cast<std::uint32_t>(output_offset));        // 0x24 OutputOffset
  w.u32(static_cast<std::uint32_t>(m.output.size()));      // 0x28 OutputCount
  w.u32(m.max_output_response);                            // 0x2C MaxOutputResponse
  w.u32(m.flags);                                          // 0x30 Flags
  w.u32(m.reserved2);                                      // 0x34 Reserved2
  w.bytes(m.input);                                        // 0x38 Buffer: input
  if (!m.output.empty()) {
    w.align(8);
    w.bytes(m.output);                                     //      output
  }
  detail::pad_if_empty(w, start, kIoctlRequestFixed);
}

Result<void> decode(wire::Reader& r, IoctlRequest& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.reserved = r.u16();
  out.ctl_code = r.u32();
  out.file_id = detail::get_file_id(r);
  std::uint32_t input_offset = r.u32();
  std::uint32_t input_count = r.u32();
  out.max_input_response = r.u32();
  std::uint32_t output_offset = r.u32();
  std::uint32_t output_count = r.u32();
  out.max_output_response = r.u32();
  out.flags = r.u32();
  out.reserved2 = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 57) return errc::bad_structure_size;
  auto input = detail::buffer_at(r, input_offset, input_count, start + kIoctlRequestFixed);
  if (!input) return input.error();
  auto output = detail::buffer_at(r, output_offset, output_count, start + kIoctlRequestFixed);
  if (!output) return output.error();
  out.input = detail::to_bytes(*input);
  out.output = detail::to_bytes(*output);
  return {};
}

// MS-SMB2 2.2.32
void encode(wire::Writer& w, const IoctlResponse& m) {
  std::size_t start = w.offset();
  std::size_t input_offset = start + kIoctlResponseFixed;
  std::size_t output_offset = align8(input_offset + m.input.size());
  w.u16(m.structure_size);                                 // 0x00 StructureSize (49)
  w.u16(m.reserved);                                       // 0x02 Reserved
  w.u32(m.ctl_code);                                       // 0x04 CtlCode
  detail::put(w, m.file_id);                               // 0x08 FileId
  w.u32(static_cast<std::uint32_t>(input_offset));         // 0x18 InputOffset
  w.u32(static_cast<std::uint32_t>(m.input.size()));       // 0x1C InputCount
  w.u32(static_cast<std::uint32_t>(output_offset));        // 0x20 OutputOffset
  w.u32(static_cast<std::uint32_t>(m.output.size()));      // 0x24 OutputCount
  w.u32(m.flags);                                          // 0x28 Flags
  w.u32(m.reserved2);                                      // 0x2C Reserved2
  w.bytes(m.input);                                        // 0x30 Buffer: input
  if (!m.output.empty()) {
    w.align(8);
    w.bytes(m.output);                                     //      output
  }
  detail::pad_if_empty(w, start, kIoctlResponseFixed);
}

Result<void> decode(wire::Reader& r, IoctlResponse& out) {
  std::size_t start = r.pos();
  out.structure_size = r.u16();
  out.reserved = r.u16();
  out.ctl_code = r.u32();
  out.file_id = detail::get_file_id(r);
  std::uint32_t input_offset = r.u32();
  std::uint32_t input_count = r.u32();
  std::uint32_t output_offset = r.u32();
  std::uint32_t output_count = r.u32();
  out.flags = r.u32();
  out.reserved2 = r.u32();
  if (!r.ok()) return errc::truncated;
  if (out.structure_size != 49) return errc::bad_structure_size;
  auto input = detail::buffer_at(r, input_offset, input_count, start + kIoctlResponseFixed);
  if (!input) return input.error();
  auto output = detail::buffer_at(r, output_offset, output_count, start + kIoctlResponseFixed);
  if (!output) return output.error();
  out.input = detail::to_bytes(*input);
  out.output = detail::to_bytes(*output);
  return {};
}

// MS-SMB2 2.2.31.4: Capabilities (4) | Guid (16) | SecurityMode (2) | DialectCount (2) | Dialects
wire::Bytes encode_payload(const ValidateNegotiateInfoRequest& m) {
  wire::Bytes b;
  wire::Writer w(b);
  w.u32(m.capabilities);                                   // 0x00 Capabilities
  detail::put(w, m.guid);                                  // 0x04 Guid
  w.u16(m.security_mode);                                  // 0x14 SecurityMode
  w.u16(static_cast<std::uint16_t>(m.dialects.size()));    // 0x16 DialectCount
  for (auto d : m.dialects) w.u16(d);                      // 0x18 Dialects
  return b;
}

Result<void> decode_payload(wire::ByteView b, ValidateNegotiateInfoRequest& out) {
  wire::Reader r(b);
  out.capabilities = r.u32();
  out.guid = detail::get_guid(r);
  out.security_mode = r.u16();
  std::uint16_t count = r.u16();
  if (!r.ok()) return errc::truncated;
  if (std::size_t{count} * 2 > r.remaining()) return errc::truncated;
  out.dialects.clear();
  for (std::size_t i = 0; i < count; ++i) out.dialects.push_back(r.u16());
  return {};
}

// MS-SMB2 2.2.32.6: Capabilities (4) | Guid (16) | SecurityMode (2) | Dialect (2)
wire::Bytes encode_payload(const ValidateNegotiateInfoResponse& m) {
  wire::Bytes b;
  wire::Writer w(b);
  w.u32(m.capabilities);   // 0x00 Capabilities
  detail::put(w, m.guid);  // 0x04 Guid
  w.u16(m.security_mode);  // 0x14 SecurityMode
  w.u16(m.dialect);        // 0x16 Dialect
  return b;
}

Result<void> decode_payload(wire::ByteView b, ValidateNegotiateInfoResponse& out) {
  wire::Reader r(b);
  out.capabilities = r.u32();
  out.guid = detail::get_guid(r);
  out.security_mode = r.u16();
  out.dialect = r.u16();
  if (!r.ok()) return errc::truncated;
  return {};
}

// MS-SMB2 2.2.31.3: Timeout (4) | Reserved (4)
wire::Bytes encode_payload(const NetworkResiliencyRequest& m) {
  wire::Bytes b;
  wire::Writer w(b);
  w.u32(m.timeout);   // 0x00 Timeout
  w.u32(m.reserved);  // 0x04 Reserved
  return b;
}

Result<void> decode_payload(wire::ByteView b, NetworkResiliencyRequest& out) {
  wire::Reader r(b);
  out.timeout = r.u32();
  out.reserved = r.u32();
  if (!r.ok()) return errc::truncated;
  return {};
}

}  // namespace smb::proto
