// Cryptographic primitives: OpenSSL 3 EVP wrappers plus our own MD4 (RFC 1320) and RC4.
#include "smbproto/security/detail/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include <unistd.h>

namespace smb::security::detail {
namespace {

// ---------------------------------------------------------------------------------------------
// MD4, RFC 1320 section 3. Written from the RFC's description: 3 rounds of 16 operations over
// 512-bit blocks, little-endian words, padding with 0x80 then zeros then the 64-bit bit length.
class Md4 {
 public:
  void update(ByteView in) {
    for (std::uint8_t b : in) {
      buf_[used_++] = b;
      if (used_ == 64) {
        block(buf_.data());
        used_ = 0;
      }
    }
    len_ += in.size();
  }
  Bytes finish() {
    const std::uint64_t bits = len_ * 8;
    const std::uint8_t pad0 = 0x80;
    update(ByteView(&pad0, 1));
    const std::uint8_t zero = 0;
    while (used_ != 56) update(ByteView(&zero, 1));
    std::uint8_t lenbuf[8];
    for (int i = 0; i < 8; ++i) lenbuf[i] = static_cast<std::uint8_t>(bits >> (8 * i));
    update(ByteView(lenbuf, 8));
    Bytes out(16);
    for (int i = 0; i < 4; ++i)
      for (int k = 0; k < 4; ++k) out[4 * i + k] = static_cast<std::uint8_t>(h_[i] >> (8 * k));
    return out;
  }

 private:
  static std::uint32_t rotl(std::uint32_t x, int s) { return (x << s) | (x >> (32 - s)); }
  void block(const std::uint8_t* p) {
    std::uint32_t x[16];
    for (int i = 0; i < 16; ++i)
      x[i] = p[4 * i] | (std::uint32_t{p[4 * i + 1]} << 8) | (std::uint32_t{p[4 * i + 2]} << 16) |
             (std::uint32_t{p[4 * i + 3]} << 24);
    std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3];
    auto f = [](std::uint32_t u, std::uint32_t v, std::uint32_t w) { return (u & v) | (~u & w); };
    auto g = [](std::uint32_t u, std::uint32_t v, std::uint32_t w) { return (u & v) | (u & w) | (v & w); };
    auto h = [](std::uint32_t u, std::uint32_t v, std::uint32_t w) { return u ^ v ^ w; };
    // Round 1: [abcd k s] a = (a + F(b,c,d) + X[k]) <<< s, shifts 3 7 11 19.
    static constexpr int s1[4] = {3, 7, 11, 19};
    for (int i = 0; i < 16; ++i) {
      std::uint32_t t = a + f(b, c, d) + x[i];
      t = rotl(t, s1[i % 4]);
      a = d; d = c; c = b; b = t;
    }
    // Round 2: word order 0,4,8,12,1,5,... constant 0x5A827999, shifts 3 5 9 13.
    static constexpr int s2[4] = {3, 5, 9, 13};
    for (int i = 0; i < 16; ++i) {
      int k = (i % 4) * 4 + i / 4;
      std::uint32_t t = a + g(b, c, d) + x[k] + 0x5A827999u;
      t = rotl(t, s2[i % 4]);
      a = d; d = c; c = b; b = t;
    }
    // Round 3: word order 0,8,4,12,2,10,6,14,1,9,5,13,3,11,7,15, constant 0x6ED9EBA1, shifts 3 9 11 15.
    static constexpr int order3[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    static constexpr int s3[4] = {3, 9, 11, 15};
    for (int i = 0; i < 16; ++i) {
      std::uint32_t t = a + h(b, c, d) + x[order3[i]] + 0x6ED9EBA1u;
      t = rotl(t, s3[i % 4]);
      a = d; d = c; c = b; b = t;
    }
    h_[0] += a; h_[1] += b; h_[2] += c; h_[3] += d;
  }

