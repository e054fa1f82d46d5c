// libFuzzer target: NTLMSSP message decoding (MS-NLMP 2.2.1.1-2.2.1.3, AV_PAIRs 2.2.2.1), then re-encoding.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "smbproto/security/ntlmssp.hpp"

using namespace smb::security::ntlm;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smb::wire::ByteView in(data, size);
  // Every decoder sees every input: the MessageType check is part of what is fuzzed.
  if (auto m = decode_negotiate(in)) {
    auto b = encode(*m);
    smb::fuzz::check_roundtrip(decode_negotiate(b).has_value(), "NTLMSSP NEGOTIATE", b);
  }
  if (auto m = decode_challenge(in)) {
    auto b = encode(*m);
    smb::fuzz::check_roundtrip(decode_challenge(b).has_value(), "NTLMSSP CHALLENGE", b);
  }
  if (auto m = decode_authenticate(in)) {
    auto b = encode(*m, m->mic.has_value());
    smb::fuzz::check_roundtrip(decode_authenticate(b).has_value(), "NTLMSSP AUTHENTICATE", b);
  }
  if (auto pairs = decode_av_pairs(in)) {
    auto b = encode_av_pairs(*pairs);
    smb::fuzz::check_roundtrip(decode_av_pairs(b).has_value(), "AV_PAIR list", b);
  }
  (void)message_type(in);
  return 0;
}
