// SMB2 ECHO request and response (MS-SMB2 2.2.28, 2.2.29).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.28 SMB2 ECHO Request. */
struct EchoRequest {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;        ///< MUST be 0, ignored on receipt
  bool operator==(const EchoRequest&) const = default;
};

/** MS-SMB2 2.2.29 SMB2 ECHO Response. */
struct EchoResponse {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;        ///< MUST be 0, ignored on receipt
  bool operator==(const EchoResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, EchoRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, EchoResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

/** Appends the 4-byte body. */
void encode(wire::Writer& w, const EchoRequest& m);
void encode(wire::Writer& w, const EchoResponse& m);
/** Decodes the 4-byte body. Errors: errc::truncated, errc::bad_structure_size. */
Result<void> decode(wire::Reader& r, EchoRequest& out);
Result<void> decode(wire::Reader& r, EchoResponse& out);

}  // namespace smb::proto
