// SMB1 TRANSACTION2 block codec (MS-CIFS 2.2.4.46). Word offsets relative to Words, in hex.
#include "smbproto/smb1/transaction2.hpp"

#include "block.hpp"

namespace smb::proto::smb1 {
namespace {

// Pad1, Trans2_Parameters, Pad2, Trans2_Data: each non-empty block aligned to 4 from the header
// start (MS-CIFS 2.2.4.46.1 Pad1/Pad2); an empty block gets no pad and Offset 0 (its offset is
// meaningless with a zero count). Patches the Offset words at the given indices.
void write_blocks(wire::Writer& w, const wire::Bytes& params, const wire::Bytes& data, std::size_t param_offset_at,
                  std::size_t data_offset_at) {
  if (!params.empty()) {
    w.align(4);
    w.patch_u16(param_offset_at, static_cast<std::uint16_t>(w.offset()));
    w.bytes(params);
  }
  if (!data.empty()) {
    w.align(4);
    w.patch_u16(data_offset_at, static_cast<std::uint16_t>(w.offset()));
    w.bytes(data);
  }
}

// A non-empty block [offset, offset+count) must lie inside the Bytes of this block.
Result<wire::Bytes> read_block(const wire::Reader& r, const detail::Block& b, std::uint16_t offset, std::uint16_t count) {
  if (count == 0) return wire::Bytes{};
  if (offset < b.bytes) return errc::bad_offset;
  if (std::size_t{offset} + count > b.end) return errc::bad_length;
  auto v = r.view_at(offset, count);
  if (!v) return v.error();
  return wire::Bytes(v->begin(), v->end());
}

}  // namespace

void encode(wire::Writer& w, const Transaction2Request& m, const Context& c) {
  auto wc = static_cast<std::uint8_t>(14 + m.setup.size());
  detail::begin_words(w, wc);
  w.u16(m.total_parameter_count);          // 0x00 TotalParameterCount
  w.u16(m.total_data_count);               // 0x02 TotalDataCount
  w.u16(m.max_parameter_count);            // 0x04 MaxParameterCount
  w.u16(m.max_data_count);                 // 0x06 MaxDataCount
  w.u8(m.max_setup_count);                 // 0x08 MaxSetupCount
  w.u8(m.reserved1);                       // 0x09 Reserved1
  w.u16(m.flags);                          // 0x0A Flags
  w.u32(m.timeout);                        // 0x0C Timeout
  w.u16(m.reserved2);                      // 0x10 Reserved2
  w.u16(static_cast<std::uint16_t>(m.trans2_parameters.size()));  // 0x12 ParameterCount
  std::size_t param_offset_at = w.index();
  w.u16(0);                                // 0x14 ParameterOffset (patched)
  w.u16(static_cast<std::uint16_t>(m.trans2_data.size()));        // 0x16 DataCount
  std::size_t data_offset_at = w.index();
  w.u16(0);                                // 0x18 DataOffset (patched)
  w.u8(static_cast<std::uint8_t>(m.setup.size()));  // 0x1A SetupCount
  w.u8(m.reserved3);                       // 0x1B Reserved3
  for (auto s : m.setup) w.u16(s);         // 0x1C Setup[]
  auto bc = detail::begin_bytes(w);
  detail::write_string(w, "", c.unicode);  // Name: "not used ... MUST be" an empty string
  write_blocks(w, m.trans2_parameters, m.trans2_data, param_offset_at, data_offset_at);
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, Transaction2Request& out, const Context&) {
  wire::Reader peek = r;
  std::uint8_t wc = peek.u8();
  if (!peek.ok()) return errc::truncated;
  if (wc < 14) return errc::bad_word_count;
  auto b = detail::begin_block(r, {wc});
  if (!b) return b.error();
  out.total_parameter_count = r.u16();
  out.total_data_count = r.u16();
  out.max_parameter_count = r.u16();
  out.max_data_count = r.u16();
  out.max_setup_count = r.u8();
  out.reserved1 = r.u8();
  out.flags = r.u16();
  out.timeout = r.u32();
  out.reserved2 = r.u16();
  std::uint16_t parameter_count = r.u16();
  std::uint16_t parameter_offset = r.u16();
  std::uint16_t data_count = r.u16();
  std::uint16_t data_offset = r.u16();
  std::uint8_t setup_count = r.u8();
  out.reserved3 = r.u8();
  if (wc != 14 + setup_count) return errc::bad_word_count;  // 2.2.4.46.1: WordCount = 0x0E + SetupCount
  out.setup.clear();
  for (std::uint8_t i = 0; i < setup_count; ++i) out.setup.push_back(r.u16());
  if (out.total_parameter_count < parameter_count || out.total_data_count < data_count) return errc::bad_count;
  auto p = read_block(r, *b, parameter_offset, parameter_count);
  if (!p) return p.error();
  auto d = read_block(r, *b, data_offset, data_count);
  if (!d) return d.error();
  out.trans2_parameters = std::move(*p);
  out.trans2_data = std::move(*d);
  detail::end_block(r, *b);
  return {};
}

void encode(wire::Writer& w, const Transaction2Response& m, const Context&) {
  auto wc = static_cast<std::uint8_t>(10 + m.setup.size());
  detail::begin_words(w, wc);
  w.u16(m.total_parameter_count);          // 0x00 TotalParameterCount
  w.u16(m.total_data_count);               // 0x02 TotalDataCount
  w.u16(m.reserved1);                      // 0x04 Reserved1
  w.u16(static_cast<std::uint16_t>(m.trans2_parameters.size()));  // 0x06 ParameterCount
  std::size_t param_offset_at = w.index();
  w.u16(0);                                // 0x08 ParameterOffset (patched)
  w.u16(m.parameter_displacement);         // 0x0A ParameterDisplacement
  w.u16(static_cast<std::uint16_t>(m.trans2_data.size()));        // 0x0C DataCount
  std::size_t data_offset_at = w.index();
  w.u16(0);                                // 0x0E DataOffset (patched)
  w.u16(m.data_displacement);              // 0x10 DataDisplacement
  w.u8(static_cast<std::uint8_t>(m.setup.size()));  // 0x12 SetupCount
  w.u8(m.reserved2);                       // 0x13 Reserved2
  for (auto s : m.setup) w.u16(s);         // 0x14 Setup[]
  auto bc = detail::begin_bytes(w);
  write_blocks(w, m.trans2_parameters, m.trans2_data, param_offset_at, data_offset_at);
  detail::patch_byte_count(w, bc);
}

Result<void> decode(wire::Reader& r, Transaction2Response& out, const Context&) {
  wire::Reader peek = r;
  std::uint8_t wc = peek.u8();
  if (!peek.ok()) return errc::truncated;
  if (wc < 10) return errc::bad_word_count;
  auto b = detail::begin_block(r, {wc});
  if (!b) return b.error();
  out.total_parameter_count = r.u16();
  out.total_data_count = r.u16();
  out.reserved1 = r.u16();
  std::uint16_t parameter_count = r.u16();
  std::uint16_t parameter_offset = r.u16();
  out.parameter_displacement = r.u16();
  std::uint16_t data_count = r.u16();
  std::uint16_t data_offset = r.u16();
  out.data_displacement = r.u16();
  std::uint8_t setup_count = r.u8();
  out.reserved2 = r.u8();
  if (wc != 10 + setup_count) return errc::bad_word_count;  // 2.2.4.46.2: WordCount = 0x0A + SetupCount
  out.setup.clear();
  for (std::uint8_t i = 0; i < setup_count; ++i) out.setup.push_back(r.u16());
  if (std::size_t{out.parameter_displacement} + parameter_count > out.total_parameter_count ||
      std::size_t{out.data_displacement} + data_count > out.total_data_count)
    return errc::bad_count;
  auto p = read_block(r, *b, parameter_offset, parameter_count);
  if (!p) return p.error();
  auto d = read_block(r, *b, data_offset, data_count);
  if (!d) return d.error();
  out.trans2_parameters = std::move(*p);
  out.trans2_data = std::move(*d);
  detail::end_block(r, *b);
  return {};
}

}  // namespace smb::proto::smb1
