// libFuzzer target: SPNEGO tokens (RFC 4178, MS-SPNG) and the GSS exchanges built on them: DER decoding, the
// server's Acceptor on a first or second SESSION_SETUP leg, and the client's Initiator on a server token.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "smbproto/security/gss.hpp"
#include "smbproto/security/spnego.hpp"

namespace {

smb::security::AcceptorConfig acceptor_config() {
  smb::security::AcceptorConfig c;
  c.users["alice"] = "secret";
  c.allow_guest = true;
  c.fixed_server_challenge = std::array<std::uint8_t, 8>{1, 2, 3, 4, 5, 6, 7, 8};  // deterministic runs
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  smb::wire::ByteView in(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {  // decoders, then our own encoding of what decoded
      if (auto t = smb::security::decode_neg_token_init(in)) {
        auto b = smb::security::encode(*t);
        smb::fuzz::check_roundtrip(smb::security::decode_neg_token_init(b).has_value(), "NegTokenInit", b);
        for (const auto& oid : t->mech_types) smb::fuzz::consume(smb::security::oid_to_string(oid));
      }
      if (auto t = smb::security::decode_neg_token_resp(in)) {
        auto b = smb::security::encode(*t);
        smb::fuzz::check_roundtrip(smb::security::decode_neg_token_resp(b).has_value(), "NegTokenResp", b);
      }
      break;
    }
    case 1: {  // the server's first leg (NegTokenInit or raw NTLMSSP NEGOTIATE)
      smb::security::Acceptor a(acceptor_config());
      auto s = a.step(in);
      if (s.status == smb::status::STATUS_MORE_PROCESSING_REQUIRED) (void)a.step(in);
      break;
    }
    case 2: {  // the server's second leg (AUTHENTICATE) after a genuine first leg
      smb::security::Acceptor a(acceptor_config());
      smb::security::Initiator i(smb::security::Credentials{"alice", "secret", "", "FUZZ"});
      (void)a.step(i.initial_token());
      (void)a.step(in);
      break;
    }
    case 3: {  // the client side on a server token (CHALLENGE leg)
      smb::security::Initiator i(smb::security::Credentials{"alice", "secret", "", "FUZZ"});
      (void)i.initial_token();
      if (auto t = i.step(in)) (void)i.step(in);
      break;
    }
  }
  return 0;
}
