// Access-mask constants and the generic-rights mapping the server applies at CREATE (MS-SMB2 2.2.13.1).
#pragma once

#include <cstdint>

namespace smb::server::access {

// MS-SMB2 2.2.13.1.1 (file/pipe) and 2.2.13.1.2 (directory: same bits, other names)
inline constexpr std::uint32_t FILE_READ_DATA = 0x00000001;        // FILE_LIST_DIRECTORY
inline constexpr std::uint32_t FILE_WRITE_DATA = 0x00000002;       // FILE_ADD_FILE
inline constexpr std::uint32_t FILE_APPEND_DATA = 0x00000004;      // FILE_ADD_SUBDIRECTORY
inline constexpr std::uint32_t FILE_LIST_DIRECTORY = FILE_READ_DATA;
inline constexpr std::uint32_t FILE_ADD_FILE = FILE_WRITE_DATA;
inline constexpr std::uint32_t FILE_ADD_SUBDIRECTORY = FILE_APPEND_DATA;
inline constexpr std::uint32_t FILE_READ_EA = 0x00000008;
inline constexpr std::uint32_t FILE_WRITE_EA = 0x00000010;
inline constexpr std::uint32_t FILE_EXECUTE = 0x00000020;          // FILE_TRAVERSE
inline constexpr std::uint32_t FILE_DELETE_CHILD = 0x00000040;
inline constexpr std::uint32_t FILE_READ_ATTRIBUTES = 0x00000080;
inline constexpr std::uint32_t FILE_WRITE_ATTRIBUTES = 0x00000100;
inline constexpr std::uint32_t DELETE = 0x00010000;
inline constexpr std::uint32_t READ_CONTROL = 0x00020000;
inline constexpr std::uint32_t WRITE_DAC = 0x00040000;
inline constexpr std::uint32_t WRITE_OWNER = 0x00080000;
inline constexpr std::uint32_t SYNCHRONIZE = 0x00100000;
inline constexpr std::uint32_t ACCESS_SYSTEM_SECURITY = 0x01000000;
inline constexpr std::uint32_t MAXIMUM_ALLOWED = 0x02000000;
inline constexpr std::uint32_t GENERIC_ALL = 0x10000000;
inline constexpr std::uint32_t GENERIC_EXECUTE = 0x20000000;
inline constexpr std::uint32_t GENERIC_WRITE = 0x40000000;
inline constexpr std::uint32_t GENERIC_READ = 0x80000000;

/** Every specific file right (3.3.5.9: the full set granted when the share has no ConnectSecurity). */
inline constexpr std::uint32_t FILE_ALL_ACCESS = 0x001F01FF;
/** The right set of GENERIC_READ / GENERIC_WRITE / GENERIC_EXECUTE (2.2.13.1.1 text, MS-DTYP 2.4.3). */
inline constexpr std::uint32_t FILE_GENERIC_READ = READ_CONTROL | SYNCHRONIZE | FILE_READ_DATA | FILE_READ_ATTRIBUTES | FILE_READ_EA;
inline constexpr std::uint32_t FILE_GENERIC_WRITE =
    READ_CONTROL | SYNCHRONIZE | FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA;
inline constexpr std::uint32_t FILE_GENERIC_EXECUTE = READ_CONTROL | SYNCHRONIZE | FILE_READ_ATTRIBUTES | FILE_EXECUTE;
/** Rights of a read-only share: everything that does not modify. */
inline constexpr std::uint32_t READ_ONLY_ACCESS = FILE_GENERIC_READ | FILE_GENERIC_EXECUTE;
/** Bits that modify the object. */
inline constexpr std::uint32_t WRITE_BITS = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA | FILE_WRITE_ATTRIBUTES |
                                             FILE_DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER;

/**
 * Expands GENERIC_* to specific rights and resolves MAXIMUM_ALLOWED to `maximal` (2.2.13.1);
 * keeps ACCESS_SYSTEM_SECURITY. The result is what Open.GrantedAccess holds.
 */
constexpr std::uint32_t map_generic(std::uint32_t desired, std::uint32_t maximal) {
  std::uint32_t r = desired & 0x011F01FF;  // specific + standard rights + ACCESS_SYSTEM_SECURITY
  if (desired & GENERIC_READ) r |= FILE_GENERIC_READ;
  if (desired & GENERIC_WRITE) r |= FILE_GENERIC_WRITE;
  if (desired & GENERIC_EXECUTE) r |= FILE_GENERIC_EXECUTE;
  if (desired & GENERIC_ALL) r |= FILE_ALL_ACCESS;
  if (desired & MAXIMUM_ALLOWED) r |= maximal;
  return r;
}

}  // namespace smb::server::access
