// SMB1 SMB_COM_READ_ANDX (MS-CIFS 2.2.4.42, MS-SMB 2.2.4.2).
#pragma once

#include <array>
#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/** MS-CIFS 2.2.4.42.1 request: WordCount 0x0A, or 0x0C with OffsetHigh; ByteCount 0. */
struct ReadAndxRequest {
  std::uint8_t word_count = 0x0C;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t fid = 0;
  std::uint32_t offset = 0;
  std::uint16_t max_count_of_bytes_to_return = 0;
  std::uint16_t min_count_of_bytes_to_return = 0;
  std::uint32_t timeout_or_max_count_high = 0;  ///< MS-SMB 2.2.4.2.1 (MS-CIFS: Timeout)
  std::uint16_t remaining = 0;
  std::uint32_t offset_high = 0;                ///< WordCount 0x0C only
  bool operator==(const ReadAndxRequest&) const = default;
};

/**
 * MS-CIFS 2.2.4.42.2 / MS-SMB 2.2.4.2.2 response, WordCount 0x0C. DataLength, DataOffset and
 * DataLengthHigh are derived from `data`; the encoder writes one pad byte before Data (as
 * Windows and Samba do, giving DataOffset 0x3C for an unchained response). The decoder follows
 * DataOffset (header-relative) and allows Data past ByteCount (CAP_LARGE_READX, MS-SMB 2.2.4.2.2).
 */
struct ReadAndxResponse {
  std::uint8_t word_count = 0x0C;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t available = 0;
  std::uint16_t data_compaction_mode = 0;
  std::uint16_t reserved1 = 0;
  std::array<std::uint8_t, 8> reserved2{};
  wire::Bytes data;
  bool operator==(const ReadAndxResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, ReadAndxRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("fid"), m.fid);
  v(field("offset"), m.offset);
  v(field("max_count_of_bytes_to_return"), m.max_count_of_bytes_to_return);
  v(field("min_count_of_bytes_to_return"), m.min_count_of_bytes_to_return);
  v(field("timeout_or_max_count_high"), m.timeout_or_max_count_high);
  v(field("remaining"), m.remaining);
  v(field("offset_high"), m.offset_high);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, ReadAndxResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("available"), m.available);
  v(field("data_compaction_mode"), m.data_compaction_mode);
  v(field("reserved1"), m.reserved1);
  v(field("reserved2"), m.reserved2);
  v(field("data"), m.data);
}

void encode(wire::Writer& w, const ReadAndxRequest& m, const Context& c = {});
void encode(wire::Writer& w, const ReadAndxResponse& m, const Context& c = {});
/**
 * Request errors: errc::truncated, errc::bad_word_count (not 0x0A/0x0C), errc::bad_byte_count
 * (not 0). Response errors: errc::truncated, errc::bad_word_count, errc::bad_byte_count,
 * errc::bad_offset (DataOffset before the block's Bytes), errc::bad_length (Data past the message).
 */
Result<void> decode(wire::Reader& r, ReadAndxRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, ReadAndxResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
