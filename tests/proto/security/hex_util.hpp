// Hex helpers shared by the security tests: known-answer vectors are written as hex strings.
#pragma once

#include <string>

#include "smbproto/wire.hpp"

namespace smb::security::test {

/** Bytes of a hex literal (spaces ignored); an invalid literal is a bug in the test, so it aborts. */
inline wire::Bytes hex(const std::string& s) {
  auto r = wire::from_hex(s);
  if (!r) std::abort();
  return *r;
}
inline wire::ByteView ascii(const char* s) {
  return wire::ByteView(reinterpret_cast<const std::uint8_t*>(s), std::char_traits<char>::length(s));
}
inline std::string hexs(wire::ByteView b) { return wire::to_hex(b); }

}  // namespace smb::security::test
