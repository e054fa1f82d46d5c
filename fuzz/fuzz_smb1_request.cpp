// libFuzzer target: SMB1 request decoding (MS-CIFS 2.2.4) with AndX chains, then re-encoding and printing.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"
#include "smbproto/smb1/messages.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto req = smb::proto::smb1::decode_request(smb::wire::ByteView(data, size));
  if (!req) return 0;
  for (const auto& b : req->bodies) smb::fuzz::consume(smb::proto::smb1::to_string(b));
  auto bytes = smb::proto::smb1::encode_message(*req);
  auto again = smb::proto::smb1::decode_request(bytes);
  smb::fuzz::check_roundtrip(again.has_value(), "SMB1 request", bytes);
  return 0;
}
