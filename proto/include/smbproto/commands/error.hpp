// SMB2 ERROR Response (MS-SMB2 2.2.2), also the body of interim STATUS_PENDING responses (3.3.4.2).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.2. StructureSize is 9 whatever the ErrorData length. */
struct ErrorResponse {
  std::uint16_t structure_size = 9;
  std::uint8_t error_context_count = 0;  ///< 3.1.1 only; else 0
  std::uint8_t reserved = 0;
  std::uint32_t byte_count = 0;          ///< length of error_data
  wire::Bytes error_data;                ///< raw ErrorData (contexts for 3.1.1)
  /**
   * Bytes of the body actually present (8 or 9 when byte_count is 0: <5> older Windows send one
   * pad byte). Set by decode; encode writes 8 + error_data.size() (+1 pad when byte_count is 0
   * and `pad_byte` is true).
   */
  std::uint32_t body_length = 0;
  bool operator==(const ErrorResponse&) const = default;
};

/** CANCEL (MS-SMB2 2.2.30) has no response; this empty type fills its row in the command list. */
struct NoResponse {
  bool operator==(const NoResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, ErrorResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("error_context_count"), m.error_context_count);
  v(field("reserved"), m.reserved);
  v(field("byte_count"), m.byte_count);
  v(field("error_data"), m.error_data);
  v(field("body_length"), m.body_length);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NoResponse>
constexpr void for_each_field(M&&, V&&) {}

/** Writes StructureSize..ErrorData; when byte_count == 0 writes the 8-byte body plus one zero pad byte
 *  (the 9-byte form MS-SMB2 2.2.2 describes: "ErrorData (variable) ... the server MUST set this to 0"). */
void encode(wire::Writer& w, const ErrorResponse& m);
/** Errors: errc::truncated (< 8 bytes), errc::bad_structure_size, errc::bad_length (ByteCount past end). */
Result<void> decode(wire::Reader& r, ErrorResponse& out);
inline void encode(wire::Writer&, const NoResponse&) {}
/** A NoResponse never appears on the wire: errc::unsupported. */
Result<void> decode(wire::Reader& r, NoResponse& out);

}  // namespace smb::proto
