// SMB2 TREE_CONNECT request and response (MS-SMB2 2.2.9, 2.2.10).
#pragma once

#include <cstdint>
#include <string>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/**
 * MS-SMB2 2.2.9 SMB2 TREE_CONNECT Request. `path` is UTF-8 here, UTF-16LE on the wire
 * (PathOffset/PathLength derived). The 3.1.1 tree-connect extension (2.2.9.1) is not modelled:
 * with SMB2_TREE_CONNECT_FLAG_EXTENSION_PRESENT the path bytes are still read from PathOffset.
 */
struct TreeConnectRequest {
  std::uint16_t structure_size = 9;  ///< MUST be 9
  std::uint16_t flags = 0;           ///< "Flags/Reserved": names::tree_connect_flags (3.1.1), else 0
  std::string path;                  ///< "\\\\server\\share"
  bool operator==(const TreeConnectRequest&) const = default;
};

/** MS-SMB2 2.2.10 SMB2 TREE_CONNECT Response. */
struct TreeConnectResponse {
  std::uint16_t structure_size = 16;  ///< MUST be 16
  std::uint8_t share_type = 0;        ///< names::share_type
  std::uint8_t reserved = 0;
  std::uint32_t share_flags = 0;      ///< names::share_flags
  std::uint32_t capabilities = 0;     ///< names::share_capabilities
  std::uint32_t maximal_access = 0;   ///< names::access_mask
  bool operator==(const TreeConnectResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, TreeConnectRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("flags", &names::tree_connect_flags), m.flags);
  v(field("path"), m.path);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, TreeConnectResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("share_type", &names::share_type), m.share_type);
  v(field("reserved"), m.reserved);
  v(field("share_flags", &names::share_flags), m.share_flags);
  v(field("capabilities", &names::share_capabilities), m.capabilities);
  v(field("maximal_access", &names::access_mask), m.maximal_access);
}

/** Request: the path at body 0x08 (one pad byte when empty). Response: 16 bytes. */
void encode(wire::Writer& w, const TreeConnectRequest& m);
void encode(wire::Writer& w, const TreeConnectResponse& m);
/**
 * Request errors: errc::truncated, errc::bad_structure_size, errc::bad_offset, errc::bad_length,
 * errc::bad_string (odd PathLength or broken surrogate). Response: errc::truncated,
 * errc::bad_structure_size.
 */
Result<void> decode(wire::Reader& r, TreeConnectRequest& out);
Result<void> decode(wire::Reader& r, TreeConnectResponse& out);

}  // namespace smb::proto
