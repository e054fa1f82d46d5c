// Shared helpers and matchers for the proto tests: body framing, decode shortcuts, every-cut checks.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "smbproto/error.hpp"
#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::proto::test {

using wire::Bytes;

/** Bytes from a list of ints (lets golden arrays be written one annotated byte group per line). */
inline Bytes bytes(std::initializer_list<int> v) {
  Bytes b;
  for (int x : v) b.push_back(static_cast<std::uint8_t>(x));
  return b;
}
inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
inline Bytes le16(std::uint16_t v) { return bytes({v & 0xFF, v >> 8}); }
inline Bytes le32(std::uint32_t v) {
  return bytes({int(v & 0xFF), int((v >> 8) & 0xFF), int((v >> 16) & 0xFF), int(v >> 24)});
}
inline Bytes le64(std::uint64_t v) {
  Bytes b;
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  return b;
}
inline Bytes zeros(std::size_t n) { return Bytes(n, 0); }
/** ASCII as UTF-16LE. */
inline Bytes u16s(const std::string& ascii) {
  Bytes b;
  for (char c : ascii) {
    b.push_back(static_cast<std::uint8_t>(c));
    b.push_back(0);
  }
  return b;
}

inline constexpr std::size_t kHdr = 64;  // every ...Offset is relative to the SMB2 header (MS-SMB2 2.2)

/** A message: 64 zero bytes standing for the SMB2 header, then the body. */
inline Bytes message(const Bytes& body) {
  Bytes m(kHdr, 0);
  m.insert(m.end(), body.begin(), body.end());
  return m;
}

/**
 * Decodes the body of `msg` (which starts with a 64-byte header) into a fresh T. The message is
 * first copied into an exactly-sized heap block so that AddressSanitizer (SMBCONFORM_SANITIZE)
 * flags any read past the end: this is the "asserting reader" the cut tests run under.
 */
template <class T>
Result<T> decode_message_body(const Bytes& msg) {
  std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[msg.size() ? msg.size() : 1]);
  std::copy(msg.begin(), msg.end(), exact.get());
  wire::Reader r(wire::ByteView(exact.get(), msg.size()));
  r.seek(kHdr);
  T out{};
  if (auto res = decode(r, out); !res) return res.error();
  return out;
}
template <class T>
Result<T> decode_body(const Bytes& body) { return decode_message_body<T>(message(body)); }

/** The body bytes encode() writes when the body starts at hdr offset 0x40. */
template <class T>
Bytes encode_body(const T& m) {
  Bytes out(kHdr, 0);
  wire::Writer w(out);
  encode(w, m);
  return Bytes(out.begin() + kHdr, out.end());
}

/** Result holds exactly this errc. */
MATCHER_P(FailsWith, e, std::string("fails with ") + make_error_code(e).message()) {
  if (arg.has_value()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << "failed with " << arg.error().message();
  return arg.error() == make_error_code(e);
}
MATCHER(Succeeds, "succeeds") {
  if (!arg.has_value()) *result_listener << "failed with " << arg.error().message();
  return arg.has_value();
}

/**
 * Decodes every proper prefix of `body` (lengths 0 .. size-1) and checks the outcome against
 * `expected(n)`: an errc, or nullopt where the spec lets the prefix stand on its own (only the
 * trailing pad byte that StructureSize counts, MS-SMB2 2.2).
 */
template <class T>
void expect_every_cut(const Bytes& body, const std::function<std::optional<errc>(std::size_t)>& expected) {
  for (std::size_t n = 0; n < body.size(); ++n) {
    Bytes prefix(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(n));
    auto res = decode_body<T>(prefix);
    auto want = expected(n);
    if (want) {
      EXPECT_THAT(res, FailsWith(*want)) << "body cut to " << n << " of " << body.size() << " bytes";
    } else {
      EXPECT_THAT(res, Succeeds()) << "body cut to " << n << " of " << body.size() << " bytes";
    }
  }
}

/** Shorthand: prefixes shorter than `fixed` are errc::truncated, longer ones `rest`. */
inline std::function<std::optional<errc>(std::size_t)> cuts(std::size_t fixed, std::optional<errc> rest = errc::bad_length,
                                                            std::optional<std::size_t> pad_ok_at = std::nullopt) {
  return [=](std::size_t n) -> std::optional<errc> {
    if (n < fixed) return errc::truncated;
    if (pad_ok_at && n == *pad_ok_at) return std::nullopt;
    return rest;
  };
}

/** Patches a little-endian field inside a byte vector (to build malformed variants of a golden). */
inline void poke16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v);
  b[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
inline void poke32(Bytes& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace smb::proto::test
