// SMB2 TREE_DISCONNECT request and response (MS-SMB2 2.2.11, 2.2.12).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.11 SMB2 TREE_DISCONNECT Request. */
struct TreeDisconnectRequest {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;        ///< MUST be 0, ignored on receipt
  bool operator==(const TreeDisconnectRequest&) const = default;
};

/** MS-SMB2 2.2.12 SMB2 TREE_DISCONNECT Response. */
struct TreeDisconnectResponse {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;        ///< MUST be 0, ignored on receipt
  bool operator==(const TreeDisconnectResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, TreeDisconnectRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, TreeDisconnectResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

/** Appends the 4-byte body. */
void encode(wire::Writer& w, const TreeDisconnectRequest& m);
void encode(wire::Writer& w, const TreeDisconnectResponse& m);
/** Decodes the 4-byte body. Errors: errc::truncated, errc::bad_structure_size. */
Result<void> decode(wire::Reader& r, TreeDisconnectRequest& out);
Result<void> decode(wire::Reader& r, TreeDisconnectResponse& out);

}  // namespace smb::proto
