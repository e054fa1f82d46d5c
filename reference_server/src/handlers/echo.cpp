// SMB2 ECHO (MS-SMB2 3.3.5.17).
#include "smbserver/handlers.hpp"

namespace smb::server {

HandlerResult handle_echo(RequestContext& ctx, const proto::EchoRequest&) {
  // 3.3.5.17: verify the session only if the request is signed (it was verified by 3.3.5.2.4)
  // or carries a non-zero SessionId.
  if (ctx.header.session_id != 0) {
    if (NtStatus st = verify_session(ctx, true); !st.is_success()) return st;
  }
  return proto::EchoResponse{};
}

}  // namespace smb::server
