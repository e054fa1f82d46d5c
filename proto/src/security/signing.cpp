// SMB2/3 signing (MS-SMB2 3.1.4.1, 3.1.5.1), key derivation (3.1.4.2, 3.3.5.5.3) and the preauth hash (3.3.5.4).
#include "smbproto/security/signing.hpp"

#include <algorithm>

#include "smbproto/security/detail/crypto.hpp"

namespace smb::security {

namespace crypto = detail;
using wire::ByteView;
using wire::Bytes;

namespace {

constexpr std::size_t kHeaderSize = 64;
constexpr std::size_t kSignatureOffset = 0x30;
constexpr std::uint16_t kCancel = 0x000C;
constexpr std::uint32_t kServerToRedir = 0x00000001;

ByteView label(const char* s, std::size_t n_with_nul) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(s), n_with_nul);
}
#define SMB_LABEL(lit) label(lit, sizeof(lit))  // sizeof includes the terminating NUL the spec requires

// Signature of `message` whose Signature field is already zeroed (3.1.4.1 step 1).
Bytes compute(ByteView message, ByteView key, SigningAlgorithm alg) {
  switch (alg) {
    case SigningAlgorithm::hmac_sha256: {
      // 2.0.2 / 2.1: "HMAC-SHA256 hash ... the first 16 bytes of the hash" (3.1.4.1).
      Bytes mac = crypto::hmac_sha256(key, {message});
      mac.resize(16);
      return mac;
    }
    case SigningAlgorithm::aes_cmac:
      return crypto::aes_cmac(key, {message});
    case SigningAlgorithm::aes_gmac: {
      // 3.1.4.1: Nonce = MessageId (8 bytes) followed by 4 bytes: least significant bit 1 if the
      // sender is the server, penultimate bit 1 if the message is an SMB2 CANCEL request.
      wire::Reader r(message);
      r.seek(0x0C);
      const std::uint16_t command = r.u16();
      r.seek(0x10);
      const std::uint32_t flags = r.u32();
      r.seek(0x18);
      const std::uint64_t message_id = r.u64();
      const bool from_server = (flags & kServerToRedir) != 0;
      std::uint32_t role = from_server ? 1u : 0u;
      if (command == kCancel && !from_server) role |= 2u;
      Bytes nonce;
      wire::Writer w(nonce);
      w.u64(message_id);
      w.u32(role);
      return crypto::aes_gmac(key, nonce, {message});
    }
  }
  return Bytes(16, 0);
}

}  // namespace

Bytes kdf_sp800_108(ByteView key, ByteView lbl, ByteView context, unsigned bits) {
  // MS-SMB2 3.1.4.2: SP800-108 counter mode, PRF = HMAC-SHA256, r = 32, L = 128 or 256:
  //   K(i) = PRF(Ki, [i]_2 || Label || 0x00 || Context || [L]_2), result = first L bits of K(1) || K(2) ...
  // The labels MS-SMB2 lists already end in "\0", which is the 0x00 separator.
  Bytes out;
  const unsigned bytes = bits / 8;
  std::uint8_t len_be[4] = {static_cast<std::uint8_t>(bits >> 24), static_cast<std::uint8_t>(bits >> 16),
                            static_cast<std::uint8_t>(bits >> 8), static_cast<std::uint8_t>(bits)};
  for (std::uint32_t i = 1; out.size() < bytes; ++i) {
    std::uint8_t ctr[4] = {static_cast<std::uint8_t>(i >> 24), static_cast<std::uint8_t>(i >> 16),
                           static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
    static const std::uint8_t zero = 0;
    // Label already carries its NUL; SP800-108 puts one 0x00 between Label and Context. MS-SMB2's
    // published vectors (and every implementation) feed Label-with-NUL, 0x00, Context.
    Bytes k = crypto::hmac_sha256(key, {ByteView(ctr, 4), lbl, ByteView(&zero, 1), context, ByteView(len_be, 4)});
    out.insert(out.end(), k.begin(), k.end());
  }
  out.resize(bytes);
  return out;
}

SessionKeys derive_session_keys(std::uint16_t dialect, ByteView session_key, ByteView preauth_hash) {
  // 3.3.5.5.3: Session.SessionKey = first 16 bytes of the GSS key, right-padded with zeros if shorter.
  Bytes key(session_key.begin(), session_key.begin() + std::min<std::size_t>(16, session_key.size()));
  key.resize(16, 0);
  SessionKeys k;
  if (dialect == 0x0300 || dialect == 0x0302) {
    k.signing_key = kdf_sp800_108(key, SMB_LABEL("SMB2AESCMAC"), SMB_LABEL("SmbSign"));
    k.application_key = kdf_sp800_108(key, SMB_LABEL("SMB2APP"), SMB_LABEL("SmbRpc"));
    k.encryption_key = kdf_sp800_108(key, SMB_LABEL("SMB2AESCCM"), SMB_LABEL("ServerOut"));
    k.decryption_key = kdf_sp800_108(key, SMB_LABEL("SMB2AESCCM"), SMB_LABEL("ServerIn "));
  } else if (dialect == 0x0311) {
    k.signing_key = kdf_sp800_108(key, SMB_LABEL("SMBSigningKey"), preauth_hash);
    k.application_key = kdf_sp800_108(key, SMB_LABEL("SMBAppKey"), preauth_hash);
    k.encryption_key = kdf_sp800_108(key, SMB_LABEL("SMBS2CCipherKey"), preauth_hash);
    k.decryption_key = kdf_sp800_108(key, SMB_LABEL("SMBC2SCipherKey"), preauth_hash);
  } else {
    // 2.0.2 / 2.1: messages are signed with Session.SessionKey itself; no encryption.
    k.signing_key = key;
    k.application_key = key;
  }
  return k;
}

SigningAlgorithm default_signing_algorithm(std::uint16_t dialect) {
  return dialect >= 0x0300 ? SigningAlgorithm::aes_cmac : SigningAlgorithm::hmac_sha256;
}

void sign(std::span<std::uint8_t> message, ByteView signing_key, SigningAlgorithm alg) {
  if (message.size() < kHeaderSize) return;
  std::fill_n(message.begin() + kSignatureOffset, 16, std::uint8_t{0});
  Bytes sig = compute(ByteView(message.data(), message.size()), signing_key, alg);
  std::copy_n(sig.begin(), 16, message.begin() + kSignatureOffset);
}

void sign(Bytes& message, ByteView signing_key, SigningAlgorithm alg) {
  sign(std::span<std::uint8_t>(message.data(), message.size()), signing_key, alg);
}

bool verify(ByteView message, ByteView signing_key, SigningAlgorithm alg) {
  if (message.size() < kHeaderSize) return false;
  // 3.1.5.1: save the Signature, zero it, recompute over the entire message, compare.
  Bytes copy(message.begin(), message.end());
  std::fill_n(copy.begin() + kSignatureOffset, 16, std::uint8_t{0});
  Bytes sig = compute(copy, signing_key, alg);
  return crypto::constant_time_equal(sig, message.subspan(kSignatureOffset, 16));
}

PreauthHash::PreauthHash() : value_(64, 0) {}

void PreauthHash::update(ByteView message) { value_ = crypto::sha512({value_, message}); }

}  // namespace smb::security
