// SMB2 READ request and response (MS-SMB2 2.2.19, 2.2.20).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.19 SMB2 READ Request. ReadChannelInfoOffset/Length derived from read_channel_info. */
struct ReadRequest {
  std::uint16_t structure_size = 49;  ///< MUST be 49
  std::uint8_t padding = 0;           ///< requested data offset in the response (hint)
  std::uint8_t flags = 0;             ///< names::read_flags
  std::uint32_t length = 0;           ///< bytes to read
  std::uint64_t offset = 0;
  FileId file_id;
  std::uint32_t minimum_count = 0;
  std::uint32_t channel = 0;          ///< names::channel
  std::uint32_t remaining_bytes = 0;
  wire::Bytes read_channel_info;      ///< RDMA descriptors; empty for SMB2_CHANNEL_NONE
  bool operator==(const ReadRequest&) const = default;
};

/** MS-SMB2 2.2.20 SMB2 READ Response. DataOffset (1 byte, hdr-relative) and DataLength derived. */
struct ReadResponse {
  std::uint16_t structure_size = 17;  ///< MUST be 17
  std::uint8_t reserved = 0;
  std::uint32_t data_remaining = 0;
  std::uint32_t flags = 0;            ///< "Reserved2/Flags" (3.1.1): names::read_response_flags
  wire::Bytes data;
  bool operator==(const ReadResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, ReadRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("padding"), m.padding);
  v(field("flags", &names::read_flags), m.flags);
  v(field("length"), m.length);
  v(field("offset"), m.offset);
  v(field("file_id"), m.file_id);
  v(field("minimum_count"), m.minimum_count);
  v(field("channel", &names::channel), m.channel);
  v(field("remaining_bytes"), m.remaining_bytes);
  v(field("read_channel_info"), m.read_channel_info);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, ReadResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
  v(field("data_remaining"), m.data_remaining);
  v(field("flags", &names::read_response_flags), m.flags);
  v(field("data"), m.data);
}

/** Request: channel info at body 0x30 (one zero byte when empty, 2.2.19 "The client MUST set one
 *  byte of this field to 0"). Response: data at body 0x10 (hdr 0x50). */
void encode(wire::Writer& w, const ReadRequest& m);
void encode(wire::Writer& w, const ReadResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size, errc::bad_offset, errc::bad_length. */
Result<void> decode(wire::Reader& r, ReadRequest& out);
Result<void> decode(wire::Reader& r, ReadResponse& out);

}  // namespace smb::proto
