// The 32-byte SMB1 header (MS-CIFS 2.2.3.1, MS-SMB 2.2.3.1), its flag constants, and the status views.
#pragma once

#include <array>
#include <cstdint>

#include "smbproto/fields.hpp"
#include "smbproto/result.hpp"
#include "smbproto/smb1/names.hpp"
#include "smbproto/status.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::smb1 {

inline constexpr std::uint32_t kProtocol = 0x424D53FF;  // FF 'S' 'M' 'B' read little-endian
inline constexpr std::size_t kHeaderSize = 32;
/** MS-CIFS 3.3.5.2: a message shorter than header + WordCount + ByteCount is malformed. */
inline constexpr std::size_t kMinMessageSize = 35;

// MS-CIFS 2.2.3.1 Flags
inline constexpr std::uint8_t SMB_FLAGS_LOCK_AND_READ_OK = 0x01;
inline constexpr std::uint8_t SMB_FLAGS_BUF_AVAIL = 0x02;
inline constexpr std::uint8_t SMB_FLAGS_CASE_INSENSITIVE = 0x08;
inline constexpr std::uint8_t SMB_FLAGS_CANONICALIZED_PATHS = 0x10;
inline constexpr std::uint8_t SMB_FLAGS_OPLOCK = 0x20;
inline constexpr std::uint8_t SMB_FLAGS_OPBATCH = 0x40;
inline constexpr std::uint8_t SMB_FLAGS_REPLY = 0x80;

// MS-CIFS 2.2.3.1 Flags2 (+ MS-SMB 2.2.3.1 additions)
inline constexpr std::uint16_t SMB_FLAGS2_LONG_NAMES = 0x0001;
inline constexpr std::uint16_t SMB_FLAGS2_EAS = 0x0002;
inline constexpr std::uint16_t SMB_FLAGS2_SMB_SECURITY_SIGNATURE = 0x0004;
inline constexpr std::uint16_t SMB_FLAGS2_COMPRESSED = 0x0008;
inline constexpr std::uint16_t SMB_FLAGS2_SMB_SECURITY_SIGNATURE_REQUIRED = 0x0010;
inline constexpr std::uint16_t SMB_FLAGS2_IS_LONG_NAME = 0x0040;
inline constexpr std::uint16_t SMB_FLAGS2_REPARSE_PATH = 0x0400;
inline constexpr std::uint16_t SMB_FLAGS2_EXTENDED_SECURITY = 0x0800;
inline constexpr std::uint16_t SMB_FLAGS2_DFS = 0x1000;
inline constexpr std::uint16_t SMB_FLAGS2_PAGING_IO = 0x2000;
inline constexpr std::uint16_t SMB_FLAGS2_NT_STATUS = 0x4000;
inline constexpr std::uint16_t SMB_FLAGS2_UNICODE = 0x8000;

// MS-CIFS 2.2.2.4 SMB error classes
inline constexpr std::uint8_t ERRDOS = 0x01;
inline constexpr std::uint8_t ERRSRV = 0x02;
inline constexpr std::uint8_t ERRHRD = 0x03;
inline constexpr std::uint8_t ERRCMD = 0xFF;

/** MS-CIFS 2.2.1.6.2/2.2.1.6.3: MID and PIDLow 0xFFFF are reserved for the server's oplock break. */
inline constexpr std::uint16_t kOplockBreakMid = 0xFFFF;
inline constexpr std::uint16_t kOplockBreakPidLow = 0xFFFF;

/**
 * What a body codec needs from the header. `unicode` mirrors SMB_FLAGS2_UNICODE (MS-CIFS 2.2.3.1):
 * SMB_STRING fields are UTF-16LE aligned to 2 bytes from the header start when set, OEM otherwise.
 */
struct Context {
  bool unicode = true;
};