  std::uint32_t h_[4] = {0x67452301u, 0xEFCDAB89u, 0x98BADCFEu, 0x10325476u};
  std::array<std::uint8_t, 64> buf_{};
  std::size_t used_ = 0;
  std::uint64_t len_ = 0;
};

struct MdCtxFree { void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); } };
struct MacFree { void operator()(EVP_MAC* m) const { EVP_MAC_free(m); } };
struct MacCtxFree { void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); } };
struct CipherCtxFree { void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); } };

// OpenSSL 3 looks an algorithm up by name, under global locks, on every EVP_*_fetch and on every EVP_MAC_init that
// names a digest or cipher: with a fetch per call that lookup was most of the cost of signing a message (issue 9
// profile of the runner and server). So algorithms are fetched once per process (a fetched EVP_MD/EVP_CIPHER may
// be used by any number of threads), and each thread keeps one context per algorithm that it re-keys per call:
// EVP_MAC_init with a key and no parameters restarts a used context (EVP_MAC(3)), as EVP_DigestInit_ex2 does a
// digest context (EVP_DigestInit(3)).

/** The digests SMB uses here. */
enum class MdAlg { md5, sha512 };

Bytes digest(MdAlg alg, Parts data) {
  static EVP_MD* const md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);  // both kept for the process's life
  static EVP_MD* const sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  const EVP_MD* md = alg == MdAlg::md5 ? md5 : sha512;
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned len = 0;
  if (!md || !ctx || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1) return {};
  for (ByteView p : data)
    if (!p.empty()) EVP_DigestUpdate(ctx.get(), p.data(), p.size());
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  out.resize(len);
  return out;
}

/** The MACs SMB uses: an EVP_MAC name and its one string parameter (digest for HMAC, cipher for CMAC). */
enum class MacAlg { hmac_md5, hmac_sha256, cmac_aes128 };

/** This thread's context for `alg`, its digest or cipher already set; nullptr when OpenSSL cannot provide it. */
EVP_MAC_CTX* mac_context(MacAlg alg) {
  thread_local std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctxs[3];
  auto& ctx = ctxs[static_cast<int>(alg)];
  if (ctx) return ctx.get();
  const bool hmac = alg != MacAlg::cmac_aes128;
  std::unique_ptr<EVP_MAC, MacFree> m(EVP_MAC_fetch(nullptr, hmac ? "HMAC" : "CMAC", nullptr));
  if (!m) return nullptr;
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> c(EVP_MAC_CTX_new(m.get()));  // holds its own reference to the EVP_MAC
  if (!c) return nullptr;
  const char* value = alg == MacAlg::hmac_md5 ? "MD5" : alg == MacAlg::hmac_sha256 ? "SHA256" : "AES-128-CBC";
  OSSL_PARAM params[2] = {
      OSSL_PARAM_construct_utf8_string(hmac ? OSSL_MAC_PARAM_DIGEST : OSSL_MAC_PARAM_CIPHER, const_cast<char*>(value), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(c.get(), params) != 1) return nullptr;
  ctx = std::move(c);
  return ctx.get();
}

Bytes mac(MacAlg alg, ByteView key, Parts data) {
  EVP_MAC_CTX* ctx = mac_context(alg);
  if (!ctx) return {};
  static const std::uint8_t empty_key = 0;
  const std::uint8_t* kp = key.empty() ? &empty_key : key.data();
  if (EVP_MAC_init(ctx, kp, key.size(), nullptr) != 1) return {};
  for (ByteView p : data)
    if (!p.empty()) EVP_MAC_update(ctx, p.data(), p.size());
  Bytes out(EVP_MAX_MD_SIZE);
  std::size_t len = 0;
  if (EVP_MAC_final(ctx, out.data(), &len, out.size()) != 1) return {};
  out.resize(len);
  return out;
}

}  // namespace

Bytes md4(Parts data) {
  Md4 m;
  for (ByteView p : data) m.update(p);
  return m.finish();
}

Bytes md5(Parts data) { return digest(MdAlg::md5, data); }
Bytes sha512(Parts data) { return digest(MdAlg::sha512, data); }

