// Known-answer tests for the primitives in security/detail/crypto.hpp (RFC 1320, 2104, 4231, 4493, 6229, NIST GCM).
#include "smbproto/security/detail/crypto.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "proto/security/hex_util.hpp"

namespace smb::security::detail {
namespace {

using test::ascii;
using test::hex;
using test::hexs;

// RFC 1320 appendix A.5 "Test suite".
TEST(Crypto, Md4Rfc1320TestSuite) {
  EXPECT_EQ(hexs(md4({ascii("")})), "31d6cfe0d16ae931b73c59d7e0c089c0");
  EXPECT_EQ(hexs(md4({ascii("a")})), "bde52cb31de33e46245e05fbdbd6fb24");
  EXPECT_EQ(hexs(md4({ascii("abc")})), "a448017aaf21d8525fc10ae87aa6729d");
  EXPECT_EQ(hexs(md4({ascii("message digest")})), "d9130a8164549fe818874806e1c7014b");
  EXPECT_EQ(hexs(md4({ascii("abcdefghijklmnopqrstuvwxyz")})), "d79e1c308aa5bbcdeea8ed63df412da9");
  EXPECT_EQ(hexs(md4({ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")})),
            "043f8582f241db351ce627e153e7f0e4");
  EXPECT_EQ(hexs(md4({ascii("1234567890123456789012345678901234567890123456789012345678901234567890"
                            "1234567890")})),
            "e33b4ddc9c38f2199c3e7b164fcc0536");
}

TEST(Crypto, Md4PartsEqualConcatenation) {
  // Split across the 64-byte block boundary: the digest of the parts is the digest of the whole.
  EXPECT_EQ(hexs(md4({ascii("12345678901234567890123456789012345678901234567890123456789"),
                      ascii("012345678901234567890")})),
            "e33b4ddc9c38f2199c3e7b164fcc0536");
}

// MS-NLMP 4.2.1/3.3.1: NTOWFv1("Password") = MD4(UNICODE("Password")) = a4f49c40 6510bdca b6824ee7 c30fd852.
TEST(Crypto, Md4OfUnicodePasswordIsMsNlmpNtHash) {
  EXPECT_EQ(hexs(md4({wire::utf16le_from_utf8("Password")})), "a4f49c406510bdcab6824ee7c30fd852");
}

// RFC 6229 section 2, 40-bit key 0x0102030405, keystream at offset 0; plus widely published vectors.
TEST(Crypto, Rc4KnownKeystreams) {
  EXPECT_EQ(hexs(rc4(hex("0102030405"), Bytes(16, 0))), "b2396305f03dc027ccc3524a0a1118a8");
  EXPECT_EQ(hexs(rc4(ascii("Key"), ascii("Plaintext"))), "bbf316e8d940af0ad3");
  EXPECT_EQ(hexs(rc4(ascii("Wiki"), ascii("pedia"))), "1021bf0420");
  EXPECT_EQ(hexs(rc4(ascii("Secret"), ascii("Attack at dawn"))), "45a01f645fc35b383552544b9bf5");
}

TEST(Crypto, Rc4StateContinuesAcrossCalls) {
  // RFC 6229: the keystream is one stream; two 8-byte applies equal one 16-byte apply.
  Rc4 s(hex("0102030405"));
  Bytes a(8, 0), b(8, 0);
  s.apply(a);
  s.apply(b);
  EXPECT_EQ(hexs(a) + hexs(b), "b2396305f03dc027ccc3524a0a1118a8");
}

// RFC 2104 appendix / RFC 2202 section 2 (HMAC-MD5 test cases 1-3).
TEST(Crypto, HmacMd5Rfc2104) {
  EXPECT_EQ(hexs(hmac_md5(Bytes(16, 0x0b), {ascii("Hi There")})), "9294727a3638bb1c13f48ef8158bfc9d");
  EXPECT_EQ(hexs(hmac_md5(ascii("Jefe"), {ascii("what do ya want for nothing?")})),
            "750c783e6ab0b503eaa86e310a5db738");
  EXPECT_EQ(hexs(hmac_md5(Bytes(16, 0xaa), {Bytes(50, 0xdd)})), "56be34521d144c88dbb8c733f0e8b3f6");
}

// RFC 4231 section 4.2 and 4.3 (HMAC-SHA-256 test cases 1 and 2).
TEST(Crypto, HmacSha256Rfc4231) {
  EXPECT_EQ(hexs(hmac_sha256(Bytes(20, 0x0b), {ascii("Hi There")})),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hexs(hmac_sha256(ascii("Jefe"), {ascii("what do ya"), ascii(" want for nothing?")})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

// FIPS 180-2 appendix C.1: SHA-512("abc").
TEST(Crypto, Sha512Abc) {
  EXPECT_EQ(hexs(sha512({ascii("abc")})),
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

// RFC 4493 section 4, examples 1-4.
TEST(Crypto, AesCmacRfc4493) {
  const Bytes key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  const Bytes m = hex(
      "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710");
  EXPECT_EQ(hexs(aes_cmac(key, {})), "bb1d6929e95937287fa37d129b756746");
  EXPECT_EQ(hexs(aes_cmac(key, {ByteView(m).first(16)})), "070a16b46b4d4144f79bdd9dd04a287c");
  EXPECT_EQ(hexs(aes_cmac(key, {ByteView(m).first(40)})), "dfa66747de9ae63030ca32611497c827");
  EXPECT_EQ(hexs(aes_cmac(key, {ByteView(m).first(20), ByteView(m).subspan(20)})),
            "51f0bebf7e3b9d92fc49741779363cfe");
}

// GMAC = GCM with empty plaintext (RFC 4543). McGrew-Viega GCM spec test case 1 (all-zero key and
// IV, no AAD) and NIST CAVS gcmEncryptExtIV128 (PTlen 0, AADlen 128, Count 0).
TEST(Crypto, AesGmacKnownTags) {
  EXPECT_EQ(hexs(aes_gmac(Bytes(16, 0), Bytes(12, 0), {})), "58e2fccefa7e3061367f1d57a4e7455a");
  EXPECT_EQ(hexs(aes_gmac(hex("77be63708971c4e240d1cb79e8d77feb"), hex("e0e00f19fed7ba0136a797f3"),
                          {hex("7a43ec1d9c0a5a78a0b16533a6213cab")})),
            "209fcc8d3675ed938e9c7166709dd946");
}

// Each thread re-keys one context per MAC (crypto.cpp): a context used with one key, or an empty key, or by
// another algorithm in between, gives the same tags as a fresh one, on any number of threads at once.
// The empty-key, empty-message values are HMAC-MD5("", "") and HMAC-SHA256("", ""), widely published.
TEST(Crypto, MacContextsReusedAcrossKeysAlgorithmsAndThreads) {
  const Bytes cmac_key = hex("2b7e151628aed2a6abf7158809cf4f3c");
  auto one_round = [&] {
    bool ok = true;
    ok &= hexs(hmac_md5(Bytes(16, 0x0b), {ascii("Hi There")})) == "9294727a3638bb1c13f48ef8158bfc9d";
    ok &= hexs(aes_cmac(cmac_key, {})) == "bb1d6929e95937287fa37d129b756746";
    ok &= hexs(hmac_md5({}, {})) == "74e6f7298a9c2d168935f58c001bad88";
    ok &= hexs(hmac_sha256(ascii("Jefe"), {ascii("what do ya want for nothing?")})) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    ok &= hexs(hmac_sha256({}, {})) == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";
    ok &= hexs(hmac_md5(ascii("Jefe"), {ascii("what do ya want for nothing?")})) == "750c783e6ab0b503eaa86e310a5db738";
    ok &= hexs(md5({ascii("abc")})) == "900150983cd24fb0d6963f7d28e17f72";  // RFC 1321 A.5
    return ok;
  };
  EXPECT_TRUE(one_round());
  EXPECT_TRUE(one_round());
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      bool all = true;
      for (int i = 0; i < 200; ++i) all &= one_round();
      good += all;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 4);
}

TEST(Crypto, RandomBytesLengthAndVariation) {
  EXPECT_EQ(random_bytes(16).size(), 16u);
  EXPECT_NE(random_bytes(16), random_bytes(16));  // 2^-128 chance of a false failure
}

// random_bytes hands out a per-thread pool (crypto.cpp): no byte run twice, across refills too, and a forked child
// draws its own bytes, not the rest of its parent's pool (both would otherwise see the same next 16 bytes).
TEST(Crypto, RandomBytesNeverRepeatAcrossRefillsOrFork) {
  std::set<Bytes> seen;
  for (int i = 0; i < 600; ++i) EXPECT_TRUE(seen.insert(random_bytes(16)).second);  // > 2 pools of 4 KiB
  Bytes big = random_bytes(10000);                                                 // longer than a pool
  EXPECT_EQ(big.size(), 10000u);
  EXPECT_NE(Bytes(big.begin(), big.begin() + 4096), Bytes(big.begin() + 4096, big.begin() + 8192));
  random_bytes(1);  // the pool is now part-used: the case a fork would copy
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Bytes b = random_bytes(16);
    ssize_t w = ::write(fds[1], b.data(), b.size());
    ::_exit(w == 16 ? 0 : 1);
  }
  Bytes mine = random_bytes(16);
  Bytes child(16);
  ssize_t got = ::read(fds[0], child.data(), child.size());
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  ::close(fds[1]);
  ASSERT_EQ(got, 16);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_NE(mine, child);
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal(hex("0102"), hex("0102")));
  EXPECT_FALSE(constant_time_equal(hex("0102"), hex("0103")));
  EXPECT_FALSE(constant_time_equal(hex("0102"), hex("010203")));
}

}  // namespace
}  // namespace smb::security::detail
