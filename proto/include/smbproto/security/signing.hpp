// SMB2/3 message signing and key derivation (MS-SMB2 3.1.4.1, 3.1.4.2, 3.2.5.3.1, 3.3.5.5.3) and the
// 3.1.1 preauthentication integrity hash (3.2.5.2, 3.3.5.4).
#pragma once

#include <cstdint>
#include <span>

#include "smbproto/wire.hpp"

namespace smb::security {

/** MS-SMB2 2.2.3.1.7 SigningAlgorithmId values, plus the 2.x HMAC default. */
enum class SigningAlgorithm : std::uint16_t { hmac_sha256 = 0, aes_cmac = 1, aes_gmac = 2 };

/** Keys of one session (MS-SMB2 3.3.1.8 Session.SigningKey, EncryptionKey, DecryptionKey, ApplicationKey). */
struct SessionKeys {
  wire::Bytes signing_key;       ///< 16 bytes
  wire::Bytes encryption_key;    ///< server->client (ServerOutKey); 16 bytes
  wire::Bytes decryption_key;    ///< client->server (ServerInKey)
  wire::Bytes application_key;
};

/**
 * Derives the session keys for `dialect` from the 16-byte session key (MS-SMB2 3.3.5.5.3):
 * 2.0.2/2.1: signing key = session key. 3.0/3.0.2: SP800-108 KDF, label "SMB2AESCMAC"/"SmbSign".
 * 3.1.1: label "SMBSigningKey", context = the session's preauth integrity hash value (64 bytes).
 */
SessionKeys derive_session_keys(std::uint16_t dialect, wire::ByteView session_key, wire::ByteView preauth_hash = {});

/** Default algorithm for a dialect when no SIGNING_CAPABILITIES context was negotiated. */
SigningAlgorithm default_signing_algorithm(std::uint16_t dialect);

/**
 * Computes the signature of one message (header at message[0], Signature field zeroed for the
 * computation) and writes it at 0x30. Does not touch Flags: the caller sets SMB2_FLAGS_SIGNED first.
 * For AES-GMAC the nonce uses MessageId, the SERVER_TO_REDIR bit and whether the command is CANCEL.
 */
void sign(wire::Bytes& message, wire::ByteView signing_key, SigningAlgorithm alg);
/** Same, in place over a mutable span (one member of a compound chain). */
void sign(std::span<std::uint8_t> message, wire::ByteView signing_key, SigningAlgorithm alg);
/** True when the Signature at 0x30 matches. */
bool verify(wire::ByteView message, wire::ByteView signing_key, SigningAlgorithm alg);

/** SHA-512 chain of MS-SMB2 3.3.5.4 / 3.3.5.5 (client: 3.2.5.2): H(i) = SHA512(H(i-1) || message); starts at 64 zero bytes. */
class PreauthHash {
 public:
  PreauthHash();
  void update(wire::ByteView message);
  const wire::Bytes& value() const { return value_; }

 private:
  wire::Bytes value_;
};

/** SP800-108 counter-mode KDF with HMAC-SHA256 (MS-SMB2 3.1.4.2); `bits` = 128 or 256. */
wire::Bytes kdf_sp800_108(wire::ByteView key, wire::ByteView label, wire::ByteView context, unsigned bits = 128);

}  // namespace smb::security
