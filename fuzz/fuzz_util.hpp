// Helpers shared by the libFuzzer targets: keep results alive, and the optional round-trip oracle.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

#include "smbproto/wire.hpp"

namespace smb::fuzz {

/** Keeps the optimiser from dropping a computed string (its construction is what we exercise). */
inline void consume(const std::string& s) {
  volatile std::size_t n = s.size();
  (void)n;
}

/**
 * With SMBCONFORM_FUZZ_ROUNDTRIP=1 in the environment, aborts when our own encoding of a decoded message does
 * not decode again (an encoder/decoder disagreement). Off by default: the default oracle is memory safety only.
 */
inline void check_roundtrip(bool ok, const char* what, const wire::Bytes& bytes) {
  static const bool enabled = [] {
    const char* e = std::getenv("SMBCONFORM_FUZZ_ROUNDTRIP");
    return e && *e == '1';
  }();
  if (ok || !enabled) return;
  std::fprintf(stderr, "round trip: our encoding of a decoded %s does not decode (%zu bytes)\n", what, bytes.size());
  std::abort();
}

}  // namespace smb::fuzz
