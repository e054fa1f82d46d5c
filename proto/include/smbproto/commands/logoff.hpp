// SMB2 LOGOFF request and response (MS-SMB2 2.2.7, 2.2.8).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.7 SMB2 LOGOFF Request. */
struct LogoffRequest {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;        ///< MUST be 0, ignored on receipt
  bool operator==(const LogoffRequest&) const = default;
};

/** MS-SMB2 2.2.8 SMB2 LOGOFF Response. */
struct LogoffResponse {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;        ///< MUST be 0, ignored on receipt
  bool operator==(const LogoffResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LogoffRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, LogoffResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

/** Appends the 4-byte body. */
void encode(wire::Writer& w, const LogoffRequest& m);
void encode(wire::Writer& w, const LogoffResponse& m);
/** Decodes the 4-byte body. Errors: errc::truncated, errc::bad_structure_size. */
Result<void> decode(wire::Reader& r, LogoffRequest& out);
Result<void> decode(wire::Reader& r, LogoffResponse& out);

}  // namespace smb::proto
