// libFuzzer target: SMB2 request decoding (MS-SMB2 2.2): Direct TCP framing, compound splitting and every
// request body decoder, then re-encoding and printing whatever decoded.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "smbproto/framing.hpp"
#include "smbproto/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  smb::wire::ByteView in(data, size);
  // The input is one SMB2 message or compound chain (no stream header), as a server sees a frame payload.
  auto parts = smb::proto::split_compound(in);
  std::vector<smb::wire::ByteView> members;
  if (parts) members = *parts;
  else members.push_back(in);
  for (auto m : members) {
    auto req = smb::proto::decode_request(m);
    if (!req) continue;
    auto bytes = smb::proto::encode_message(req->header, req->body);
    smb::fuzz::consume(smb::proto::to_string(req->body));
    auto again = smb::proto::decode_request(bytes);
    smb::fuzz::check_roundtrip(again.has_value(), "SMB2 request", bytes);
  }
  // And the same bytes as a framed stream.
  smb::wire::ByteView payload;
  (void)smb::proto::parse_frame(in, payload);
  return 0;
}