Bytes hmac_md5(ByteView key, Parts data) { return mac(MacAlg::hmac_md5, key, data); }
Bytes hmac_sha256(ByteView key, Parts data) { return mac(MacAlg::hmac_sha256, key, data); }

Bytes aes_cmac(ByteView key, Parts data) {
  if (key.size() != 16) return Bytes(16, 0);
  return mac(MacAlg::cmac_aes128, key, data);
}

Bytes aes_gmac(ByteView key, ByteView nonce, Parts data) {
  Bytes tag(16, 0);
  if (key.size() != 16 || nonce.size() != 12) return tag;
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);  // kept, as the digests
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!cipher || !ctx) return tag;
  if (EVP_EncryptInit_ex2(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1) return tag;
  if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, 12, nullptr) != 1) return tag;
  if (EVP_EncryptInit_ex2(ctx.get(), nullptr, key.data(), nonce.data(), nullptr) != 1) return tag;
  int outl = 0;
  for (ByteView p : data)
    if (!p.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &outl, p.data(), static_cast<int>(p.size())) != 1)
      return tag;
  std::uint8_t dummy[16];
  if (EVP_EncryptFinal_ex(ctx.get(), dummy, &outl) != 1) return tag;
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data());
  return tag;
}

// RC4: key-scheduling then the pseudo-random generation algorithm (the classic public description).
Rc4::Rc4(ByteView key) {
  for (int k = 0; k < 256; ++k) s_[k] = static_cast<std::uint8_t>(k);
  if (key.empty()) return;
  std::uint8_t j = 0;
  for (int k = 0; k < 256; ++k) {
    j = static_cast<std::uint8_t>(j + s_[k] + key[k % key.size()]);
    std::swap(s_[k], s_[j]);
  }
}

void Rc4::apply(std::span<std::uint8_t> data) {
  for (auto& b : data) {
    i_ = static_cast<std::uint8_t>(i_ + 1);
    j_ = static_cast<std::uint8_t>(j_ + s_[i_]);
    std::swap(s_[i_], s_[j_]);
    b ^= s_[static_cast<std::uint8_t>(s_[i_] + s_[j_])];
  }
}

Bytes Rc4::process(ByteView data) {
  Bytes out(data.begin(), data.end());
  apply(out);
  return out;
}

Bytes rc4(ByteView key, ByteView data) { return Rc4(key).process(data); }

Bytes random_bytes(std::size_t n) {
  // RAND_bytes costs a DRBG lookup and locking per call, and a connection asks for a few bytes at a time (GUIDs,
  // salts, challenges, keys): each thread draws 4 KiB at once and hands them out in order, each byte once. A
  // forked child (a Python caller may fork) must not repeat its parent's bytes, so the buffer belongs to a pid.
  struct Pool {
    std::array<std::uint8_t, 4096> bytes;
    std::size_t used = 4096;
    pid_t owner = 0;
    ~Pool() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
  };
  thread_local Pool pool;
  Bytes out(n);
  if (pool.owner != ::getpid()) {
    pool.used = pool.bytes.size();
    pool.owner = ::getpid();
  }
  for (std::size_t done = 0; done < n;) {
    if (pool.used == pool.bytes.size()) {
      // RAND_bytes only fails when the DRBG cannot be seeded; there is no safe fallback.
      if (RAND_bytes(pool.bytes.data(), static_cast<int>(pool.bytes.size())) != 1) std::abort();
      pool.used = 0;
    }
    std::size_t k = std::min(n - done, pool.bytes.size() - pool.used);
    std::memcpy(out.data() + done, pool.bytes.data() + pool.used, k);
    OPENSSL_cleanse(pool.bytes.data() + pool.used, k);  // handed out: not kept in the pool
    pool.used += k;
    done += k;
  }
  return out;
}

bool constant_time_equal(ByteView a, ByteView b) {
  return a.size() == b.size() && (a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace smb::security::detail
