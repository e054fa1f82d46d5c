// Bounded DER reader/writer for SPNEGO tokens.
#include "smbproto/security/detail/der.hpp"

namespace smb::security::detail {

Result<Tlv> DerReader::next() {
  // Need at least a tag and one length octet.
  if (pos_ >= in_.size() || in_.size() - pos_ < 2) return proto::errc::bad_asn1;
  const std::size_t start = pos_;
  const std::uint8_t tag = in_[pos_];
  // High-tag-number form (X.690 8.1.2.4) never occurs in SPNEGO.
  if ((tag & 0x1F) == 0x1F) return proto::errc::bad_asn1;
  std::size_t p = pos_ + 1;
  std::uint8_t first = in_[p++];
  std::size_t len = 0;
  if (first < 0x80) {
    len = first;
  } else {
    const std::size_t n = first & 0x7F;
    // 0x80 = indefinite length (BER only); 0xFF reserved; > 4 octets cannot describe a token we accept.
    if (n == 0 || n > 4) return proto::errc::bad_asn1;
    if (in_.size() - p < n) return proto::errc::bad_asn1;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in_[p++];
  }
  if (len > in_.size() - p) return proto::errc::bad_asn1;
  Tlv t;
  t.tag = tag;
  t.value = in_.subspan(p, len);
  t.whole = in_.subspan(start, p + len - start);
  pos_ = p + len;
  return t;
}

Result<Tlv> DerReader::expect(std::uint8_t tag) {
  if (empty() || in_[pos_] != tag) return proto::errc::bad_asn1;
  return next();
}

void der_put(wire::Bytes& out, std::uint8_t tag, wire::ByteView contents) {
  out.push_back(tag);
  const std::size_t n = contents.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    std::uint8_t tmp[4];
    int k = 0;
    for (std::size_t v = n; v != 0; v >>= 8) tmp[k++] = static_cast<std::uint8_t>(v);
    out.push_back(static_cast<std::uint8_t>(0x80 | k));
    while (k > 0) out.push_back(tmp[--k]);
  }
  out.insert(out.end(), contents.begin(), contents.end());
}

wire::Bytes der_wrap(std::uint8_t tag, wire::ByteView contents) {
  wire::Bytes out;
  out.reserve(contents.size() + 6);
  der_put(out, tag, contents);
  return out;
}

}  // namespace smb::security::detail
