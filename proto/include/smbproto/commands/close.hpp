// SMB2 CLOSE request and response (MS-SMB2 2.2.15, 2.2.16).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.15 SMB2 CLOSE Request. */
struct CloseRequest {
  std::uint16_t structure_size = 24;  ///< MUST be 24
  std::uint16_t flags = 0;            ///< names::close_flags
  std::uint32_t reserved = 0;
  FileId file_id;
  bool operator==(const CloseRequest&) const = default;
};

/** MS-SMB2 2.2.16 SMB2 CLOSE Response. Attributes are 0 unless flags has POSTQUERY_ATTRIB. */
struct CloseResponse {
  std::uint16_t structure_size = 60;  ///< MUST be 60
  std::uint16_t flags = 0;            ///< names::close_flags
  std::uint32_t reserved = 0;
  std::uint64_t creation_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t change_time = 0;
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;      ///< "EndofFile" (MS-FSCC spelling)
  std::uint32_t file_attributes = 0;  ///< names::file_attributes
  bool operator==(const CloseResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, CloseRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("flags", &names::close_flags), m.flags);
  v(field("reserved"), m.reserved);
  v(field("file_id"), m.file_id);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, CloseResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("flags", &names::close_flags), m.flags);
  v(field("reserved"), m.reserved);
  v(field("creation_time"), m.creation_time);
  v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time);
  v(field("change_time"), m.change_time);
  v(field("allocation_size"), m.allocation_size);
  v(field("end_of_file"), m.end_of_file);
  v(field("file_attributes", &names::file_attributes), m.file_attributes);
}

void encode(wire::Writer& w, const CloseRequest& m);
void encode(wire::Writer& w, const CloseResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size. */
Result<void> decode(wire::Reader& r, CloseRequest& out);
Result<void> decode(wire::Reader& r, CloseResponse& out);

}  // namespace smb::proto
