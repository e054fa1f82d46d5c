// SMB1 SMB_COM_WRITE_AND_CLOSE, 6- and 12-word forms (MS-CIFS 2.2.4.40).
#pragma once

#include <array>
#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/**
 * MS-CIFS 2.2.4.40.1 request: WordCount 0x06, or 0x0C with Reserved (3 ULONGs, MUST be 0).
 * CountOfBytesToWrite is a real field (not derived from `data`) so a scenario can make it
 * disagree with ByteCount; ByteCount is written as 1 + data.size(). Bytes: Pad (1), Data.
 */
struct WriteAndCloseRequest {
  std::uint8_t word_count = 0x06;
  std::uint16_t fid = 0;
  std::uint16_t count_of_bytes_to_write = 0;
  std::uint32_t write_offset_in_bytes = 0;
  std::uint32_t last_write_time = 0;         ///< UTIME (seconds since 1970); 0: leave alone
  std::array<std::uint8_t, 12> reserved{};   ///< WordCount 0x0C only
  std::uint8_t pad = 0;
  wire::Bytes data;
  bool operator==(const WriteAndCloseRequest&) const = default;
};

/** MS-CIFS 2.2.4.40.2 response: WordCount 0x01, ByteCount 0. */
struct WriteAndCloseResponse {
  std::uint8_t word_count = 0x01;
  std::uint16_t count_of_bytes_written = 0;
  bool operator==(const WriteAndCloseResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, WriteAndCloseRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("fid"), m.fid);
  v(field("count_of_bytes_to_write"), m.count_of_bytes_to_write);
  v(field("write_offset_in_bytes"), m.write_offset_in_bytes);
  v(field("last_write_time"), m.last_write_time);
  v(field("reserved"), m.reserved);
  v(field("pad"), m.pad);
  v(field("data"), m.data);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, WriteAndCloseResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("count_of_bytes_written"), m.count_of_bytes_written);
}

void encode(wire::Writer& w, const WriteAndCloseRequest& m, const Context& c = {});
void encode(wire::Writer& w, const WriteAndCloseResponse& m, const Context& c = {});
/**
 * Request errors: errc::truncated, errc::bad_word_count (not 0x06/0x0C), errc::bad_byte_count
 * (past the message, or not 1 + CountOfBytesToWrite: "ByteCount ... MUST be 1 +
 * CountOfBytesToWrite", 2.2.4.40.1). Response errors: errc::truncated, errc::bad_word_count,
 * errc::bad_byte_count (not 0).
 */
Result<void> decode(wire::Reader& r, WriteAndCloseRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, WriteAndCloseResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
