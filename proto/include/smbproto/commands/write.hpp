// SMB2 WRITE request and response (MS-SMB2 2.2.21, 2.2.22).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/**
 * MS-SMB2 2.2.21 SMB2 WRITE Request. DataOffset and Length derive from `data`;
 * WriteChannelInfoOffset/Length from `write_channel_info`.
 */
struct WriteRequest {
  std::uint16_t structure_size = 49;  ///< MUST be 49
  std::uint64_t offset = 0;
  FileId file_id;
  std::uint32_t channel = 0;          ///< names::channel
  std::uint32_t remaining_bytes = 0;
  std::uint32_t flags = 0;            ///< names::write_flags
  wire::Bytes data;
  wire::Bytes write_channel_info;     ///< RDMA descriptors, written after `data`
  bool operator==(const WriteRequest&) const = default;
};

/** MS-SMB2 2.2.22 SMB2 WRITE Response (the channel-info fields are reserved, MUST be 0). */
struct WriteResponse {
  std::uint16_t structure_size = 17;  ///< MUST be 17
  std::uint16_t reserved = 0;
  std::uint32_t count = 0;            ///< bytes written
  std::uint32_t remaining = 0;        ///< MUST be 0
  std::uint16_t write_channel_info_offset = 0;  ///< MUST be 0
  std::uint16_t write_channel_info_length = 0;  ///< MUST be 0
  bool operator==(const WriteResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, WriteRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("offset"), m.offset);
  v(field("file_id"), m.file_id);
  v(field("channel", &names::channel), m.channel);
  v(field("remaining_bytes"), m.remaining_bytes);
  v(field("flags", &names::write_flags), m.flags);
  v(field("data"), m.data);
  v(field("write_channel_info"), m.write_channel_info);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, WriteResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
  v(field("count"), m.count);
  v(field("remaining"), m.remaining);
  v(field("write_channel_info_offset"), m.write_channel_info_offset);
  v(field("write_channel_info_length"), m.write_channel_info_length);
}

/** Request: data at body 0x30 (hdr 0x70), channel info right after it; one zero byte when both are
 *  empty. Response: 16 bytes plus one zero byte (StructureSize 17). */
void encode(wire::Writer& w, const WriteRequest& m);
void encode(wire::Writer& w, const WriteResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size; request also errc::bad_offset, errc::bad_length. */
Result<void> decode(wire::Reader& r, WriteRequest& out);
Result<void> decode(wire::Reader& r, WriteResponse& out);

}  // namespace smb::proto
