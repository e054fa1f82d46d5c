// SMB2 FLUSH request and response (MS-SMB2 2.2.17, 2.2.18).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.17 SMB2 FLUSH Request. */
struct FlushRequest {
  std::uint16_t structure_size = 24;  ///< MUST be 24
  std::uint16_t reserved1 = 0;        ///< MUST be 0, ignored by the server
  std::uint32_t reserved2 = 0;        ///< MUST be 0, ignored by the server
  FileId file_id;                     ///< the open to flush
  bool operator==(const FlushRequest&) const = default;
};

/** MS-SMB2 2.2.18 SMB2 FLUSH Response. */
struct FlushResponse {
  std::uint16_t structure_size = 4;  ///< MUST be 4
  std::uint16_t reserved = 0;
  bool operator==(const FlushResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, FlushRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved1"), m.reserved1);
  v(field("reserved2"), m.reserved2);
  v(field("file_id"), m.file_id);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, FlushResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
}

/** Appends the body; the writer's offset() must be hdr-relative (body starts at 0x40). */
void encode(wire::Writer& w, const FlushRequest& m);
void encode(wire::Writer& w, const FlushResponse& m);
/**
 * Decodes the body at the reader's position (0x40 from the message base).
 * Errors: errc::truncated, errc::bad_structure_size.
 */
Result<void> decode(wire::Reader& r, FlushRequest& out);
Result<void> decode(wire::Reader& r, FlushResponse& out);

}  // namespace smb::proto
