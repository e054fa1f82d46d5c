// error_category implementations for smb::proto::errc and its conditions.
#include "smbproto/error.hpp"

#include <string>

namespace smb::proto {
namespace {

class ProtoCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smbproto"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::truncated: return "message truncated";
      case errc::need_more: return "need more bytes";
      case errc::bad_protocol_id: return "bad protocol id";
      case errc::bad_header_size: return "bad header StructureSize";
      case errc::bad_structure_size: return "bad StructureSize";
      case errc::bad_offset: return "offset outside the message";
      case errc::bad_length: return "length runs past the end of the message";
      case errc::bad_count: return "bad count";
      case errc::bad_alignment: return "field not 8-byte aligned";
      case errc::bad_next_command: return "bad NextCommand";
      case errc::too_many_commands: return "compound chain too long";
      case errc::frame_too_large: return "frame too large";
      case errc::bad_frame_header: return "bad Direct TCP header";
      case errc::bad_string: return "bad UTF-16 string";
      case errc::bad_value: return "bad field value";
      case errc::bad_word_count: return "bad WordCount";
      case errc::bad_byte_count: return "bad ByteCount";
      case errc::bad_andx_offset: return "bad AndXOffset";
      case errc::bad_asn1: return "malformed ASN.1/SPNEGO";
      case errc::bad_ntlmssp: return "malformed NTLMSSP";
      case errc::unknown_command: return "unknown command";
      case errc::unsupported: return "unsupported by this codec";
    }
    return "unknown smbproto error " + std::to_string(ev);
  }
  std::error_condition default_error_condition(int ev) const noexcept override {
    switch (static_cast<errc>(ev)) {
      case errc::truncated:
      case errc::need_more: return make_error_condition(condition::truncated);
      case errc::unknown_command:
      case errc::unsupported: return make_error_condition(condition::unsupported);
      default: return make_error_condition(condition::malformed);
    }
  }
};

class ConditionCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smbproto-condition"; }
  std::string message(int ev) const override {
    switch (static_cast<condition>(ev)) {
      case condition::truncated: return "truncated";
      case condition::malformed: return "malformed";
      case condition::unsupported: return "unsupported";
    }
    return "unknown condition";
  }
};

}  // namespace

const std::error_category& proto_category() noexcept {
  static const ProtoCategory c;
  return c;
}
const std::error_category& proto_condition_category() noexcept {
  static const ConditionCategory c;
  return c;
}
std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), proto_category()}; }
std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), proto_condition_category()};
}

}  // namespace smb::proto
