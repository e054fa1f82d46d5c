// SMB1 SMB_COM_SESSION_SETUP_ANDX, extended-security form (MS-SMB 2.2.4.6; MS-CIFS 2.2.4.53).
#pragma once

#include <cstdint>
#include <string>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

/**
 * MS-SMB 2.2.4.6.1 request, WordCount 0x0C. SecurityBlobLength is derived from `security_blob`.
 * Bytes: SecurityBlob, Pad (Unicode alignment), NativeOS, NativeLanMan.
 */
struct SessionSetupAndxRequest {
  std::uint8_t word_count = 0x0C;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t max_buffer_size = 0;
  std::uint16_t max_mpx_count = 0;
  std::uint16_t vc_number = 0;
  std::uint32_t session_key = 0;
  std::uint32_t reserved = 0;
  std::uint32_t capabilities = 0;  ///< names::capabilities
  wire::Bytes security_blob;
  std::string native_os;
  std::string native_lan_man;
  bool operator==(const SessionSetupAndxRequest&) const = default;
};

/**
 * MS-SMB 2.2.4.6.2 response, WordCount 0x04. Bytes: SecurityBlob, Pad, NativeOS, NativeLanMan,
 * and PrimaryDomain when present (Samba sends it; MS-CIFS 2.2.4.53.2 has it in the older form).
 */
struct SessionSetupAndxResponse {
  std::uint8_t word_count = 0x04;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t action = 0;  ///< names::session_action
  wire::Bytes security_blob;
  std::string native_os;
  std::string native_lan_man;
  std::string primary_domain;  ///< written only when non-empty
  bool operator==(const SessionSetupAndxResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SessionSetupAndxRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("max_buffer_size"), m.max_buffer_size);
  v(field("max_mpx_count"), m.max_mpx_count);
  v(field("vc_number"), m.vc_number);
  v(field("session_key"), m.session_key);
  v(field("reserved"), m.reserved);
  v(field("capabilities", &names::capabilities), m.capabilities);
  v(field("security_blob"), m.security_blob);
  v(field("native_os"), m.native_os);
  v(field("native_lan_man"), m.native_lan_man);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, SessionSetupAndxResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("action", &names::session_action), m.action);
  v(field("security_blob"), m.security_blob);
  v(field("native_os"), m.native_os);
  v(field("native_lan_man"), m.native_lan_man);
  v(field("primary_domain"), m.primary_domain);
}

void encode(wire::Writer& w, const SessionSetupAndxRequest& m, const Context& c = {});
void encode(wire::Writer& w, const SessionSetupAndxResponse& m, const Context& c = {});
/**
 * Errors: errc::truncated, errc::bad_word_count, errc::unsupported (the non-extended NTLM forms:
 * request WordCount 0x0D, response 0x03), errc::bad_byte_count, errc::bad_length
 * (SecurityBlobLength past ByteCount), errc::bad_string.
 */
Result<void> decode(wire::Reader& r, SessionSetupAndxRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, SessionSetupAndxResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
