// error_category of smb::harness::errc.
#include "smbharness/error.hpp"

#include <string>

namespace smb::harness {
namespace {

class HarnessCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "smbharness"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::timeout: return "timed out";
      case errc::closed: return "connection closed by peer";
      case errc::connect_failed: return "connect failed";
      case errc::io_error: return "I/O error";
      case errc::bad_frame: return "bad Direct TCP frame";
      case errc::bad_response: return "bad response";
      case errc::bad_signature: return "bad signature";
      case errc::auth_failed: return "authentication failed";
      case errc::negotiate_failed: return "negotiate failed";
      case errc::tree_connect_failed: return "tree connect failed";
      case errc::control_error: return "control channel error";
      case errc::not_connected: return "not connected";
    }
    return "unknown smbharness error " + std::to_string(ev);
  }
};

}  // namespace

const std::error_category& harness_category() noexcept {
  static const HarnessCategory c;
  return c;
}
std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), harness_category()}; }

}  // namespace smb::harness
