// NTSTATUS as data: a value type, named constants from status_list.hpp, and name <-> value lookups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smbproto/status_list.hpp"

namespace smb {

/** A 32-bit NTSTATUS (MS-ERREF 2.3). Any value is representable; unknown ones print as hex. */
struct NtStatus {
  std::uint32_t value = 0;
  constexpr bool operator==(const NtStatus&) const = default;
  /** Severity bits 0b11: error (MS-ERREF 2.3). STATUS_PENDING is not an error. */
  constexpr bool is_error() const { return (value >> 30) == 3; }
  constexpr bool is_warning() const { return (value >> 30) == 2; }
  constexpr bool is_success() const { return (value >> 30) == 0; }
};

namespace status {
#define SMB_X(name, val) inline constexpr NtStatus name{val};
SMB_STATUS_LIST(SMB_X)
#undef SMB_X
}  // namespace status

/** Spec name ("STATUS_FILE_CLOSED") or empty when the value is not in the table. */
std::string_view status_name(NtStatus s);
/** "STATUS_FILE_CLOSED (0xc0000128)", or "0xc0000999" for unknown codes. */
std::string to_string(NtStatus s);
/** Parses a spec name, or a hex/decimal literal ("0xC0000128"). nullopt if neither. */
std::optional<NtStatus> status_from_string(std::string_view text);

}  // namespace smb
