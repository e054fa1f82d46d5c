// SMB1 SMB_COM_NEGOTIATE request and NT LM 0.12 response (MS-CIFS 2.2.4.52, MS-SMB 2.2.4.5).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

inline constexpr std::uint32_t CAP_UNICODE = 0x00000004;
inline constexpr std::uint32_t CAP_LARGE_FILES = 0x00000008;
inline constexpr std::uint32_t CAP_NT_SMBS = 0x00000010;
inline constexpr std::uint32_t CAP_STATUS32 = 0x00000040;
inline constexpr std::uint32_t CAP_LEVEL_II_OPLOCKS = 0x00000080;
inline constexpr std::uint32_t CAP_NT_FIND = 0x00000200;
inline constexpr std::uint32_t CAP_INFOLEVEL_PASSTHRU = 0x00002000;
inline constexpr std::uint32_t CAP_LARGE_READX = 0x00004000;
inline constexpr std::uint32_t CAP_LARGE_WRITEX = 0x00008000;
inline constexpr std::uint32_t CAP_EXTENDED_SECURITY = 0x80000000;
inline constexpr std::uint16_t kNoDialect = 0xFFFF;  ///< DialectIndex: none of the dialects is supported

/**
 * MS-CIFS 2.2.4.52.1 SMB_COM_NEGOTIATE Request: WordCount 0; Bytes are the dialect strings, each
 * preceded by BufferFormat 0x02 and NUL-terminated, least preferred first ("NT LM 0.12", ...).
 */
struct NegotiateRequest {
  std::uint8_t word_count = 0;       ///< MUST be 0
  std::vector<std::string> dialects; ///< without the 0x02 prefix and the terminator
  bool operator==(const NegotiateRequest&) const = default;
};

/**
 * MS-CIFS 2.2.4.52.2 NT LM 0.12 response (WordCount 0x11), with the MS-SMB 2.2.4.5.2.1 extended
 * security form chosen by CAP_EXTENDED_SECURITY in `capabilities` (Bytes = ServerGUID +
 * SecurityBlob, ChallengeLength 0) and otherwise the MS-SMB 2.2.4.5.2.2 form (Bytes = Challenge,
 * DomainName, ServerName; strings Unicode per Flags2, unaligned). WordCount 0x01 carries only
 * DialectIndex (0xFFFF: no dialect supported). ChallengeLength is derived from `challenge`.
 */
struct NegotiateResponse {
  std::uint8_t word_count = 0x11;
  std::uint16_t dialect_index = 0;
  std::uint8_t security_mode = 0;     ///< names::security_mode
  std::uint16_t max_mpx_count = 0;
  std::uint16_t max_number_vcs = 0;
  std::uint32_t max_buffer_size = 0;
  std::uint32_t max_raw_size = 0;
  std::uint32_t session_key = 0;
  std::uint32_t capabilities = 0;     ///< names::capabilities
  std::uint64_t system_time = 0;      ///< FILETIME
  std::uint16_t server_time_zone = 0; ///< signed minutes from UTC, as on the wire
  wire::Bytes challenge;              ///< non-extended form only
  std::string domain_name;            ///< non-extended form only
  std::string server_name;            ///< non-extended form only (MS-SMB)
  Guid server_guid;                   ///< extended form only
  wire::Bytes security_blob;          ///< extended form only
  bool operator==(const NegotiateResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NegotiateRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("dialects"), m.dialects);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NegotiateResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("dialect_index"), m.dialect_index);
  v(field("security_mode", &names::security_mode), m.security_mode);
  v(field("max_mpx_count"), m.max_mpx_count);
  v(field("max_number_vcs"), m.max_number_vcs);
  v(field("max_buffer_size"), m.max_buffer_size);
  v(field("max_raw_size"), m.max_raw_size);
  v(field("session_key"), m.session_key);
  v(field("capabilities", &names::capabilities), m.capabilities);
  v(field("system_time"), m.system_time);
  v(field("server_time_zone"), m.server_time_zone);
  v(field("challenge"), m.challenge);
  v(field("domain_name"), m.domain_name);
  v(field("server_name"), m.server_name);
  v(field("server_guid"), m.server_guid);
  v(field("security_blob"), m.security_blob);
}

/** True when the request offers an SMB2 dialect ("SMB 2.002" or "SMB 2.???", MS-SMB2 3.3.5.3.1). */
bool offers_smb2(const NegotiateRequest& m);

/** Appends the block (WordCount .. Bytes) at the writer's position (header-relative offsets). */
void encode(wire::Writer& w, const NegotiateRequest& m, const Context& c = {});
void encode(wire::Writer& w, const NegotiateResponse& m, const Context& c = {});
/**
 * Decodes the block at the reader's position. Request errors: errc::truncated,
 * errc::bad_word_count, errc::bad_byte_count, errc::bad_value (BufferFormat not 0x02).
 * Response errors: errc::truncated, errc::bad_word_count (not 0x01/0x11), errc::bad_byte_count
 * (Bytes shorter than ServerGUID or ChallengeLength), errc::bad_string.
 */
Result<void> decode(wire::Reader& r, NegotiateRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, NegotiateResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
