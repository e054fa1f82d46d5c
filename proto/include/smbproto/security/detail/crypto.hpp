// Cryptographic primitives for NTLMSSP and SMB2/3 signing: OpenSSL 3 EVP where the default provider has them,
// small own implementations of MD4 (RFC 1320) and RC4 (legacy-provider only in OpenSSL 3).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>

#include "smbproto/wire.hpp"

namespace smb::security::detail {

using wire::Bytes;
using wire::ByteView;
/** Several buffers hashed as their concatenation, so callers never build temporaries. */
using Parts = std::initializer_list<ByteView>;

/** MD4 (RFC 1320); our own implementation (NTOWFv1 = MD4(UTF16LE(password)), MS-NLMP 3.3.1). */
Bytes md4(Parts data);
/** MD5 (RFC 1321) via EVP. */
Bytes md5(Parts data);
/** SHA-512 (FIPS 180-4) via EVP; 64 bytes. */
Bytes sha512(Parts data);
/** HMAC-MD5 (RFC 2104) via EVP_MAC; 16 bytes. */
Bytes hmac_md5(ByteView key, Parts data);
/** HMAC-SHA256 (RFC 2104) via EVP_MAC; 32 bytes. */
Bytes hmac_sha256(ByteView key, Parts data);
/** AES-128-CMAC (RFC 4493) via EVP_MAC "CMAC"; `key` must be 16 bytes (else 16 zero bytes are returned). */
Bytes aes_cmac(ByteView key, Parts data);
/**
 * AES-128-GMAC (RFC 4543): AES-128-GCM over an empty plaintext with `data` as additional
 * authenticated data; returns the 16-byte tag. `key` 16 bytes, `nonce` 12 bytes.
 */
Bytes aes_gmac(ByteView key, ByteView nonce, Parts data);

/** RC4 keystream state (MS-NLMP 6 RC4K/RC4Init/RC4). Stateful: successive apply() calls continue the stream. */
class Rc4 {
 public:
  explicit Rc4(ByteView key);
  /** XORs the keystream into `data` in place. */
  void apply(std::span<std::uint8_t> data);
  /** Returns a transformed copy of `data`. */
  Bytes process(ByteView data);

 private:
  std::array<std::uint8_t, 256> s_{};
  std::uint8_t i_ = 0;
  std::uint8_t j_ = 0;
};

/** RC4K(key, data) of MS-NLMP 6: a fresh RC4 state used once. */
Bytes rc4(ByteView key, ByteView data);

/** Cryptographically random bytes (RAND_bytes, drawn 4 KiB at a time per thread and process; each byte used once). */
Bytes random_bytes(std::size_t n);

/** Equality that does not leak where two MACs differ (CRYPTO_memcmp). */
bool constant_time_equal(ByteView a, ByteView b);

}  // namespace smb::security::detail
