// SMB2 SESSION_SETUP request and response (MS-SMB2 2.2.5, 2.2.6).
#pragma once

#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto {

/** MS-SMB2 2.2.5 SMB2 SESSION_SETUP Request. SecurityBufferOffset/Length derived. */
struct SessionSetupRequest {
  std::uint16_t structure_size = 25;  ///< MUST be 25
  std::uint8_t flags = 0;             ///< names::session_setup_flags (3.x: 0x01 BINDING)
  std::uint8_t security_mode = 0;     ///< names::security_mode
  std::uint32_t capabilities = 0;     ///< names::global_capabilities (only DFS meaningful)
  std::uint32_t channel = 0;          ///< MUST be 0
  std::uint64_t previous_session_id = 0;
  wire::Bytes security_buffer;        ///< GSS token
  bool operator==(const SessionSetupRequest&) const = default;
};

/** MS-SMB2 2.2.6 SMB2 SESSION_SETUP Response. */
struct SessionSetupResponse {
  std::uint16_t structure_size = 9;  ///< MUST be 9
  std::uint16_t session_flags = 0;   ///< names::session_flags
  wire::Bytes security_buffer;
  bool operator==(const SessionSetupResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SessionSetupRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("flags", &names::session_setup_flags), m.flags);
  v(field("security_mode", &names::security_mode), m.security_mode);
  v(field("capabilities", &names::global_capabilities), m.capabilities);
  v(field("channel"), m.channel);
  v(field("previous_session_id"), m.previous_session_id);
  v(field("security_buffer"), m.security_buffer);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SessionSetupResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("structure_size"), m.structure_size);
  v(field("session_flags", &names::session_flags), m.session_flags);
  v(field("security_buffer"), m.security_buffer);
}

/** Appends the body; the token goes right after the fixed part (request 0x18, response 0x08). */
void encode(wire::Writer& w, const SessionSetupRequest& m);
void encode(wire::Writer& w, const SessionSetupResponse& m);
/**
 * Errors: errc::truncated, errc::bad_structure_size, errc::bad_offset (SecurityBufferOffset inside
 * the fixed part or past the end), errc::bad_length (buffer runs past the end).
 */
Result<void> decode(wire::Reader& r, SessionSetupRequest& out);
Result<void> decode(wire::Reader& r, SessionSetupResponse& out);

}  // namespace smb::proto
