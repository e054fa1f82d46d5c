// SMB1 signing (MS-CIFS 3.1.4.1 / 3.1.5.1 / 3.3.4.1.1): MD5-based, the sequence number standing in for the signature.
#include "smbproto/smb1/signing.hpp"

#include <algorithm>

#include "smbproto/security/detail/crypto.hpp"
#include "smbproto/smb1/header.hpp"

namespace smb::proto::smb1 {

std::array<std::uint8_t, 8> compute_signature(wire::ByteView mac_key, wire::ByteView message,
                                              std::uint32_t sequence_number) {
  std::array<std::uint8_t, 8> sig{};
  if (message.size() < kHeaderSize) return sig;
  // "the sequence number ... is copied into the SecuritySignature field ... and the remaining
  // bytes set to zero" before hashing (MS-CIFS 3.1.4.1).
  std::array<std::uint8_t, 8> seq{};
  for (int i = 0; i < 4; ++i) seq[i] = static_cast<std::uint8_t>(sequence_number >> (8 * i));
  auto digest = security::detail::md5({mac_key, message.first(kSignatureOffset), wire::ByteView(seq),
                                       message.subspan(kSignatureOffset + kSignatureSize)});
  std::copy_n(digest.begin(), 8, sig.begin());
  return sig;
}

void sign_message(std::span<std::uint8_t> message, wire::ByteView mac_key, std::uint32_t sequence_number) {
  if (message.size() < kHeaderSize) return;
  auto sig = compute_signature(mac_key, message, sequence_number);
  std::copy(sig.begin(), sig.end(), message.begin() + kSignatureOffset);
}

bool verify_signature(wire::ByteView message, wire::ByteView mac_key, std::uint32_t sequence_number) {
  if (message.size() < kHeaderSize) return false;
  auto sig = compute_signature(mac_key, message, sequence_number);
  return security::detail::constant_time_equal(sig, message.subspan(kSignatureOffset, kSignatureSize));
}

}  // namespace smb::proto::smb1
