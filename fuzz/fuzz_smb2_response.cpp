// libFuzzer target: SMB2 response decoding (MS-SMB2 2.2), including ERROR bodies, interim responses and
// lease/oplock break notifications, then re-encoding and printing whatever decoded.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smb::wire::ByteView in(data, size);
  auto parts = smb::proto::split_compound(in);
  std::vector<smb::wire::ByteView> members;
  if (parts) members = *parts;
  else members.push_back(in);
  for (auto m : members) {
    auto resp = smb::proto::decode_response(m);
    if (!resp) continue;
    auto bytes = smb::proto::encode_message(resp->header, resp->body);
    smb::fuzz::consume(smb::proto::to_string(resp->body));
    auto again = smb::proto::decode_response(bytes);
    smb::fuzz::check_roundtrip(again.has_value(), "SMB2 response", bytes);
  }
  return 0;
}