/** The SMBSTATUS view of Status (MS-CIFS 2.2.3.1): ErrorClass @5, Reserved @6, ErrorCode @7. */
struct DosError {
  std::uint8_t error_class = 0;
  std::uint8_t reserved = 0;
  std::uint16_t error_code = 0;
  constexpr bool operator==(const DosError&) const = default;
};

/** MS-CIFS 2.2.3.1 SMB_Header, 32 bytes. `status` holds the 4 bytes at offset 5 as one LE u32. */
struct Header {
  std::uint32_t protocol = kProtocol;               // 0x00 FF 'S' 'M' 'B'
  std::uint8_t command = 0;                         // 0x04
  std::uint32_t status = 0;                         // 0x05 NTSTATUS or ErrorClass/Reserved/ErrorCode
  std::uint8_t flags = 0;                           // 0x09
  std::uint16_t flags2 = 0;                         // 0x0A
  std::uint16_t pid_high = 0;                       // 0x0C
  std::array<std::uint8_t, 8> security_features{};  // 0x0E SecuritySignature when signing
  std::uint16_t reserved = 0;                       // 0x16
  std::uint16_t tid = 0;                            // 0x18
  std::uint16_t pid_low = 0;                        // 0x1A
  std::uint16_t uid = 0;                            // 0x1C
  std::uint16_t mid = 0;                            // 0x1E

  bool is_response() const { return (flags & SMB_FLAGS_REPLY) != 0; }
  /** SMB_FLAGS2_NT_STATUS set: Status is a 32-bit NTSTATUS (MS-CIFS 2.2.3.1). */
  bool has_nt_status() const { return (flags2 & SMB_FLAGS2_NT_STATUS) != 0; }
  /** Status read as NTSTATUS (meaningful when has_nt_status()). */
  NtStatus nt_status() const { return NtStatus{status}; }
  /** Status read as SMBSTATUS (meaningful when !has_nt_status()). */
  DosError dos_error() const {
    return {static_cast<std::uint8_t>(status), static_cast<std::uint8_t>(status >> 8),
            static_cast<std::uint16_t>(status >> 16)};
  }
  void set_dos_error(DosError e) {
    status = std::uint32_t{e.error_class} | (std::uint32_t{e.reserved} << 8) | (std::uint32_t{e.error_code} << 16);
  }
  /** Nonzero Status in either form (MS-CIFS 2.2.3.1: 0 means success in both). */
  bool is_error() const { return status != 0; }
  /** Full 32-bit process id: PIDHigh << 16 | PIDLow (MS-CIFS 2.2.1.6.3). */
  std::uint32_t pid() const { return (std::uint32_t{pid_high} << 16) | pid_low; }
  void set_pid(std::uint32_t pid) {
    pid_high = static_cast<std::uint16_t>(pid >> 16);
    pid_low = static_cast<std::uint16_t>(pid);
  }
  Context context() const { return {(flags2 & SMB_FLAGS2_UNICODE) != 0}; }
  bool operator==(const Header&) const = default;
};

template <class M, class V>
  requires std::same_as<std::remove_cvref_t<M>, Header>
constexpr void for_each_field(M&& m, V&& v) {
  v(field("protocol"), m.protocol);
  v(field("command", &names::command), m.command);
  v(field("status"), m.status);
  v(field("flags", &names::header_flags), m.flags);
  v(field("flags2", &names::header_flags2), m.flags2);
  v(field("pid_high"), m.pid_high);
  v(field("security_features"), m.security_features);
  v(field("reserved"), m.reserved);
  v(field("tid"), m.tid);
  v(field("pid_low"), m.pid_low);
  v(field("uid"), m.uid);
  v(field("mid"), m.mid);
}

/** Appends the 32 header bytes. */
void encode(wire::Writer& w, const Header& h);
/**
 * Decodes the header at the reader's position (the message base).
 * Errors: errc::truncated (fewer than 32 bytes), errc::bad_protocol_id (not FF 'S' 'M' 'B').
 */
Result<Header> decode_header(wire::Reader& r);

}  // namespace smb::proto::smb1
