// SMB2 IOCTL request and response, plus the FSCTL payloads the harness uses (MS-SMB2 2.2.31, 2.2.32).
#pragma once

#include <cstdint>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

inline constexpr std::uint32_t SMB2_0_IOCTL_IS_FSCTL = 0x00000001;
inline constexpr std::uint32_t FSCTL_VALIDATE_NEGOTIATE_INFO = 0x00140204;
inline constexpr std::uint32_t FSCTL_LMR_REQUEST_RESILIENCY = 0x001401D4;

/** MS-SMB2 2.2.31 SMB2 IOCTL Request. InputOffset/Count and OutputOffset/Count derived. */
struct IoctlRequest {
  std::uint16_t structure_size = 57;  ///< MUST be 57
  std::uint16_t reserved = 0;
  std::uint32_t ctl_code = 0;         ///< names::ctl_code
  FileId file_id;                     ///< all-ones for FSCTLs not tied to an open (e.g. VALIDATE_NEGOTIATE_INFO)
  std::uint32_t max_input_response = 0;
  std::uint32_t max_output_response = 0;
  std::uint32_t flags = 0;            ///< names::ioctl_flags
  std::uint32_t reserved2 = 0;
  wire::Bytes input;
  wire::Bytes output;                 ///< normally empty in a request
  bool operator==(const IoctlRequest&) const = default;
};

/** MS-SMB2 2.2.32 SMB2 IOCTL Response. */
struct IoctlResponse {
  std::uint16_t structure_size = 49;  ///< MUST be 49
  std::uint16_t reserved = 0;
  std::uint32_t ctl_code = 0;         ///< names::ctl_code
  FileId file_id;
  std::uint32_t flags = 0;            ///< MUST be 0
  std::uint32_t reserved2 = 0;
  wire::Bytes input;
  wire::Bytes output;
  bool operator==(const IoctlResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, IoctlRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
  v(field("ctl_code", &names::ctl_code), m.ctl_code);
  v(field("file_id"), m.file_id);
  v(field("max_input_response"), m.max_input_response);
  v(field("max_output_response"), m.max_output_response);
  v(field("flags", &names::ioctl_flags), m.flags);
  v(field("reserved2"), m.reserved2);
  v(field("input"), m.input);
  v(field("output"), m.output);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, IoctlResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("reserved"), m.reserved);
  v(field("ctl_code", &names::ctl_code), m.ctl_code);
  v(field("file_id"), m.file_id);
  v(field("flags"), m.flags);
  v(field("reserved2"), m.reserved2);
  v(field("input"), m.input);
  v(field("output"), m.output);
}

/**
 * Request: input at body 0x38 (hdr 0x78), output after it at the next 8-byte hdr offset
 * (OutputOffset 0 when there is no output); one zero byte when both are empty.
 * Response: input at body 0x30 (hdr 0x70), output at the next 8-byte offset after the input
 * (both offsets are written even when the counts are 0, as Windows does).
 */
void encode(wire::Writer& w, const IoctlRequest& m);
void encode(wire::Writer& w, const IoctlResponse& m);
/** Errors: errc::truncated, errc::bad_structure_size, errc::bad_offset, errc::bad_length. */
Result<void> decode(wire::Reader& r, IoctlRequest& out);
Result<void> decode(wire::Reader& r, IoctlResponse& out);

/** MS-SMB2 2.2.31.4 VALIDATE_NEGOTIATE_INFO Request (input of FSCTL_VALIDATE_NEGOTIATE_INFO). */
struct ValidateNegotiateInfoRequest {
  std::uint32_t capabilities = 0;  ///< names::global_capabilities
  Guid guid;                       ///< the client's ClientGuid
  std::uint16_t security_mode = 0; ///< names::security_mode
  std::vector<std::uint16_t> dialects;  ///< names::dialect; DialectCount derived
  bool operator==(const ValidateNegotiateInfoRequest&) const = default;
};
/** MS-SMB2 2.2.32.6 VALIDATE_NEGOTIATE_INFO Response (24 bytes). */
struct ValidateNegotiateInfoResponse {
  std::uint32_t capabilities = 0;
  Guid guid;                       ///< the server's ServerGuid
  std::uint16_t security_mode = 0;
  std::uint16_t dialect = 0;       ///< names::dialect
  bool operator==(const ValidateNegotiateInfoResponse&) const = default;
};
/** MS-SMB2 2.2.31.3 NETWORK_RESILIENCY_REQUEST (input of FSCTL_LMR_REQUEST_RESILIENCY, 8 bytes). */
struct NetworkResiliencyRequest {
  std::uint32_t timeout = 0;  ///< milliseconds
  std::uint32_t reserved = 0;
  bool operator==(const NetworkResiliencyRequest&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, ValidateNegotiateInfoRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("capabilities", &names::global_capabilities), m.capabilities);
  v(field("guid"), m.guid);
  v(field("security_mode", &names::security_mode), m.security_mode);
  v(field("dialects", &names::dialect), m.dialects);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, ValidateNegotiateInfoResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("capabilities", &names::global_capabilities), m.capabilities);
  v(field("guid"), m.guid);
  v(field("security_mode", &names::security_mode), m.security_mode);
  v(field("dialect", &names::dialect), m.dialect);
}
template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NetworkResiliencyRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("timeout"), m.timeout);
  v(field("reserved"), m.reserved);
}

/** The FSCTL payload bytes (for IoctlRequest::input / IoctlResponse::output). */
wire::Bytes encode_payload(const ValidateNegotiateInfoRequest& m);
wire::Bytes encode_payload(const ValidateNegotiateInfoResponse& m);
wire::Bytes encode_payload(const NetworkResiliencyRequest& m);
/**
 * Parses a payload. Errors: errc::truncated (shorter than the fixed part or the dialect array;
 * 3.3.5.15.12 wants STATUS_INVALID_PARAMETER for an InputCount below the structure size).
 * Trailing bytes are ignored.
 */
Result<void> decode_payload(wire::ByteView b, ValidateNegotiateInfoRequest& out);
Result<void> decode_payload(wire::ByteView b, ValidateNegotiateInfoResponse& out);
Result<void> decode_payload(wire::ByteView b, NetworkResiliencyRequest& out);

}  // namespace smb::proto
