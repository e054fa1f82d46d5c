// SMB1 SMB_COM_NT_CREATE_ANDX (MS-CIFS 2.2.4.64, MS-SMB 2.2.4.9).
#pragma once

#include <cstdint>
#include <string>

#include "smbproto/fields.hpp"
#include "smbproto/names.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/header.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

inline constexpr std::uint32_t NT_CREATE_REQUEST_OPLOCK = 0x00000002;
inline constexpr std::uint32_t NT_CREATE_REQUEST_OPBATCH = 0x00000004;
inline constexpr std::uint32_t NT_CREATE_OPEN_TARGET_DIR = 0x00000008;
inline constexpr std::uint32_t NT_CREATE_REQUEST_EXTENDED_RESPONSE = 0x00000010;
// MS-CIFS 2.2.4.64.2 OpLockLevel
inline constexpr std::uint8_t NO_OPLOCK = 0x00;
inline constexpr std::uint8_t EXCLUSIVE_OPLOCK = 0x01;
inline constexpr std::uint8_t BATCH_OPLOCK = 0x02;
inline constexpr std::uint8_t LEVEL_II_OPLOCK = 0x03;

/**
 * MS-CIFS 2.2.4.64.1 request, WordCount 0x18. NameLength is derived: the byte length of FileName
 * including its terminator ("the length of the FileName field"). Bytes: Pad (Unicode), FileName.
 */
struct NtCreateAndxRequest {
  std::uint8_t word_count = 0x18;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint8_t reserved = 0;
  std::uint32_t flags = 0;                 ///< names::nt_create_flags
  std::uint32_t root_directory_fid = 0;
  std::uint32_t desired_access = 0;        ///< proto::names::access_mask
  std::uint64_t allocation_size = 0;
  std::uint32_t ext_file_attributes = 0;   ///< names::ext_file_attributes
  std::uint32_t share_access = 0;          ///< proto::names::share_access
  std::uint32_t create_disposition = 0;    ///< proto::names::create_disposition
  std::uint32_t create_options = 0;        ///< proto::names::create_options
  std::uint32_t impersonation_level = 0;   ///< proto::names::impersonation_level
  std::uint8_t security_flags = 0;         ///< names::security_flags
  std::string file_name;
  bool operator==(const NtCreateAndxRequest&) const = default;
};

/**
 * MS-CIFS 2.2.4.64.2 response (WordCount 0x22, 68 bytes of words) or the MS-SMB 2.2.4.9.2
 * extended response (WordCount 0x2A). For 0x2A the Words are 100 bytes (50 words) on the wire:
 * Windows and Samba write 0x2A but send VolumeGUID, FileId, MaximalAccessRights and
 * GuestMaximalAccessRights in full, so ByteCount follows 100 bytes of words; 0x32 (an honest
 * count for the same layout) is accepted too. Fields after `directory` exist only in those forms.
 */
struct NtCreateAndxResponse {
  std::uint8_t word_count = 0x22;
  std::uint8_t andx_command = 0xFF;
  std::uint8_t andx_reserved = 0;
  std::uint16_t andx_offset = 0;
  std::uint8_t op_lock_level = 0;          ///< names::oplock_level
  std::uint16_t fid = 0;
  std::uint32_t create_disposition = 0;    ///< names::create_action (the action taken)
  std::uint64_t create_time = 0;
  std::uint64_t last_access_time = 0;
  std::uint64_t last_write_time = 0;
  std::uint64_t last_change_time = 0;
  std::uint32_t ext_file_attributes = 0;   ///< names::ext_file_attributes
  std::uint64_t allocation_size = 0;
  std::uint64_t end_of_file = 0;
  std::uint16_t resource_type = 0;         ///< names::resource_type
  std::uint16_t nm_pipe_status = 0;        ///< MS-SMB: NMPipeStatus_or_FileStatusFlags
  std::uint8_t directory = 0;
  Guid volume_guid;                        ///< extended only
  std::uint64_t file_id = 0;               ///< extended only
  std::uint32_t maximal_access_rights = 0; ///< extended only
  std::uint32_t guest_maximal_access_rights = 0;  ///< extended only
  bool operator==(const NtCreateAndxResponse&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NtCreateAndxRequest>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("reserved"), m.reserved);
  v(field("flags", &names::nt_create_flags), m.flags);
  v(field("root_directory_fid"), m.root_directory_fid);
  v(field("desired_access", &proto::names::access_mask), m.desired_access);
  v(field("allocation_size"), m.allocation_size);
  v(field("ext_file_attributes", &names::ext_file_attributes), m.ext_file_attributes);
  v(field("share_access", &proto::names::share_access), m.share_access);
  v(field("create_disposition", &proto::names::create_disposition), m.create_disposition);
  v(field("create_options", &proto::names::create_options), m.create_options);
  v(field("impersonation_level", &proto::names::impersonation_level), m.impersonation_level);
  v(field("security_flags", &names::security_flags), m.security_flags);
  v(field("file_name"), m.file_name);
}

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, NtCreateAndxResponse>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("word_count"), m.word_count);
  v(field("andx_command", &names::command), m.andx_command);
  v(field("andx_reserved"), m.andx_reserved);
  v(field("andx_offset"), m.andx_offset);
  v(field("op_lock_level", &names::oplock_level), m.op_lock_level);
  v(field("fid"), m.fid);
  v(field("create_disposition", &names::create_action), m.create_disposition);
  v(field("create_time"), m.create_time);
  v(field("last_access_time"), m.last_access_time);
  v(field("last_write_time"), m.last_write_time);
  v(field("last_change_time"), m.last_change_time);
  v(field("ext_file_attributes", &names::ext_file_attributes), m.ext_file_attributes);
  v(field("allocation_size"), m.allocation_size);
  v(field("end_of_file"), m.end_of_file);
  v(field("resource_type", &names::resource_type), m.resource_type);
  v(field("nm_pipe_status"), m.nm_pipe_status);
  v(field("directory"), m.directory);
  v(field("volume_guid"), m.volume_guid);
  v(field("file_id"), m.file_id);
  v(field("maximal_access_rights", &proto::names::access_mask), m.maximal_access_rights);
  v(field("guest_maximal_access_rights", &proto::names::access_mask), m.guest_maximal_access_rights);
}

void encode(wire::Writer& w, const NtCreateAndxRequest& m, const Context& c = {});
void encode(wire::Writer& w, const NtCreateAndxResponse& m, const Context& c = {});
/**
 * Request errors: errc::truncated, errc::bad_word_count, errc::bad_byte_count, errc::bad_length
 * (NameLength longer than ByteCount), errc::bad_string. Response errors: errc::truncated,
 * errc::bad_word_count (not 0x22/0x2A/0x32), errc::bad_byte_count (ByteCount not 0).
 */
Result<void> decode(wire::Reader& r, NtCreateAndxRequest& out, const Context& c = {});
Result<void> decode(wire::Reader& r, NtCreateAndxResponse& out, const Context& c = {});

}  // namespace smb::proto::smb1
