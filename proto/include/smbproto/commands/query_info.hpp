// SMB2 QUERY_INFO request and response (MS-SMB2 2.2.37, 2.2.38).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

inline constexpr std::uint8_t SMB2_0_INFO_FILE = 0x01;
inline constexpr std::uint8_t SMB2_0_INFO_FILESYSTEM = 0x02;
inline constexpr std::uint8_t SMB2_0_INFO_SECURITY = 0x03;
inline constexpr std::uint8_t SMB2_0_INFO_QUOTA = 0x04;

/** MS-SMB2 2.2.37 SMB2 QUERY_INFO Request. InputBufferOffset/Length derived. */
struct QueryInfoRequest {
  std::uint16_t structure_size = 41;  ///< MUST be 41
  std::uint8_t info_type = 0;         ///< names::info_type
  std::uint8_t file_info_class = 0;   ///< MS-FSCC 2.4 / 2.5 class, by info_type
  std::uint32_t output_buffer_length = 0;
  std::uint16_t reserved = 0;
  std::uint32_t additional_information = 0;
  std::uint32_t flags = 0;            ///< names::query_info_flags (quota / FileFullEaInformation only)
  FileId file_id;
  wire::Bytes input_buffer;
  bool operator==(const QueryInfoRequest&) const = default;
};

/** MS-SMB2 2.2.38 SMB2 QUERY_INFO Response. OutputBufferOffset/Length derived. */
struct QueryInfoResponse {
  std::uint16_t structure_size = 9;  ///< MUST be 9
  wire::Bytes output_buffer;         ///< the MS-FSCC structure (see fscc.hpp)
  bool operator==(const QueryInfoResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, QueryInfoRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("info_type", &names::info_type), m.info_type);
  v(field("file_info_class"), m.file_info_class);
  v(field("output_buffer_length"), m.output_buffer_length);
  v(field("reserved"), m.reserved);
  v(field("additional_information"), m.additional_information);
  v(field("flags", &names::query_info_flags), m.flags);
  v(field("file_id"), m.file_id);
  v(field("input_buffer"), m.input_buffer);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, QueryInfoResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("output_buffer"), m.output_buffer);
}

/** Request: input at body 0x28 (hdr 0x68; InputBufferOffset 0 when empty, plus one zero byte).
 *  Response: output at body 0x08 (hdr 0x48). */
void encode(wire::Writer& w, const QueryInfoRequest& m);
void encode(wire::Writer& w, const QueryInfoResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size, errc::bad_offset, errc::bad_length. */
Result<void> decode(wire::Reader& r, QueryInfoRequest& out);
Result<void> decode(wire::Reader& r, QueryInfoResponse& out);

}  // namespace smb::proto
