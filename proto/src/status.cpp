// Name table lookups for NTSTATUS values.
#include "smbproto/status.hpp"

#include <array>
#include <charconv>
#include <cstdio>

namespace smb {
namespace {
struct Row {
  std::string_view name;
  std::uint32_t value;
};
constexpr Row kRows[] = {
#define SMB_X(name, val) {#name, val},
    SMB_STATUS_LIST(SMB_X)
#undef SMB_X
};
}  // namespace

std::string_view status_name(NtStatus s) {
  for (const auto& r : kRows)
    if (r.value == s.value) return r.name;
  return {};
}

std::string to_string(NtStatus s) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "0x%08x", s.value);
  auto n = status_name(s);
  if (n.empty()) return hex;
  return std::string(n) + " (" + hex + ")";
}

std::optional<NtStatus> status_from_string(std::string_view text) {
  for (const auto& r : kRows)
    if (r.name == text) return NtStatus{r.value};
  std::uint32_t v = 0;
  const char* b = text.data();
  const char* e = text.data() + text.size();
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    b += 2;
    base = 16;
  }
  if (b == e) return std::nullopt;
  auto [p, ec] = std::from_chars(b, e, v, base);
  if (ec != std::errc{} || p != e) return std::nullopt;
  return NtStatus{v};
}

}  // namespace smb
