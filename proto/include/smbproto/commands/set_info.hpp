// SMB2 SET_INFO request and response (MS-SMB2 2.2.39, 2.2.40).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.39 SMB2 SET_INFO Request. BufferLength/BufferOffset derived. */
struct SetInfoRequest {
  std::uint16_t structure_size = 33;  ///< MUST be 33
  std::uint8_t info_type = 0;         ///< names::info_type
  std::uint8_t file_info_class = 0;
  std::uint16_t reserved = 0;
  std::uint32_t additional_information = 0;
  FileId file_id;
  wire::Bytes buffer;                 ///< the MS-FSCC structure to set (see fscc.hpp)
  bool operator==(const SetInfoRequest&) const = default;
};

/** MS-SMB2 2.2.40 SMB2 SET_INFO Response. */
struct SetInfoResponse {
  std::uint16_t structure_size = 2;  ///< MUST be 2
  bool operator==(const SetInfoResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SetInfoRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("info_type", &names::info_type), m.info_type);
  v(field("file_info_class"), m.file_info_class);
  v(field("reserved"), m.reserved);
  v(field("additional_information"), m.additional_information);
  v(field("file_id"), m.file_id);
  v(field("buffer"), m.buffer);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SetInfoResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
}

/** Request: the buffer at body 0x20 (hdr 0x60). Response: 2 bytes. */
void encode(wire::Writer& w, const SetInfoRequest& m);
void encode(wire::Writer& w, const SetInfoResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size; request also errc::bad_offset, errc::bad_length. */
Result<void> decode(wire::Reader& r, SetInfoRequest& out);
Result<void> decode(wire::Reader& r, SetInfoResponse& out);

}  // namespace smb::proto
