// SMB1 SMB_COM_WRITE_ANDX (MS-CIFS 2.2.4.43, MS-SMB 2.2.4.3).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/**
 * MS-CIFS 2.2.4.43.1 request: WordCount 0x0C, or 0x0E with OffsetHigh. DataLengthHigh (MS-SMB
 * 2.2.4.3.1; MS-CIFS Reserved), DataLength and DataOffset are derived from `data`; the encoder
 * writes one pad byte before Data (DataOffset 0x40 for an unchained 0x0E request).
 */
struct WriteAndxRequest {
  std::uint8_t word_count = 0x0E;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t fid = 0;
  std::uint32_t offset = 0;
  std::uint32_t timeout = 0;
  std::uint16_t write_mode = 0;   ///< names::write_mode
  std::uint16_t remaining = 0;
  std::uint32_t offset_high = 0;  ///< WordCount 0x0E only
  wire::Bytes data;
  bool operator==(const WriteAndxRequest&) const = default;
};

/** MS-CIFS 2.2.4.43.2 / MS-SMB 2.2.4.3.2 response: WordCount 0x06, ByteCount 0. */
struct WriteAndxResponse {
  std::uint8_t word_count = 0x06;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t count = 0;
  std::uint16_t available = 0;
  std::uint16_t count_high = 0;  ///< MS-SMB (MS-CIFS: Reserved)
  std::uint16_t reserved = 0;
  bool operator==(const WriteAndxResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, WriteAndxRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("fid"), m.fid);
  v(field("offset"), m.offset);
  v(field("timeout"), m.timeout);
  v(field("write_mode", &names::write_mode), m.write_mode);
  v(field("remaining"), m.remaining);
  v(field("offset_high"), m.offset_high);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, WriteAndxResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("count"), m.count);
  v(field("available"), m.available);
  v(field("count_high"), m.count_high);
  v(field("reserved"), m.reserved);
}

void encode(wire::Writer& w, const WriteAndxRequest& m, const Context& c = {});
void encode(wire::Writer& w, const WriteAndxResponse& m, const Context& c = {});
/**
 * Request errors: errc::truncated, errc::bad_word_count (not 0x0C/0x0E), errc::bad_byte_count,
 * errc::bad_offset (DataOffset before the block's Bytes), errc::bad_length (Data past the message;
 * Data may exceed ByteCount for CAP_LARGE_WRITEX, MS-SMB 2.2.4.3.1). Response errors:
 * errc::truncated, errc::bad_word_count, errc::bad_byte_count (not 0).
 */
Result<void> decode(wire::Reader& r, WriteAndxRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, WriteAndxResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
