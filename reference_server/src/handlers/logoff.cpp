// SMB2 LOGOFF (MS-SMB2 3.3.5.6).
#include "smbserver/handlers.hpp"

namespace smb::server {

HandlerResult handle_logoff(RequestContext& ctx, const proto::LogoffRequest&) {
  // 3.3.5.6 -> 3.3.5.2.9: LOGOFF proceeds on Expired and InProgress sessions.
  if (NtStatus st = verify_session(ctx, /*allow_not_valid=*/true); !st.is_success()) return st;
  // Every open is closed (no durable/resilient opens here), every tree freed, the session removed.
  remove_session(ctx.server, ctx.connection, ctx.header.session_id);
  ctx.session = nullptr;
  return proto::LogoffResponse{};
}

}  // namespace smb::server
