// SMB2 CANCEL request (MS-SMB2 2.2.30).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

// CANCEL has no response (MS-SMB2 3.3.5.16); the command list pairs it with NoResponse (error.hpp).

/** MS-SMB2 2.2.30 SMB2 CANCEL Request. */
struct CancelRequest {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;        ///< MUST be 0, ignored on receipt
  bool operator==(const CancelRequest&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, CancelRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

/** Appends the 4-byte body. */
void encode(wire::Writer& w, const CancelRequest& m);
/** Decodes the 4-byte body. Errors: errc::truncated, errc::bad_structure_size. */
Result<void> decode(wire::Reader& r, CancelRequest& out);

}  // namespace smb::proto
