// Decode/encode error codes of libsmbproto, grouped into conditions (truncated, malformed, unsupported).
#pragma once

#include <system_error>

namespace smb::proto {

/** Every distinct reason the codec rejects input. One enumerator per rejection. */
enum class errc {
  // --- truncated
  truncated = 1,          ///< input ends before a fixed field
  need_more,              ///< framing: more bytes are needed (not an error for a stream)
  // --- malformed
  bad_protocol_id,        ///< first 4 bytes are not FE 'S' 'M' 'B' (or FF 'S' 'M' 'B' for SMB1)
  bad_header_size,        ///< header StructureSize != 64 (SMB2) / SMB1 header short
  bad_structure_size,     ///< body StructureSize differs from the spec constant
  bad_offset,             ///< an Offset field points before the buffer or outside the message
  bad_length,             ///< a Length field runs past the end of the message
  bad_count,              ///< a count field is zero where the spec requires > 0, or absurd
  bad_alignment,          ///< a field that must be 8-byte aligned is not
  bad_next_command,       ///< NextCommand not 8-aligned, too small or past the end
  too_many_commands,      ///< compound chain longer than the codec bound
  frame_too_large,        ///< Direct TCP length over the configured maximum
  bad_frame_header,       ///< Direct TCP first byte not zero
  bad_string,             ///< UTF-16 string of odd length or invalid surrogate
  bad_value,              ///< a field holds a value the message cannot carry
  bad_word_count,         ///< SMB1 WordCount wrong for the command
  bad_byte_count,         ///< SMB1 ByteCount inconsistent with the bytes present
  bad_andx_offset,        ///< SMB1 AndXOffset loops back or runs past the end
  bad_asn1,               ///< SPNEGO/ASN.1 DER structure malformed
  bad_ntlmssp,            ///< NTLMSSP message malformed
  // --- unsupported
  unknown_command,        ///< Command code not defined by the spec
  unsupported,            ///< valid on the wire but not implemented by this codec
};

/** Conditions group errc values for callers that only care about the class. */
enum class condition { truncated = 1, malformed, unsupported };

const std::error_category& proto_category() noexcept;
const std::error_category& proto_condition_category() noexcept;
std::error_code make_error_code(errc e) noexcept;
std::error_condition make_error_condition(condition c) noexcept;

}  // namespace smb::proto

template <>
struct std::is_error_code_enum<smb::proto::errc> : std::true_type {};
template <>
struct std::is_error_condition_enum<smb::proto::condition> : std::true_type {};
