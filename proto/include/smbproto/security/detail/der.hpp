// A bounded DER (X.690) reader and writer: just what SPNEGO needs (single-byte tags, definite lengths).
#pragma once

#include <cstdint>

#include "smbproto/result.hpp"
#include "smbproto/wire.hpp"

namespace smb::security::detail {

/** One tag-length-value element. `value` and `whole` point into the reader's input. */
struct Tlv {
  std::uint8_t tag = 0;
  wire::ByteView value;  ///< the contents octets
  wire::ByteView whole;  ///< tag + length + contents (what a MIC covers, e.g. the MechTypeList)
};

/**
 * Reads consecutive TLVs from a buffer. Every read is bounded by the buffer: a length running
 * past the end, an indefinite length (0x80, BER only), a length of more than 4 octets, or a
 * high-tag-number tag (0x1f form) yields errc::bad_asn1; nothing is ever read out of bounds.
 */
class DerReader {
 public:
  explicit DerReader(wire::ByteView in) : in_(in) {}
  bool empty() const { return pos_ >= in_.size(); }
  /** The next element of any tag. Errors: errc::bad_asn1. */
  Result<Tlv> next();
  /** The next element, which must carry `tag`. Errors: errc::bad_asn1 (also for a different tag). */
  Result<Tlv> expect(std::uint8_t tag);
  /** Tag of the next element without consuming it; 0 at the end. */
  std::uint8_t peek_tag() const { return empty() ? 0 : in_[pos_]; }

 private:
  wire::ByteView in_;
  std::size_t pos_ = 0;
};

/** Appends tag, minimal definite length and contents. */
void der_put(wire::Bytes& out, std::uint8_t tag, wire::ByteView contents);
/** Returns tag + length + contents as a new buffer. */
wire::Bytes der_wrap(std::uint8_t tag, wire::ByteView contents);

// Universal and context tags used by SPNEGO (X.690 8.1.2).
inline constexpr std::uint8_t kDerEnumerated = 0x0A;
inline constexpr std::uint8_t kDerOctetString = 0x04;
inline constexpr std::uint8_t kDerOid = 0x06;
inline constexpr std::uint8_t kDerBitString = 0x03;
inline constexpr std::uint8_t kDerGeneralString = 0x1B;
inline constexpr std::uint8_t kDerSequence = 0x30;
inline constexpr std::uint8_t kDerApplication0 = 0x60;  ///< [APPLICATION 0] constructed (RFC 2743 3.1)
/** Context-specific constructed tag [n]. */
constexpr std::uint8_t der_context(unsigned n) { return static_cast<std::uint8_t>(0xA0 | n); }

}  // namespace smb::security::detail
