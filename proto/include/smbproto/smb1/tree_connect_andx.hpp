// SMB1 SMB_COM_TREE_CONNECT_ANDX (MS-CIFS 2.2.4.55, MS-SMB 2.2.4.7).
#pragma once

#include <cstdint>
#include <string>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

inline constexpr std::uint16_t TREE_CONNECT_ANDX_DISCONNECT_TID = 0x0001;
inline constexpr std::uint16_t TREE_CONNECT_ANDX_EXTENDED_SIGNATURES = 0x0004;
inline constexpr std::uint16_t TREE_CONNECT_ANDX_EXTENDED_RESPONSE = 0x0008;

/**
 * MS-CIFS 2.2.4.55.1 request, WordCount 0x04. PasswordLength derived from `password`.
 * Bytes: Password, Pad (Unicode alignment of Path), Path (SMB_STRING), Service (OEM_STRING).
 */
struct TreeConnectAndxRequest {
  std::uint8_t word_count = 0x04;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t flags = 0;  ///< names::tree_connect_flags
  wire::Bytes password;
  std::string path;         ///< "\\\\server\\share"
  std::string service = "?????";
  bool operator==(const TreeConnectAndxRequest&) const = default;
};

/**
 * MS-CIFS 2.2.4.55.2 response (WordCount 0x03) or MS-SMB 2.2.4.7.2 extended response (0x07,
 * adding MaximalShareAccessRights and GuestMaximalShareAccessRights, which 0x03 omits).
 * Bytes: Service (OEM_STRING), NativeFileSystem (SMB_STRING).
 */
struct TreeConnectAndxResponse {
  std::uint8_t word_count = 0x07;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint16_t optional_support = 0;              ///< names::optional_support
  std::uint32_t maximal_share_access_rights = 0;   ///< 0x07 only
  std::uint32_t guest_maximal_share_access_rights = 0;  ///< 0x07 only
  std::string service;
  std::string native_file_system;
  bool operator==(const TreeConnectAndxResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, TreeConnectAndxRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("flags", &names::tree_connect_flags), m.flags);
  v(field("password"), m.password);
  v(field("path"), m.path);
  v(field("service"), m.service);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, TreeConnectAndxResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("optional_support", &names::optional_support), m.optional_support);
  v(field("maximal_share_access_rights"), m.maximal_share_access_rights);
  v(field("guest_maximal_share_access_rights"), m.guest_maximal_share_access_rights);
  v(field("service"), m.service);
  v(field("native_file_system"), m.native_file_system);
}

void encode(wire::Writer& w, const TreeConnectAndxRequest& m, const Context& c = {});
void encode(wire::Writer& w, const TreeConnectAndxResponse& m, const Context& c = {});
/**
 * Errors: errc::truncated, errc::bad_word_count (request not 0x04; response not 0x03/0x07),
 * errc::bad_byte_count, errc::bad_length (PasswordLength past ByteCount), errc::bad_string.
 */
Result<void> decode(wire::Reader& r, TreeConnectAndxRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, TreeConnectAndxResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
