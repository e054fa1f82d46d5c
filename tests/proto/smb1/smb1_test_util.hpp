// Helpers for the SMB1 codec tests: a 32-byte zero header before a block, decode/encode shortcuts, cut checks.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "proto/test_util.hpp"
#include "smbproto/smb1/header.hpp"

namespace smb::proto::smb1::test {

using proto::test::bytes;
using proto::test::Bytes;
using proto::test::concat;
using proto::test::FailsWith;
using proto::test::le16;
using proto::test::le32;
using proto::test::le64;
using proto::test::poke16;
using proto::test::poke32;
using proto::test::Succeeds;
using proto::test::u16s;
using proto::test::zeros;

inline constexpr std::size_t kHdr1 = 32;  // MS-CIFS 2.2.3.1: offsets (AndXOffset, DataOffset) count from the header

/** ASCII + NUL as OEM bytes. */
inline Bytes oem(const std::string& s) {
  Bytes b(s.begin(), s.end());
  b.push_back(0);
  return b;
}
/** ASCII as UTF-16LE + a 2-byte NUL. */
inline Bytes uni(const std::string& s) { return concat({u16s(s), bytes({0, 0})}); }

/** A message: 32 zero bytes standing for the header, then the block. */
inline Bytes msg1(const Bytes& block) {
  Bytes m(kHdr1, 0);
  m.insert(m.end(), block.begin(), block.end());
  return m;
}

/** Unicode strings (Flags2 SMB_FLAGS2_UNICODE), the context most messages here are decoded in. */
inline const Context kUni{true};

/**
 * Decodes the block of `msg` (32-byte header first) into a fresh T, from an exactly-sized heap copy
 * so that AddressSanitizer would flag any read past the end.
 */
template <class T>
Result<T> decode_msg_block(const Bytes& msg, Context c = {}) {
  std::unique_ptr<std::uint8_t[]> exact(new std::uint8_t[msg.size() ? msg.size() : 1]);
  std::copy(msg.begin(), msg.end(), exact.get());
  wire::Reader r(wire::ByteView(exact.get(), msg.size()));
  r.seek(kHdr1);
  T out{};
  if (auto res = decode(r, out, c); !res) return res.error();
  return out;
}
template <class T>
Result<T> decode_block(const Bytes& block, Context c = {}) { return decode_msg_block<T>(msg1(block), c); }

/** The block encode() writes when it starts at header offset 0x20. */
template <class T>
Bytes encode_block(const T& m, Context c = {}) {
  Bytes out(kHdr1, 0);
  wire::Writer w(out);
  encode(w, m, c);
  return Bytes(out.begin() + kHdr1, out.end());
}

/** Decodes every proper prefix of `block` and checks the outcome against `expected(n)`. */
template <class T>
void expect_every_cut(const Bytes& block, const std::function<std::optional<errc>(std::size_t)>& expected,
                      Context c = {}) {
  for (std::size_t n = 0; n < block.size(); ++n) {
    Bytes prefix(block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
    auto res = decode_block<T>(prefix, c);
    auto want = expected(n);
    if (want) {
      EXPECT_THAT(res, FailsWith(*want)) << "block cut to " << n << " of " << block.size() << " bytes";
    } else {
      EXPECT_THAT(res, Succeeds()) << "block cut to " << n << " of " << block.size() << " bytes";
    }
  }
}

/**
 * MS-CIFS 2.2.3.2/2.2.3.3 cut rule: a prefix missing WordCount, any word or ByteCount is truncated;
 * a prefix that has ByteCount but not the bytes it announces makes ByteCount lie.
 */
inline std::function<std::optional<errc>(std::size_t)> block_cuts(std::size_t words_bytes) {
  return [=](std::size_t n) -> std::optional<errc> {
    if (n < 1 + words_bytes + 2) return errc::truncated;
    return errc::bad_byte_count;
  };
}

}  // namespace smb::proto::smb1::test
