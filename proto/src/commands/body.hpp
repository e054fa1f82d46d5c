// Private helpers of the command codecs: bounds-checked variable buffers, UTF-16 names, the pad byte.
#pragma once

#include <cstddef>
#include <string>

#include "smbproto/error.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::detail {

/**
 * The variable buffer [offset, offset+length) named by an Offset/Length pair (both hdr-relative,
 * MS-SMB2 2.2). `min_offset` is the hdr-relative end of the fixed part: a buffer may not overlap
 * the fixed fields. A zero length yields an empty view whatever the offset (senders put 0 there,
 * e.g. the Linux client's QUERY_INFO InputBufferOffset).
 * Errors: errc::bad_offset (before the fixed part ends or past the message), errc::bad_length.
 */
inline Result<wire::ByteView> buffer_at(const wire::Reader& r, std::size_t offset, std::size_t length,
                                        std::size_t min_offset) {
  if (length == 0) return wire::ByteView{};
  if (offset < min_offset) return errc::bad_offset;
  return r.view_at(offset, length);
}

inline wire::Bytes to_bytes(wire::ByteView v) { return wire::Bytes(v.begin(), v.end()); }

/** As buffer_at, then UTF-16LE -> UTF-8. Errors: those of buffer_at, errc::bad_string. */
inline Result<std::string> utf16_at(const wire::Reader& r, std::size_t offset, std::size_t length,
                                    std::size_t min_offset) {
  auto v = buffer_at(r, offset, length, min_offset);
  if (!v) return v.error();
  return wire::utf8_from_utf16le(*v);
}

/**
 * Variable-length bodies have an odd StructureSize that counts one byte of Buffer (MS-SMB2 2.2:
 * "the size of the fixed part plus one byte"). When nothing variable was written, write that
 * byte as 0 so the body is StructureSize long, as Windows senders do. Decoders accept its absence.
 */
inline void pad_if_empty(wire::Writer& w, std::size_t body_start_offset, std::size_t fixed_size) {
  if (w.offset() - body_start_offset == fixed_size) w.u8(0);
}

}  // namespace smb::proto::detail
