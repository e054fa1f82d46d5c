// SMB2 QUERY_DIRECTORY request and response (MS-SMB2 2.2.33, 2.2.34).
#pragma once

#include <cstdint>
#include <string>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

inline constexpr std::uint8_t SMB2_RESTART_SCANS = 0x01;
inline constexpr std::uint8_t SMB2_RETURN_SINGLE_ENTRY = 0x02;
inline constexpr std::uint8_t SMB2_INDEX_SPECIFIED = 0x04;
inline constexpr std::uint8_t SMB2_REOPEN = 0x10;

/** MS-SMB2 2.2.33 SMB2 QUERY_DIRECTORY Request. FileNameOffset/FileNameLength derived. */
struct QueryDirectoryRequest {
  std::uint16_t structure_size = 33;       ///< MUST be 33
  std::uint8_t file_information_class = 0; ///< names::file_information_class
  std::uint8_t flags = 0;                  ///< names::query_directory_flags
  std::uint32_t file_index = 0;
  FileId file_id;
  std::uint32_t output_buffer_length = 0;
  std::string file_name;                   ///< search pattern, UTF-8 here, UTF-16LE on the wire
  bool operator==(const QueryDirectoryRequest&) const = default;
};

/** MS-SMB2 2.2.34 SMB2 QUERY_DIRECTORY Response. OutputBufferOffset/Length derived. */
struct QueryDirectoryResponse {
  std::uint16_t structure_size = 9;  ///< MUST be 9
  wire::Bytes output_buffer;         ///< directory entries (see fscc.hpp)
  bool operator==(const QueryDirectoryResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, QueryDirectoryRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("file_information_class", &names::file_information_class), m.file_information_class);
  v(field("flags", &names::query_directory_flags), m.flags);
  v(field("file_index"), m.file_index);
  v(field("file_id"), m.file_id);
  v(field("output_buffer_length"), m.output_buffer_length);
  v(field("file_name"), m.file_name);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, QueryDirectoryResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("output_buffer"), m.output_buffer);
}

/** Request: the name at body 0x20 (hdr 0x60). Response: the entries at body 0x08 (hdr 0x48). */
void encode(wire::Writer& w, const QueryDirectoryRequest& m);
void encode(wire::Writer& w, const QueryDirectoryResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size, errc::bad_offset, errc::bad_length;
 *  request also errc::bad_string. */
Result<void> decode(wire::Reader& r, QueryDirectoryRequest& out);
Result<void> decode(wire::Reader& r, QueryDirectoryResponse& out);

}  // namespace smb::proto
